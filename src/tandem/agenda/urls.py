from django.urls import URLPattern, path

from tandem.agenda.views import accounts, calendar, events, feeds, imports

app_name = "agenda"

urlpatterns: list[URLPattern] = [
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/occurrences.json", calendar.occurrences_json, name="occurrences"),
    path("calendar/dated/<slug:source>/<int:pk>/move/", calendar.dated_move, name="dated-move"),
    path("calendar/freebusy/", events.free_busy_strip, name="free-busy"),
    path("calendar/events/new/", events.event_create, name="event-create"),
    path("calendar/events/<int:pk>/", events.event_detail, name="event"),
    path("calendar/events/<int:pk>/edit/", events.event_edit, name="event-edit"),
    path("calendar/events/<int:pk>/move/", calendar.event_move, name="event-move"),
    path("calendar/events/<int:pk>/delete/", events.event_delete, name="event-delete"),
    path("calendar/events/<int:pk>/respond/", events.event_respond, name="event-respond"),
    # iCalendar: feeds out (the feed itself is at the root: calendars/feed/<secret>.ics) and import
    path("calendar/feeds/", feeds.feed_list, name="feeds"),
    path("calendar/feeds/new/", feeds.feed_create, name="feed-create"),
    path("calendar/feeds/<int:pk>/rotate/", feeds.feed_rotate, name="feed-rotate"),
    path("calendar/feeds/<int:pk>/revoke/", feeds.feed_revoke, name="feed-revoke"),
    path("calendar/<int:pk>/import/", imports.import_file, name="import"),
    # CalDAV: the external calendars a user connects
    path("calendar/accounts/", accounts.account_list, name="accounts"),
    path("calendar/accounts/connect/", accounts.account_connect, name="account-connect"),
    path("calendar/accounts/<int:pk>/sync/", accounts.account_sync, name="account-sync"),
    path("calendar/accounts/<int:pk>/disconnect/", accounts.account_disconnect, name="account-disconnect"),
]
