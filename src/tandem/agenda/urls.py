from django.urls import path

from tandem.agenda.views import feeds, imports

urlpatterns = [
    # iCalendar: feeds out and import
    path("calendar/feeds/", feeds.feed_list, name="calendar-feeds"),
    path("calendar/feeds/new/", feeds.feed_create, name="calendar-feed-create"),
    path("calendar/feeds/<int:pk>/rotate/", feeds.feed_rotate, name="calendar-feed-rotate"),
    path("calendar/feeds/<int:pk>/revoke/", feeds.feed_revoke, name="calendar-feed-revoke"),
    path("calendar/<int:pk>/import/", imports.import_file, name="calendar-import"),
]
