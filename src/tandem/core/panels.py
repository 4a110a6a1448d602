"""Pages composed from panels. A page that shows one record (the item page, the customer page)
shows, among its own parts, the panels other apps register for it in their AppConfig.ready(): on
the item page sales shows the deal and the mail gateway the e-mail; on the customer page contacts,
work and the mail gateway show their cards; feeds shows the history on both. The page knows none of
them: it asks for its panels and renders them in order, so an app that lands later (calendar,
projects, documents) adds its panel by registering one.

- `register_panel(page, key, template=, context=, order=)`: `context(request, record)` gives what
  the template needs beyond the page's own context (which a panel sees, as an included template
  would: `user`, `csrf_token`, the record), or None when the panel has nothing to show for this
  record. A key registered again replaces the panel.
- `panels_for(page, request, record)`: the page's panels to show, in order (lowest first), each
  with its context; `{% panels %}` (core/templatetags/panels.py) renders them. A page's own parts
  may take their places among them (`own=`): they render from the page's context alone.
- `on_show(page, hook)`: `hook(request, record)` runs whenever the page is shown (the notifications
  app reads the record's notifications), before the panels' contexts are made."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest, Any], dict[str, Any] | None]
ShowHook = Callable[[HttpRequest, Any], None]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int
    context: PanelContext | None = None  # None: a page's own part, drawn from the page's context


@dataclass(frozen=True)
class Shown:
    """A panel as a page shows it: its template and what it adds to the page's context."""

    key: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_panels: dict[str, dict[str, Panel]] = {}
_hooks: dict[str, list[ShowHook]] = {}


def register_panel(page: str, key: str, *, template: str, context: PanelContext, order: int) -> None:
    _panels.setdefault(page, {})[key] = Panel(key=key, template=template, order=order, context=context)


def is_registered(page: str, key: str) -> bool:
    return key in _panels.get(page, {})


def on_show(page: str, hook: ShowHook) -> None:
    hooks = _hooks.setdefault(page, [])
    if hook not in hooks:
        hooks.append(hook)


def panels_for(page: str, request: HttpRequest, record: Any, *, own: Iterable[Panel] = ()) -> list[Shown]:
    """The panels `page` shows for `record`, in order (by `order`, then key), those whose context is
    None left out; the page's on_show hooks run first."""
    for hook in _hooks.get(page, []):
        hook(request, record)
    shown = []
    for panel in sorted([*own, *_panels.get(page, {}).values()], key=lambda p: (p.order, p.key)):
        context = {} if panel.context is None else panel.context(request, record)
        if context is not None:
            shown.append(Shown(key=panel.key, template=panel.template, context=context))
    return shown


def registered(page: str) -> list[Panel]:
    """The panels registered for `page`, in order (for tests and for the architecture page)."""
    return sorted(_panels.get(page, {}).values(), key=lambda p: (p.order, p.key))
