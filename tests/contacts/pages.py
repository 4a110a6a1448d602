"""Helpers for the customer page tests: read a form off a rendered page and post it back the way
a browser would, so the tests exercise the real form, formsets and hidden fields."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse


class _FormReader(HTMLParser):
    """Collects the values a browser would submit from the first <form method="post">."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.in_form = False
        self.done = False
        self.select: str | None = None
        self.select_first: str | None = None
        self.textarea: str | None = None
        self.option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and a.get("method", "").lower() == "post" and "customer-form" in a.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
                self.values.setdefault(self.select, value)
            if "selected" in a:
                self.values[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            # Browsers drop the single newline Django writes after <textarea>.
            self.values[self.textarea] += data.removeprefix("\n") if not self.values[self.textarea] else data


def form_values(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    assert reader.done, "no customer form on the page"
    return reader.values


def fill_and_post(client: Client, url: str, changes: dict[str, Any], **extra: Any) -> Any:
    """GET the form at `url`, change some fields (None unticks or clears), POST it back."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data: dict[str, Any] = form_values(page.content.decode())
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data, **extra)


def org_url(name: str, pk: int | None = None) -> str:
    return reverse(f"organization-{name}", args=[pk] if pk is not None else [])


def person_url(name: str, pk: int | None = None) -> str:
    return reverse(f"person-{name}", args=[pk] if pk is not None else [])
