"""English: dates that read the same everywhere. Django's "m/d/Y" short format reads 12/05/2026 as
May 12th to most of the world; Tandem writes the month's name instead ("5 Dec 2026")."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
