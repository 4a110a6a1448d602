from django.urls import URLPattern, path

from tandem.feeds import views

# The names keep the namespace they were published under before the feeds left the activity app:
# `activity:feed`, `activity:timeline`, `activity:history-export`.
app_name = "activity"

urlpatterns: list[URLPattern] = [
    path("history/export.csv", views.export_history, name="history-export"),
    path("timeline/<str:kind>/<int:pk>/", views.timeline, name="timeline"),
    path("feeds/<str:kind>/", views.feed, name="feed"),
]
