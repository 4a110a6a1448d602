from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def can(user: Any, permission: str) -> bool:
    """{% if user|can:"edit_customers" %} — the same role table the services enforce. The user model
    answers (`User.can`); an anonymous visitor may do nothing."""
    check = getattr(user, "can", None)
    return bool(check(permission)) if callable(check) else False


@register.filter
def width_class(percent: Any) -> str:
    """`pct-37`: a bar's width (0 to 100 %) as one of tandem.css's classes. Pages carry no style
    attributes: the Content-Security-Policy allows styles from Tandem's stylesheets only."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError, OverflowError):
        value = 0
    return f"pct-{min(100, max(0, value))}"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for sort links and pagination)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# -- the design system's pieces (docs/design.md; live examples at /design/) -----------------------

ICONS = "vendor/bootstrap-icons-1.13.2/icons"
AVATAR_COLOURS = 8


@lru_cache(maxsize=256)
def _icon_svg(name: str) -> str:
    """An icon's SVG markup, read once from the vendored Bootstrap Icons (its fill is currentColor)."""
    if not name.replace("-", "").isalnum():
        raise template.TemplateSyntaxError(f"no icon named {name!r}")
    path = finders.find(f"{ICONS}/{name}.svg")
    if not path:
        raise template.TemplateSyntaxError(f"no icon named {name!r} in {ICONS}")
    with open(str(path), encoding="utf-8") as svg:
        markup = " ".join(svg.read().split())
    return markup.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """{% icon "kanban" %}: a decorative icon (hidden from screen readers). With a label, the icon
    stands alone and the label is read instead: {% icon "trash" label=_("Delete") %}."""
    svg = _icon_svg(name)
    if label:
        return format_html('{}<span class="visually-hidden">{}</span>', mark_safe(svg), label)  # noqa: S308
    return mark_safe(svg)  # noqa: S308 (a vendored file, checked above by name)


def avatar_colour(key: Any) -> int:
    """One of the eight avatar colours, the same for a person on every page."""
    try:
        return int(key) % AVATAR_COLOURS
    except (TypeError, ValueError):
        return sum(map(ord, str(key))) % AVATAR_COLOURS


@register.simple_tag
def avatar(person: Any, size: str = "", named: bool = False) -> SafeString:
    """{% avatar user %}: a person's initials in a coloured circle, their name as its title (and, for
    screen readers, as its text). Anything with `display_name` and `initials` will do. Beside the
    written name (`named=True`) it is decoration, hidden from screen readers so the name is read once."""
    if person is None:
        return mark_safe("")
    name = str(getattr(person, "display_name", "") or person)
    initials = str(getattr(person, "initials", "") or name[:1].upper() or "?")
    size_class = f" avatar-{size}" if size in {"sm", "lg"} else ""
    colour = avatar_colour(getattr(person, "pk", None) or name)
    if named:
        return format_html(
            '<span class="avatar avatar-c{}{}" title="{}" aria-hidden="true">{}</span>',
            colour,
            size_class,
            name,
            initials,
        )
    return format_html(
        '<span class="avatar avatar-c{}{}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        colour,
        size_class,
        name,
        initials,
        name,
    )


@register.inclusion_tag("core/empty_state.html")
def empty_state(
    title: str, text: str = "", icon: str = "inbox", action_url: str = "", action: str = ""
) -> dict[str, Any]:
    """{% empty_state _("No deals yet") _("Qualify a lead to start.") icon="funnel" action_url=url action=_("New lead") %}:
    what an empty list shows: what is missing, what to do, and the button that does it."""
    return {"title": title, "text": text, "icon": icon, "action_url": action_url, "action": action}


STATUS_CLASSES = {
    "open": "status-open",
    "won": "status-won",
    "lost": "status-lost",
    "closed": "status-closed",
    "overdue": "status-overdue",
    "waiting": "status-waiting",
}


@register.simple_tag
def status_badge(status: str, text: Any) -> SafeString:
    """{% status_badge "won" _("Won") %}: a state as a coloured badge (one colour per meaning)."""
    return format_html(
        '<span class="badge status-badge {}">{}</span>',
        STATUS_CLASSES.get(str(status), "status-closed"),
        text,
    )
