"""Label colours on pages. A label's colour is people's choice (#rrggbb), and pages may carry no
style attributes (the Content-Security-Policy takes styles from Tandem's stylesheets only), so a
badge names its colour as a class (`label-c-1f6feb`) and `/labels.css` defines a class for every
colour a label has."""

from __future__ import annotations

import re

from tandem.work.models import Label

_HEX = re.compile(r"#[0-9a-f]{6}")


def text_color(background: str) -> str:
    """Black or white, whichever reads better on the background colour (#rrggbb)."""
    try:
        red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "#000"
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "#000" if luminance > 150 else "#fff"


def color_class(color: str) -> str:
    """The class of a label's colour; empty for anything that is not #rrggbb (the badge then has
    tandem.css's grey)."""
    color = color.lower()
    return f"label-c-{color[1:]}" if _HEX.fullmatch(color) else ""


def stylesheet() -> str:
    """One rule per colour the labels have (a few dozen at most: one short query)."""
    colors = sorted({c.lower() for c in Label.objects.values_list("color", flat=True).distinct()})
    return "".join(
        f".label-badge.{color_class(c)} {{ background-color: {c}; color: {text_color(c)}; }}\n"
        for c in colors
        if color_class(c)
    )
