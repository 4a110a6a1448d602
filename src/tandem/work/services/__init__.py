"""Every write to boards, labels, items, links and comments. Views, the API, the admin, bulk actions
and (later) the mail gateway and importers call these functions; the rules they enforce — one label
per scope, where a card sits, no `blocks` cycle, and above all the blocking-close rule — therefore
hold everywhere. Each runs in one transaction and records history with it.

One module per part: boards (and columns), labels, items (and bulk actions), moves (and closing,
with the blocking-close rule), links, comments, files and saved views. Callers import the package:
`from tandem.work import services; services.move_item(...)`."""

from __future__ import annotations

from tandem.work.services._common import MAX_BLOCK_DEPTH, column_for
from tandem.work.services.boards import (
    add_column,
    archive_board,
    create_board,
    create_board_with_stages,
    delete_column,
    restore_board,
    update_board,
    update_column,
)
from tandem.work.services.comments import add_comment, delete_comment, edit_comment
from tandem.work.services.files import NewFile, attach_files, clean_file_name, max_file_bytes, remove_file
from tandem.work.services.items import TITLE_MAX, bulk_update, create_item, update_item, watch_item
from tandem.work.services.labels import add_label, create_label, delete_label, remove_label, update_label
from tandem.work.services.links import link_items, unlink_items
from tandem.work.services.moves import (
    Blocked,
    close_item,
    move_item,
    open_blockers,
    rebalance_board,
    reopen_item,
)
from tandem.work.services.views import delete_view, save_view

__all__ = [
    "MAX_BLOCK_DEPTH",
    "TITLE_MAX",
    "Blocked",
    "NewFile",
    "add_column",
    "add_comment",
    "add_label",
    "archive_board",
    "attach_files",
    "bulk_update",
    "clean_file_name",
    "close_item",
    "column_for",
    "create_board",
    "create_board_with_stages",
    "create_item",
    "create_label",
    "delete_column",
    "delete_comment",
    "delete_label",
    "delete_view",
    "edit_comment",
    "link_items",
    "max_file_bytes",
    "move_item",
    "open_blockers",
    "rebalance_board",
    "remove_file",
    "remove_label",
    "reopen_item",
    "restore_board",
    "save_view",
    "unlink_items",
    "update_board",
    "update_column",
    "update_item",
    "update_label",
    "watch_item",
]
