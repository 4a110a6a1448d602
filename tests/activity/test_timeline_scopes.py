"""The timelines' scopes are assembled from the parts each app registers for its records in its
ready() (tandem.activity.scopes), so the feeds know no app's records themselves."""

from __future__ import annotations

import pytest

from tandem.activity import scopes
from tandem.contacts import scopes as contacts_scopes
from tandem.work import scopes as work_scopes


def test_the_apps_register_the_parts_of_each_scope():
    registered = scopes.registered()
    assert registered["organization"] == [contacts_scopes.organization_parts, work_scopes.organization_parts]
    assert registered["person"] == [contacts_scopes.person_parts, work_scopes.person_parts]
    # the items first, then the customers: the order the home and team feeds read them in
    assert registered["home"] == [work_scopes.home_parts, contacts_scopes.home_parts]
    assert registered["team"] == [work_scopes.team_parts, contacts_scopes.team_parts]
    assert registered["board"] == [work_scopes.board_parts]


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="unknown timeline scope"):
        scopes.register_scope("calendar", lambda subject: [])
