"""Small rules for text people type, shared by forms, services and models."""

from __future__ import annotations

# A Persian (or Arabic) keyboard types U+060C where an English one types ","; lists a user writes
# (tags, domains, "Name, probability") are split on either.
_COMMAS = str.maketrans({"\u060c": ","})


def latin_commas(text: str) -> str:
    """`text` with the Arabic-script comma written as ","."""
    return text.translate(_COMMAS)
