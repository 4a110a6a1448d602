from django.urls import URLPattern, path

from tandem.activity import views

app_name = "activity"

urlpatterns: list[URLPattern] = [
    path("history/export.csv", views.export_history, name="history-export"),
    path("timeline/<str:kind>/<int:pk>/", views.timeline, name="timeline"),
    path("feeds/<str:kind>/", views.feed, name="feed"),
]
