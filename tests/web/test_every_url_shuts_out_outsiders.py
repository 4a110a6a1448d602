"""Every URL Tandem serves, walked automatically: an anonymous visitor and a deactivated account get
no page with data — HTML redirects to the login page, the API answers 401. A URL added later
without a login check fails here, whoever forgets it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages meant for people who are not logged in (or carry no customer data).
PUBLIC = {
    "login",
    "accept-invite",
    "password-reset",
    "password-reset-confirm",
    "healthz",
    "set_language",
    "api:openapi-json",
    "api:openapi-view",
}
PUBLIC_PREFIXES = ("admin/", "static/", "media/")


def walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else ""))
    return found


def concrete(route: str) -> str:
    """Turn `organizations/<int:pk>/edit/` into `/organizations/1/edit/`."""
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(?:str|slug|uuid|path):?\w*>", "x", path)
    path = re.sub(r"<\w+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = [
    (concrete(route), name)
    for route, name in walk(get_resolver().url_patterns)
    if name not in PUBLIC and not route.startswith(PUBLIC_PREFIXES) and "(?P" not in route
]


def test_the_walk_finds_the_pages():
    names = {name for _, name in ROUTES}
    assert {"home", "organization-list", "person-list", "profile", "user-list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{n or p}" for p, n in ROUTES])
def test_anonymous_sees_nothing(path, name):
    client = Client()
    for method in (client.get, client.post):
        response = method(path)
        if path.startswith("/api/"):
            assert response.status_code in (401, 405), (path, response.status_code)
        else:
            assert response.status_code in (302, 405), (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), response["Location"]


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{n or p}" for p, n in ROUTES])
def test_deactivated_user_sees_nothing(path, name, deactivated):
    client = Client()
    client.force_login(deactivated)
    response = client.get(path)
    assert response.status_code in (302, 401, 405), (path, response.status_code)
