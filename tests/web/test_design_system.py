"""The design system's pieces (docs/design.md): icons, avatars, status badges, empty states,
toasts, unambiguous dates, the typeahead pickers and their endpoint, and the live /design/ page."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import constants
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from tandem.contacts.models import Organization
from tandem.core.forms import BootstrapForm, PickerSelect, PickerSelectMultiple
from tandem.core.templatetags.tandem import avatar, avatar_colour, icon
from tests.conftest import login, make_user

pytestmark = pytest.mark.django_db


def render(text: str, **context: object) -> str:
    return Template("{% load tandem %}" + text).render(Context(context))


def test_an_icon_is_inlined_hidden_from_screen_readers_unless_it_has_a_label():
    plain = str(icon("kanban"))
    assert plain.startswith('<svg aria-hidden="true" focusable="false"') and 'fill="currentColor"' in plain
    labelled = str(icon("trash", label="Delete"))
    assert '<span class="visually-hidden">Delete</span>' in labelled


@pytest.mark.parametrize("name", ["no-such-icon", "../../settings", "house.svg"])
def test_an_unknown_or_odd_icon_name_fails_loudly(name):
    with pytest.raises(TemplateSyntaxError):
        icon(name)


def test_an_avatar_shows_initials_names_the_person_and_keeps_their_colour(member, manager):
    shown = str(avatar(member))
    assert f'title="{member.display_name}"' in shown
    assert f'<span aria-hidden="true">{member.initials}</span>' in shown
    assert f'<span class="visually-hidden">{member.display_name}</span>' in shown
    assert f"avatar-c{member.pk % 8}" in shown and f"avatar-c{manager.pk % 8}" in str(avatar(manager))
    assert avatar_colour(member.pk) == avatar_colour(member.pk) != avatar_colour(member.pk + 1)
    assert "avatar-lg" in str(avatar(member, "lg")) and str(avatar(None)) == ""


def test_a_name_with_markup_stays_text_in_an_avatar(db):
    odd = make_user("odd@example.com", "member", full_name="<b>Bo</b> Script")
    shown = str(avatar(odd))
    assert "<b>" not in shown and "&lt;b&gt;Bo&lt;/b&gt; Script" in shown


def test_status_badges_have_one_class_per_meaning():
    shown = render(
        '{% status_badge "won" "Won" %} {% status_badge "lost" "Lost" %} {% status_badge "x" "?" %}'
    )
    assert "status-won" in shown and "status-lost" in shown and "status-closed" in shown


def test_an_empty_state_says_what_to_do_and_offers_the_action():
    shown = render(
        '{% empty_state "No deals yet" "Qualify a lead." icon="funnel" action_url="/sales/" action="Go" %}'
    )
    assert "No deals yet" in shown and "Qualify a lead." in shown
    assert 'href="/sales/"' in shown and ">Go</a>" in shown and "<svg" in shown


def test_short_dates_name_the_month_so_nobody_reads_day_and_month_the_wrong_way():
    with translation.override("en"):
        shown = Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": date(2026, 5, 12)}))
    assert shown == "12 May 2026"


def test_confirmations_are_toasts_and_errors_stay_on_the_page(member, client):
    client = login(member)
    response = client.get("/design/")
    request = response.wsgi_request
    from django.contrib.messages.storage.fallback import FallbackStorage

    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Deal saved.")
    storage.add(constants.ERROR, "Could not save.")
    page = Template('{% extends "base.html" %}').render(
        Context({"messages": storage, "user": member, "request": request})
    )
    toasts = page[page.index('id="toasts"') :]
    assert "Deal saved." in toasts and "data-tandem-toast" in toasts
    assert "Could not save." in page[: page.index('id="toasts"')] and "Could not save." not in toasts


class SampleForm(BootstrapForm):
    from django import forms

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), widget=PickerSelect("organization")
    )
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.all(), required=False, widget=PickerSelectMultiple("organization")
    )


def test_a_picker_lists_only_what_is_chosen_and_checks_what_is_sent(make_org):
    orgs = [make_org(f"Org {n}") for n in range(30)]
    chosen = orgs[7]
    shown = str(SampleForm(initial={"organization": chosen.pk, "organizations": [orgs[3].pk, orgs[4].pk]}))
    assert 'data-picker="/pick/organization/"' in shown
    assert shown.count("<option") == 1 + 1 + 2  # the empty choice, the chosen one, the two chosen ones
    assert f'value="{chosen.pk}" selected' in shown and "Org 12" not in shown
    # a submitted id is checked against the whole table, not only what was shown
    assert SampleForm({"organization": orgs[20].pk}).is_valid()
    refused = SampleForm({"organization": 10**12})
    assert not refused.is_valid() and "organization" in refused.errors


def test_the_pick_endpoint_finds_by_name_and_leaves_out_system_and_deactivated_accounts(
    member, make_org, deactivated
):
    make_org("Acme Robotics")
    make_org("Zeta Labs")
    client = login(member)
    found = client.get("/pick/organization/", {"q": "acme"}).json()["results"]
    assert [r["text"] for r in found] == ["Acme Robotics"]
    assert client.get("/pick/organization/", {"q": ""}).json() == {"results": []}
    users = client.get("/pick/user/", {"q": "tandem.test"}).json()["results"]
    assert member.pk in [u["value"] for u in users] and deactivated.pk not in [u["value"] for u in users]
    assert client.get("/pick/nothing/", {"q": "a"}).status_code == 404
    assert login(member).get("/pick/person/", {"q": "x" * 5000}).status_code == 200


def test_the_pick_endpoint_needs_a_login(client):
    assert client.get("/pick/organization/", {"q": "a"}).status_code == 302


def test_the_design_page_shows_every_piece(member):
    page = login(member).get("/design/").content.decode()
    for piece in ("design-status", "design-labels", "design-avatars", "design-icons", "design-date-list",
                  "design-form", "empty-state", "data-toast-text", 'data-picker="/pick/user/"'):  # fmt: skip
        assert piece in page, piece
    assert (
        'class="app-sidebar' in page
        and 'aria-current="page"' not in page.split('id="main"')[0].split("design")[0]
    )


def test_an_avatar_beside_the_written_name_is_decoration(member):
    shown = str(avatar(member, named=True))
    assert 'aria-hidden="true"' in shown and "visually-hidden" not in shown
    assert f'title="{member.display_name}"' in shown and member.initials in shown
