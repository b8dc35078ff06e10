from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import PhoneLine
from bot.domain.hours import describe_hours, describe_reopening, line_status

PARIS = ZoneInfo("Europe/Paris")
LINE = PhoneLine()


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "now, reopens_at, reopening",
    [
        # Friday: the last minute is open, 19:00 is closed until Monday.
        (paris(2026, 11, 27, 18, 59), None, None),
        (paris(2026, 11, 27, 19, 0), paris(2026, 11, 30, 8, 0), "lundi 30 novembre à 8\u00a0h"),
        (paris(2026, 11, 28, 10, 0), paris(2026, 11, 30, 8, 0), "lundi 30 novembre à 8\u00a0h"),
        (paris(2026, 11, 29, 15, 0), paris(2026, 11, 30, 8, 0), "demain à 8\u00a0h"),
        (paris(2026, 11, 30, 7, 59), paris(2026, 11, 30, 8, 0), "aujourd'hui à 8\u00a0h"),
        (paris(2026, 11, 30, 8, 0), None, None),
        (paris(2026, 11, 24, 23, 30), paris(2026, 11, 25, 8, 0), "demain à 8\u00a0h"),
        # Public holidays are closed days.
        (paris(2026, 5, 1, 10, 0), paris(2026, 5, 4, 8, 0), "lundi 4 mai à 8\u00a0h"),
        (paris(2026, 12, 25, 10, 0), paris(2026, 12, 28, 8, 0), "lundi 28 décembre à 8\u00a0h"),
        (paris(2026, 4, 6, 10, 0), paris(2026, 4, 7, 8, 0), "demain à 8\u00a0h"),  # Easter Monday
        (paris(2026, 12, 31, 19, 30), paris(2027, 1, 4, 8, 0), "lundi 4 janvier à 8\u00a0h"),
        (paris(2027, 1, 30, 9, 0), paris(2027, 2, 1, 8, 0), "lundi 1er février à 8\u00a0h"),
    ],
)
def test_status_and_reopening(now, reopens_at, reopening):
    status = line_status(now, LINE)
    assert status.is_open is (reopens_at is None)
    assert status.reopens_at == reopens_at
    if reopening:
        assert describe_reopening(now, status.reopens_at) == reopening


@pytest.mark.parametrize(
    "now_utc, is_open",
    [
        (datetime(2026, 11, 27, 17, 59, tzinfo=timezone.utc), True),  # 18:59 in Paris (UTC+1)
        (datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc), False),  # 19:00 in Paris
        (datetime(2026, 7, 3, 16, 59, tzinfo=timezone.utc), True),  # 18:59 in Paris (UTC+2)
        (datetime(2026, 7, 3, 17, 0, tzinfo=timezone.utc), False),
    ],
)
def test_any_time_zone_is_read_in_paris_time(now_utc, is_open):
    assert line_status(now_utc, LINE).is_open is is_open


@pytest.mark.parametrize(
    "friday_evening, monday_8h_utc",
    [
        # The clocks go forward on Sunday 29 March 2026: Monday 8h is 06:00 UTC.
        (paris(2026, 3, 27, 20, 0), datetime(2026, 3, 30, 6, 0, tzinfo=timezone.utc)),
        # They go back on Sunday 25 October 2026: Monday 8h is 07:00 UTC.
        (paris(2026, 10, 23, 20, 0), datetime(2026, 10, 26, 7, 0, tzinfo=timezone.utc)),
    ],
)
def test_reopening_across_a_summer_time_change(friday_evening, monday_8h_utc):
    status = line_status(friday_evening, LINE)
    assert not status.is_open
    assert status.reopens_at == monday_8h_utc
    assert describe_reopening(friday_evening, status.reopens_at).endswith("à 8\u00a0h")


def test_the_night_of_the_change_itself():
    # Saturday 23:00 to Monday 8:00 is 33 hours on the wall clock, 32 real hours.
    saturday_night = paris(2026, 3, 28, 23, 0)
    status = line_status(saturday_night, LINE)
    utc = timezone.utc
    assert status.reopens_at.astimezone(utc) - saturday_night.astimezone(utc) == timedelta(hours=32)
    assert status.reopens_at.astimezone(PARIS).hour == 8


def test_configured_hours_are_described_in_french():
    line = PhoneLine(opens=datetime(2026, 1, 1, 8, 30).time())
    assert describe_hours(LINE) == "du lundi au vendredi de 8\u00a0h à 19\u00a0h"
    assert describe_hours(line) == "du lundi au vendredi de 8\u00a0h\u00a030 à 19\u00a0h"
    assert line_status(paris(2026, 11, 27, 8, 15), line).is_open is False


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        line_status(datetime(2026, 11, 27, 10, 0), LINE)
