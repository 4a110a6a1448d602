"""The calendar's pages, one module per part (accounts: the connected CalDAV calendars)."""
