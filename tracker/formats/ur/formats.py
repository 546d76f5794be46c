# Dates and numbers as Urdu readers write them: the day before the month ("21 فروری 2025"), and numbers grouped
# in thousands with the Latin comma, as Pakistani newspapers print figures ("1,000,000,000").
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
DATETIME_FORMAT = "j F Y، H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
