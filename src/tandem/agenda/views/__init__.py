"""The calendar's pages: the calendar itself with its JSON feed of occurrences and dated records
(views/calendar.py), the event pages — detail, form, free/busy strip (views/events.py) — and the
iCalendar pages: feeds out (views/feeds.py), import (views/imports.py) and the connected CalDAV
calendars (views/accounts.py)."""
