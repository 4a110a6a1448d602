"""The connected CalDAV calendars' pages (mounted beside the calendar's own pages)."""

from django.urls import path

from tandem.agenda.views import accounts

urlpatterns = [
    path("calendar/accounts/", accounts.account_list, name="calendar-accounts"),
    path("calendar/accounts/connect/", accounts.account_connect, name="calendar-account-connect"),
    path("calendar/accounts/<int:pk>/sync/", accounts.account_sync, name="calendar-account-sync"),
    path(
        "calendar/accounts/<int:pk>/disconnect/",
        accounts.account_disconnect,
        name="calendar-account-disconnect",
    ),
]
