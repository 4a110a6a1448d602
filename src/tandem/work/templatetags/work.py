"""Template helpers of the board pages: label badges (their colours come from `/labels.css`, see
`tandem.work.colors`), and user avatars."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tandem.accounts.models import User
from tandem.core.templatetags import tandem as design
from tandem.work.colors import color_class
from tandem.work.models import Label

register = template.Library()


@register.simple_tag
def label_badge(label: Label) -> SafeString:
    if label.scope:
        return format_html(
            '<span class="badge label-badge {}" title="{}"><span class="label-scope">{}::</span>{}</span>',
            color_class(label.color),
            label.description,
            label.display_scope,
            label.display_value,
        )
    return format_html(
        '<span class="badge label-badge {}" title="{}">{}</span>',
        color_class(label.color),
        label.description,
        label.display_name,
    )


@register.simple_tag
def avatar(user: User, size: str = "", named: bool = False) -> SafeString:
    """The design system's avatar (`tandem.core.templatetags.tandem.avatar`), under the board pages' name."""
    return design.avatar(user, size, named)


@register.filter
def without_label(labels: list[Label], label_id: int | None) -> list[Label]:
    """A card's labels without the one its column stands for: the column's name says it already."""
    return [label for label in labels if label.pk != label_id] if label_id else list(labels)
