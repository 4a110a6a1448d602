"""Small rules for text people type, shared by forms, services and models."""

from __future__ import annotations

import re
import unicodedata

# A Persian (or Arabic) keyboard types U+060C where an English one types ","; lists a user writes
# (tags, domains, "Name, probability") are split on either.
_COMMAS = str.maketrans({"\u060c": ","})


def latin_commas(text: str) -> str:
    """`text` with the Arabic-script comma written as ","."""
    return text.translate(_COMMAS)


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold_text(text: str) -> str:
    """Case, width and punctuation folded away: what names, keys and search text are compared in."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())
