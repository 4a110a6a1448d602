"""Comments in Markdown; an @mention makes the mentioned user a watcher."""

from __future__ import annotations

import pytest

from tandem.core.errors import InvalidInput, NotAllowed
from tandem.work import services
from tandem.work.models import Comment


def test_a_mention_makes_a_watcher(member, manager, make_item):
    item = make_item("Deal")
    assert manager not in item.watchers.all()
    services.add_comment(item, by=member, body=f"@{manager.handle} can you price this?")
    assert manager in item.watchers.all()


def test_mentions_in_code_or_of_unknown_handles_do_not(member, manager, make_item):
    item = make_item("Deal")
    services.add_comment(item, by=member, body=f"`@{manager.handle}` and @nobody-here")
    assert set(item.watchers.all()) == {member}


def test_an_edit_adding_a_mention_adds_the_watcher(member, manager, make_item):
    item = make_item("Deal")
    comment = services.add_comment(item, by=member, body="first")
    services.edit_comment(comment, by=member, body=f"first, cc @{manager.handle}")
    assert manager in item.watchers.all()
    assert Comment.objects.get(pk=comment.pk).edited_at is not None


def test_only_the_author_edits_or_deletes(member, manager, make_item):
    item = make_item("Deal")
    comment = services.add_comment(item, by=member, body="mine")
    with pytest.raises(NotAllowed):
        services.edit_comment(comment, by=manager, body="theirs")
    with pytest.raises(NotAllowed):
        services.delete_comment(comment, by=manager)
    services.delete_comment(comment, by=member)
    assert not Comment.objects.exists()


def test_empty_comment_is_refused(member, make_item):
    item = make_item("Deal")
    with pytest.raises(InvalidInput):
        services.add_comment(item, by=member, body="   ")
    assert not Comment.objects.exists()


def test_users_get_unique_handles_from_their_addresses(django_user_model):
    first = django_user_model.objects.create_user("ann.lee@one.example")
    second = django_user_model.objects.create_user("Ann.Lee@two.example")
    persian = django_user_model.objects.create_user("مریم@three.example")
    assert (first.handle, second.handle) == ("ann.lee", "ann.lee2")
    assert persian.handle == "user"
