"""Dates as precise as their source: "recently", "by the end of 2025", "in the first half of next year".

A date is stored with its precision (`DatePrecision`). The day stored is the latest day the source allows
(31 Dec 2025 for "2025", 30 Jun 2026 for "the first half of 2026"), so that ordering, filters and the
overdue rule compare plain dates and are never more generous than the source. Pages show the date as the
source gave it.
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from .vocabulary import DatePrecision


def formatted(day, format_name):
    """`date_format(day, format_name)`, for a date (not a datetime), worked out once for each day, format and
    language: a table writes a date or two a row, and Django reads the format afresh each time."""
    return _formatted_in(day, format_name, get_language())


@lru_cache(maxsize=4096)
def _formatted_in(day, format_name, language):
    """(`language`, the active one, is the key of the month names and formats it reads.)"""
    return date_format(day, format_name)


def latest_day(day, precision):
    """The last day of the period `day` falls in, at this precision."""
    if day is None:
        return None
    year = day.year
    if precision == DatePrecision.MONTH:
        month = day.month
    elif precision == DatePrecision.QUARTER:
        month = 3 * ((day.month - 1) // 3) + 3
    elif precision == DatePrecision.HALF:
        month = 6 if day.month <= 6 else 12
    elif precision == DatePrecision.YEAR:
        month = 12
    else:  # an exact day, or "on or before" a day
        return day
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class PreciseDate:
    day: datetime.date
    precision: str = DatePrecision.DAY

    def period(self):
        """The date as its source gives it: "21 Feb 2025", "March 2025", "Q3 2025", "2025"..."""
        precision, day = self.precision, self.day
        if precision == DatePrecision.MONTH:
            return formatted(day, "YEAR_MONTH_FORMAT")
        if precision == DatePrecision.QUARTER:
            return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
        if precision == DatePrecision.HALF:
            if day.month <= 6:
                return _("first half of %(year)s") % {"year": day.year}
            return _("second half of %(year)s") % {"year": day.year}
        if precision == DatePrecision.YEAR:
            return pgettext("a year on its own", "%(year)s") % {"year": day.year}
        if precision == DatePrecision.ON_OR_BEFORE:
            return _("on or before %(date)s") % {"date": formatted(day, "DATE_FORMAT")}
        return formatted(day, "DATE_FORMAT")

    def deadline(self):
        """A target as a promise states it: "by end of 2025", "on or before 21 Feb 2025", "21 Feb 2025"."""
        if self.precision in (DatePrecision.DAY, DatePrecision.ON_OR_BEFORE):
            return self.period()
        return _("by end of %(period)s") % {"period": self.period()}

    def __str__(self):
        return self.period()

    @property
    def iso(self):
        """The latest day, as a machine reads it."""
        return self.day.isoformat()


def precision_field(verbose_name):
    """The precision column that goes with a date column."""
    return models.CharField(
        verbose_name,
        max_length=20,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        blank=True,  # left empty in a form or a file, it is an exact day
        help_text=gettext_lazy(
            "As precise as the source: a month, quarter, half year or year is stored as its last day; "
            "“on or before” is for a source that says “recently” or “has done”."
        ),
    )


class PreciseDatesMixin:
    """A model whose dates carry a precision. `PRECISE_DATES` names each date field with its precision
    field; `clean()` stores each date as the latest day its precision allows."""

    PRECISE_DATES: dict = {}

    def precise(self, name):
        """The PreciseDate of a date field, or None when it has no date."""
        day = getattr(self, name)
        return PreciseDate(day, getattr(self, self.PRECISE_DATES[name])) if day else None

    def normalise_dates(self):
        for name, precision_name in self.PRECISE_DATES.items():
            precision = getattr(self, precision_name) or DatePrecision.DAY
            setattr(self, precision_name, precision)
            setattr(self, name, latest_day(getattr(self, name), precision))
