"""Template helpers of the board pages: label badges readable on any colour, and user avatars."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tandem.accounts.models import User
from tandem.work.models import Label

register = template.Library()


def text_color(background: str) -> str:
    """Black or white, whichever reads better on the background colour (#rrggbb)."""
    try:
        red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "#000"
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "#000" if luminance > 150 else "#fff"


@register.simple_tag
def label_badge(label: Label) -> SafeString:
    if label.scope:
        return format_html(
            '<span class="badge label-badge" style="background:{};color:{}" title="{}">'
            '<span class="label-scope">{}::</span>{}</span>',
            label.color,
            text_color(label.color),
            label.description,
            label.scope,
            label.value,
        )
    return format_html(
        '<span class="badge label-badge" style="background:{};color:{}" title="{}">{}</span>',
        label.color,
        text_color(label.color),
        label.description,
        label.name,
    )


@register.simple_tag
def avatar(user: User) -> SafeString:
    return format_html('<span class="avatar" title="{}">{}</span>', user.display_name, user.initials)
