"""Which slice of the agents' review queue a request asks for (bot/domain/review_page.py):
the window in days, the page size, and the position the next page starts after; every
wrong value refused with a sentence an agent can act on."""

from __future__ import annotations

import pytest

from bot.domain.review_page import (
    DEFAULT_DAYS,
    DEFAULT_LIMIT,
    BadPage,
    PageRequest,
    Position,
    page_from_query,
)


def test_by_default_the_last_14_days_50_messages_at_a_time_from_the_newest():
    assert page_from_query(None, None, None) == PageRequest(days=14, before=None, limit=50)
    assert (DEFAULT_DAYS, DEFAULT_LIMIT) == (14, 50)


@pytest.mark.parametrize(
    "days, before, limit, expected",
    [
        ("1", None, "1", PageRequest(1, None, 1)),
        ("90", None, "200", PageRequest(90, None, 200)),
        ("30", "1764237600.0_17", None, PageRequest(30, Position(1764237600.0, 17), 50)),
        (None, "1764237600.1234567_3", None, PageRequest(14, Position(1764237600.1234567, 3), 50)),
    ],
)
def test_good_values_are_read(days, before, limit, expected):
    assert page_from_query(days, before, limit) == expected


@pytest.mark.parametrize(
    "days, before, limit, parameter",
    [
        ("0", None, None, "days"),
        ("91", None, None, "days"),
        ("-3", None, None, "days"),
        ("14.5", None, None, "days"),
        ("quatorze", None, None, "days"),
        ("١٤", None, None, "days"),  # digits, but not ASCII ones
        ("9" * 40, None, None, "days"),
        (None, None, "0", "limit"),
        (None, None, "201", "limit"),
        (None, None, "1e2", "limit"),
        (None, "hier", None, "before"),
        (None, "1764237600.0", None, "before"),
        (None, "1764237600.0_", None, "before"),
        (None, "_12", None, "before"),
        (None, "nan_12", None, "before"),
        (None, "inf_12", None, "before"),
        (None, "1764237600.0_-1", None, "before"),
        (None, "1764237600.0_1e3", None, "before"),
        (None, "1764237600.0_" + "9" * 30, None, "before"),
        (None, "9" * 400 + "_1", None, "before"),
        (None, "1764237600.0_12\x00", None, "before"),
    ],
)
def test_wrong_values_are_refused_in_french_naming_the_parameter(days, before, limit, parameter):
    with pytest.raises(BadPage) as refused:
        page_from_query(days, before, limit)
    assert refused.value.parameter == parameter
    assert f"«\u00a0{parameter}\u00a0»" in str(refused.value)


@pytest.mark.parametrize(
    "position",
    [Position(1764237600.0, 1), Position(1764237600.1234567, 42), Position(0.5, 10**12)],
)
def test_a_position_survives_its_round_trip_through_the_query_string(position):
    assert Position.parse(position.token()) == position


def test_positions_order_by_time_then_by_the_event_s_row():
    assert Position(10.0, 9) < Position(10.0, 10) < Position(10.5, 1)


def test_the_window_starts_days_before_now_and_the_query_repeats_the_request():
    request = PageRequest(days=2, before=Position(100.25, 7), limit=10)
    assert request.since(now=200000.0) == 200000.0 - 2 * 86400
    assert request.query() == {"days": "2", "before": "100.25_7", "limit": "10"}
    assert page_from_query(**request.query()) == request
    assert PageRequest().query() == {"days": "14", "limit": "50"}
