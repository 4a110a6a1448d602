"""The history rows of a profile edit, a new team, an API token created and revoked, a finished
deal activity, an edited comment and a changed column: one row each, with what changed."""

from __future__ import annotations

from datetime import date

from tandem.accounts import services as accounts
from tandem.activity.models import HistoryEntry
from tandem.sales import services as sales
from tandem.work import services as work


def last(verb: str) -> HistoryEntry:
    return HistoryEntry.objects.filter(verb=verb).latest("pk")


def test_profile_team_and_tokens(member, admin_user):
    accounts.update_profile(member, full_name="Bob M. Member", language="fa", time_zone="Asia/Tehran")
    entry = last("updated")
    assert (entry.actor, entry.target_type, entry.target_id) == (member, "user", member.pk)
    assert entry.changes["language"] == ["en", "fa"] and entry.changes["full_name"][1] == "Bob M. Member"
    before = HistoryEntry.objects.count()
    accounts.update_profile(member, full_name="Bob M. Member", language="fa", time_zone="Asia/Tehran")
    assert HistoryEntry.objects.count() == before  # nothing changed, nothing written

    team = accounts.create_team(name="Support", slug="support-2", by=admin_user)
    assert (last("created").target_type, last("created").target_id) == ("team", team.pk)

    token, _secret = accounts.create_api_token(member, name="CI")
    assert last("created token").changes == {"token": "CI"}
    accounts.revoke_api_token(token, by=member)
    accounts.revoke_api_token(token, by=member)  # once only
    assert HistoryEntry.objects.filter(verb="revoked token").count() == 1


def test_activity_comment_and_column(member, manager, pipeline):
    deal = sales.create_deal(by=member, pipeline=pipeline, title="Acme")
    activity = sales.log_activity(
        deal, by=member, kind="call", summary="Call the buyer", due=date(2999, 1, 1)
    )
    sales.complete_activity(activity, by=member)
    done = last("completed")
    assert (done.target_type, done.target_id) == ("item", deal.pk)

    comment = work.add_comment(deal.item, by=member, body="First words")
    work.edit_comment(comment, by=member, body="Better words")
    edited = last("edited comment")
    assert edited.changes["body"] == ["First words", "Better words"]

    column = pipeline.board.columns.get(name="Lead")
    work.update_column(column, by=manager, data={"wip_limit": 5, "name": "Leads"})
    changed = last("updated column")
    assert changed.changes["wip_limit"] == [None, 5] and changed.changes["name"] == ["Lead", "Leads"]
