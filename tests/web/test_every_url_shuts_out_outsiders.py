"""Every URL Tandem serves, walked automatically: an anonymous visitor and a deactivated account get
no page with data — HTML redirects to the login page, the API answers 401. A URL added later
without a login check fails here, whoever forgets it.

Each URL is asked with the methods it really answers: a view that takes only POST (or PATCH,
DELETE) would answer a GET with 405 whatever its guard does, so a 405 never passes here. What a
URL answers is learnt from its own 405: the API names every method of a path when asked with
OPTIONS (which it never serves, so it answers before any check); a page that takes only POST
says so to an admin's GET, once its guard has let the admin in."""

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
    # a calendar feed answers without a login: its secret is the credential (tests/agenda/test_feeds.py
    # checks unknown, revoked and deactivated holders' secrets answer 404)
    "calendar-feed",
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


PROBE_ONLY = {"HEAD", "OPTIONS"}


def real_methods(path: str, admin: Client) -> list[str]:
    """The methods `path` serves: those its 405 names, or GET when it answers GET."""
    response = Client().options(path) if path.startswith("/api/") else admin.get(path)
    if response.status_code != 405:
        return ["GET"]
    methods = [m.strip() for m in response["Allow"].split(",") if m.strip() not in PROBE_ONLY]
    assert methods, (path, response["Allow"])
    return methods


def assert_shut_out(client: Client, path: str, method: str) -> None:
    response = client.generic(method, path)
    where = (method, path, response.status_code)
    if path.startswith("/api/"):
        assert response.status_code == 401, where
    else:
        assert response.status_code == 302, where
        assert response["Location"].startswith("/login/"), (*where, response["Location"])


def test_the_walk_finds_the_pages():
    names = {name for _, name in ROUTES}
    assert {"home", "organization-list", "person-list", "profile", "user-list"} <= names


@pytest.mark.django_db
def test_the_walk_asks_post_only_views_with_post(admin_user, client_for):
    """The probe sees through the 405 of a view that only takes POST (a page and an endpoint)."""
    admin = client_for(admin_user)
    assert real_methods("/team/users/1/deactivate/", admin) == ["POST"]
    assert real_methods("/organizations/1/archive/", admin) == ["POST"]
    assert real_methods("/api/v1/organizations/1/archive", admin) == ["POST"]
    assert set(real_methods("/api/v1/organizations", admin)) == {"GET", "POST"}
    assert real_methods("/organizations/", admin) == ["GET"]


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{n or p}" for p, n in ROUTES])
def test_anonymous_sees_nothing(path, name, admin_user, client_for):
    client = Client()
    for method in real_methods(path, client_for(admin_user)):
        assert_shut_out(client, path, method)


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{n or p}" for p, n in ROUTES])
def test_deactivated_user_sees_nothing(path, name, deactivated, admin_user, client_for):
    client = client_for(deactivated)
    for method in real_methods(path, client_for(admin_user)):
        assert_shut_out(client, path, method)
