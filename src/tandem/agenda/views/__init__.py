"""The calendar's pages: the calendar itself with its JSON feed of occurrences and dated records
(views/calendar.py), and the event pages — detail, form, free/busy strip (views/events.py)."""
