from django.urls import URLPattern, path

from tandem.work import views

app_name = "work"

urlpatterns: list[URLPattern] = [
    path("labels.css", views.label_colors, name="label-colors"),
    path("boards/", views.board_list, name="board-list"),
    path("boards/new/", views.board_create, name="board-create"),
    path("boards/<int:pk>/", views.board_detail, name="board"),
    path("boards/<int:pk>/list/", views.board_items, name="board-items"),
    path("boards/<int:pk>/bulk/", views.board_bulk, name="board-bulk"),
    path("boards/<int:pk>/settings/", views.board_settings, name="board-settings"),
    path("boards/<int:pk>/archive/", views.board_archive, name="board-archive"),
    path("boards/<int:pk>/columns/", views.column_add, name="column-add"),
    path("boards/<int:pk>/columns/<int:column_pk>/", views.column_page, name="column"),
    path("boards/<int:pk>/columns/<int:column_pk>/edit/", views.column_edit, name="column-edit"),
    path("boards/<int:pk>/labels/", views.label_save, name="label-add"),
    path("boards/<int:pk>/labels/<int:label_pk>/", views.label_save, name="label-edit"),
    path("boards/<int:pk>/views/", views.view_save, name="view-save"),
    path("boards/<int:pk>/views/<int:view_pk>/delete/", views.view_delete, name="view-delete"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/customer-options/", views.customer_options, name="customer-options"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/close/", views.item_state, {"action": "close"}, name="item-close"),
    path("items/<int:pk>/reopen/", views.item_state, {"action": "reopen"}, name="item-reopen"),
    path("items/<int:pk>/move/", views.item_move, name="item-move"),
    path("items/<int:pk>/links/", views.item_link, name="item-link"),
    path("items/<int:pk>/links/<int:link_pk>/delete/", views.item_unlink, name="item-unlink"),
    path("items/<int:pk>/comments/", views.item_comment, name="item-comment"),
    path("items/<int:pk>/comments/<int:comment_pk>/", views.comment_edit, name="comment-edit"),
    path("items/<int:pk>/watch/", views.item_watch, name="item-watch"),
    path("items/<int:pk>/files/", views.item_file_add, name="item-file-add"),
    path("items/<int:pk>/files/<int:file_pk>/", views.item_file, name="item-file"),
    path("items/<int:pk>/files/<int:file_pk>/remove/", views.item_file_remove, name="item-file-remove"),
]
