from django.urls import URLPattern, path

from tandem.work.views import boards, items

app_name = "work"

urlpatterns: list[URLPattern] = [
    path("labels.css", boards.label_colors, name="label-colors"),
    path("boards/", boards.board_list, name="board-list"),
    path("boards/new/", boards.board_create, name="board-create"),
    path("boards/<int:pk>/", boards.board_detail, name="board"),
    path("boards/<int:pk>/list/", boards.board_items, name="board-items"),
    path("boards/<int:pk>/bulk/", boards.board_bulk, name="board-bulk"),
    path("boards/<int:pk>/settings/", boards.board_settings, name="board-settings"),
    path("boards/<int:pk>/archive/", boards.board_archive, name="board-archive"),
    path("boards/<int:pk>/columns/", boards.column_add, name="column-add"),
    path("boards/<int:pk>/columns/<int:column_pk>/", boards.column_page, name="column"),
    path("boards/<int:pk>/columns/<int:column_pk>/edit/", boards.column_edit, name="column-edit"),
    path("boards/<int:pk>/labels/", boards.label_save, name="label-add"),
    path("boards/<int:pk>/labels/<int:label_pk>/", boards.label_save, name="label-edit"),
    path("boards/<int:pk>/views/", boards.view_save, name="view-save"),
    path("boards/<int:pk>/views/<int:view_pk>/delete/", boards.view_delete, name="view-delete"),
    path("items/new/", items.item_create, name="item-create"),
    path("items/customer-options/", items.customer_options, name="customer-options"),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/edit/", items.item_edit, name="item-edit"),
    path("items/<int:pk>/close/", items.item_state, {"action": "close"}, name="item-close"),
    path("items/<int:pk>/reopen/", items.item_state, {"action": "reopen"}, name="item-reopen"),
    path("items/<int:pk>/move/", items.item_move, name="item-move"),
    path("items/<int:pk>/links/", items.item_link, name="item-link"),
    path("items/<int:pk>/links/<int:link_pk>/delete/", items.item_unlink, name="item-unlink"),
    path("items/<int:pk>/comments/", items.item_comment, name="item-comment"),
    path("items/<int:pk>/comments/<int:comment_pk>/", items.comment_edit, name="comment-edit"),
    path("items/<int:pk>/watch/", items.item_watch, name="item-watch"),
    path("items/<int:pk>/files/", items.item_file_add, name="item-file-add"),
    path("items/<int:pk>/files/<int:file_pk>/", items.item_file, name="item-file"),
    path("items/<int:pk>/files/<int:file_pk>/remove/", items.item_file_remove, name="item-file-remove"),
]
