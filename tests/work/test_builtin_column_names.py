"""A new board's Open and Closed columns are named by Tandem: each reader sees them in their own
language until someone renames them; a renamed column shows the name as typed."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import translation

from tandem.work import services
from tandem.work.models import Column, ColumnKind
from tests.conftest import login


def in_persian(text: str) -> str:
    with translation.override("fa"):
        return translation.gettext(text)


def test_default_columns_are_shown_in_the_readers_language(manager):
    board = services.create_board(by=manager, data={"name": "Support"})
    open_column = board.columns.get(kind=ColumnKind.OPEN)
    assert (open_column.name, open_column.builtin) == ("Open", "open")
    assert in_persian("Open") != "Open"  # the catalogue has it: the test below could fail
    with translation.override("fa"):
        assert open_column.display_name == in_persian("Open")
        assert board.columns.get(kind=ColumnKind.CLOSED).display_name == in_persian("Closed")
    assert open_column.display_name == "Open"


def test_a_board_made_in_persian_shows_english_to_an_english_reader(manager):
    with translation.override("fa"):
        board = services.create_board(by=manager, data={"name": "پشتیبانی"})
    closed = board.columns.get(kind=ColumnKind.CLOSED)
    assert closed.name == in_persian("Closed")
    assert closed.display_name == "Closed"


def test_a_renamed_column_keeps_the_name_typed(manager):
    board = services.create_board(by=manager, data={"name": "Support"})
    column = services.update_column(
        board.columns.get(kind=ColumnKind.OPEN), by=manager, data={"name": "Inbox"}
    )
    assert (column.name, column.builtin) == ("Inbox", "")
    with translation.override("fa"):
        assert column.display_name == "Inbox"


def test_sending_back_the_shown_name_is_no_renaming(manager):
    board = services.create_board(by=manager, data={"name": "Support"})
    column = board.columns.get(kind=ColumnKind.OPEN)
    with translation.override("fa"):
        column = services.update_column(column, by=manager, data={"name": in_persian("Open"), "wip_limit": 3})
    assert (column.name, column.builtin, column.wip_limit) == ("Open", "open", 3)


def test_the_persian_board_page_shows_the_translated_columns(manager):
    board = services.create_board(by=manager, data={"name": "Support"})
    manager.language = "fa"
    manager.save(update_fields=["language"])
    page = login(manager).get(f"/boards/{board.pk}/").content.decode()
    assert f"<bdi>{in_persian('Closed')}</bdi>" in page
    assert "<bdi>Closed</bdi>" not in page


def test_the_migration_marks_columns_still_called_by_their_default_name(manager):
    board = services.create_board(by=manager, data={"name": "Support"})
    services.update_column(board.columns.get(kind=ColumnKind.CLOSED), by=manager, data={"name": "Done"})
    Column.objects.filter(board=board).update(builtin="")  # as before the migration
    migration = importlib.import_module("tandem.work.migrations.0008_column_label_builtin_names")
    migration.mark_default_columns(apps, None)
    keys = dict(Column.objects.filter(board=board).values_list("kind", "builtin"))
    assert keys == {ColumnKind.OPEN: "open", ColumnKind.CLOSED: ""}
