"""Persian: Django's locale groups no digits, so a deal of 72000000 rials read as one run of
digits; amounts are grouped by three as Persian business software does."""

NUMBER_GROUPING = 3
