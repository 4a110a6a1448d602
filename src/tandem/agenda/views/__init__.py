"""The calendar's pages (one module per page group)."""
