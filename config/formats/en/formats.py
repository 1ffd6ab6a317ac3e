# English pages are read by people used to day-first dates as much as month-first ones, so
# dates say the month in letters ("3 Dec 2026, 15:27") and times run on the 24-hour clock,
# as in Brazil. Brazilian Portuguese keeps Django's own (03/12/2026 15:27).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
