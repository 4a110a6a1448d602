from django.urls import path

from tandem.rituals import views

app_name = "rituals"

urlpatterns = [
    path("rituals/", views.ritual_list, name="list"),
    path("rituals/<int:pk>/", views.ritual_detail, name="detail"),
    path("rituals/<int:pk>/items/<int:item_pk>/<str:action>/", views.quick_action, name="quick-action"),
    path("rituals/<int:pk>/minutes/", views.minutes_save, name="minutes"),
    path("rituals/<int:pk>/minutes/preview/", views.minutes_preview, name="minutes-preview"),
    path("calendar/events/<int:event_pk>/run/", views.event_run, name="event-run"),
]
