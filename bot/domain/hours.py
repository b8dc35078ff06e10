"""Is the phone line open right now, and if not, when does it reopen?

The line is open Monday to Friday within the configured hours, in the line's
time zone, except on public holidays (from the `holidays` package). All
computation happens in local wall-clock time, so summer-time changes need no
special case: 8h is 8h whatever the UTC offset that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Optional
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date

from bot.config import PhoneLine
from bot.domain.typography import NBSP

# Longest run of closed days we look through: a week-end next to holidays
# never comes close; a misconfiguration must not loop forever.
_MAX_CLOSED_DAYS = 14


@dataclass(frozen=True)
class LineStatus:
    is_open: bool
    # The next opening, in the line's time zone; None while the line is open.
    reopens_at: Optional[datetime]


@lru_cache(maxsize=8)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_business_day(day: date, line: PhoneLine) -> bool:
    return day.weekday() < 5 and day not in _holidays(line.holidays_country, day.year)


def line_status(now: datetime, line: PhoneLine) -> LineStatus:
    """Status of the line at `now`, an aware datetime in any time zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(line.timezone)
    local = now.astimezone(zone)
    today = local.date()
    if is_business_day(today, line) and line.opens <= local.time() < line.closes:
        return LineStatus(is_open=True, reopens_at=None)

    day = today if local.time() < line.opens else today + timedelta(days=1)
    for _ in range(_MAX_CLOSED_DAYS):
        if is_business_day(day, line):
            return LineStatus(False, datetime.combine(day, line.opens, tzinfo=zone))
        day += timedelta(days=1)
    raise RuntimeError(f"no business day within {_MAX_CLOSED_DAYS} days of {today}")


def format_clock(moment) -> str:
    """French clock style, with non-breaking spaces: 8 h, 19 h, 8 h 30."""
    if moment.minute == 0:
        return f"{moment.hour}{NBSP}h"
    return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"


def describe_hours(line: PhoneLine) -> str:
    return f"du lundi au vendredi de {format_clock(line.opens)} à {format_clock(line.closes)}"


def describe_reopening(now: datetime, reopens_at: datetime) -> str:
    """ "aujourd'hui à 8h", "demain à 8h" or "lundi 1er juin à 8h"."""
    today = now.astimezone(reopens_at.tzinfo).date()
    day = reopens_at.date()
    clock = format_clock(reopens_at)
    if day == today:
        return f"aujourd'hui à {clock}"
    if day == today + timedelta(days=1):
        return f"demain à {clock}"
    weekday = format_date(day, "EEEE", locale="fr_FR")
    month = format_date(day, "MMMM", locale="fr_FR")
    day_number = "1er" if day.day == 1 else str(day.day)
    return f"{weekday} {day_number} {month} à {clock}"
