from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from tandem.agenda.views import feeds as calendar_feeds
from tandem.api.urls import api

admin.site.site_header = "Tandem"
handler400 = "tandem.core.views.bad_request"
admin.site.site_title = "Tandem admin"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tandem.accounts.urls")),
    path("", include("tandem.contacts.urls")),
    path("", include("tandem.work.urls")),
    path("", include("tandem.sales.urls")),
    path("", include("tandem.feeds.urls")),
    path("", include("tandem.notifications.urls")),
    path("", include("tandem.mailgate.urls")),
    path("", include("tandem.agenda.urls")),
    path("", include("tandem.rituals.urls")),
    path("", include("tandem.web.urls")),
    # the calendar's secret iCalendar feeds (no login: the secret is the credential)
    path("calendars/feed/<str:secret>.ics", calendar_feeds.feed, name="calendar-feed"),
]

# Stored files (item files, received mail, deal documents) are never served from MEDIA_URL, not even
# in debug mode: only through the views that check who may see them (tandem.core.files.serve).
