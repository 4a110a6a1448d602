from django.urls import URLPattern, path

from tandem.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/read-all/", views.mark_all, name="read-all"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("notifications/<int:pk>/read/", views.mark, name="mark"),
    path("live/", views.poll, name="poll"),
]
