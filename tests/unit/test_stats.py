"""The dashboard's figures (bot/domain/stats.py) on a hand-made set of conversations, each
figure computed by hand in the comments; and the turn outcomes they rest on
(bot/domain/outcomes.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted

from bot.config import PROJECT_ROOT
from bot.domain.outcomes import FAILURE_ACTIONS, REASONS, TurnOutcome, turn_outcome
from bot.domain.stats import (
    BadPeriod,
    ConversationEvents,
    FeedbackSummary,
    Period,
    compute,
    period_from_query,
)
from tests.support.conversations import WEEK, Conversation, seeded_week

PARIS = "Europe/Paris"
PERIOD = Period(date(2026, 11, 20), date(2026, 11, 23), PARIS)


def fixture() -> List[ConversationEvents]:
    conversations = [
        # A, Friday 20th: understood twice, then « Voulez-vous dire… ? » (a missed topic,
        # not a fallback): contained. 3 customer messages, 3 bot messages.
        Conversation("a", "2026-11-20T10:00:00+01:00")
        .turn("bonjour", "greet", "utter_greet")
        .turn("où sont mes factures", "find_invoices", "utter_find_invoices")
        .turn(
            "mon adresse",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_clarify",
            closest="manage_addresses",
        ),
        # B, 20th: a fallback, then understood: resolved, contained. 2 and 2.
        Conversation("b", "2026-11-20T14:00:00+01:00")
        .turn(
            "blabla",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_topics",
            closest="find_invoices",
        )
        .turn("mot de passe oublié", "forgot_password", "utter_forgot_password"),
        # C, Saturday 21st: asks for a person, line open. 1 and 2.
        Conversation("c", "2026-11-21T09:00:00+01:00").turn(
            "je veux parler à quelqu'un",
            "request_human",
            "utter_request_human_intro",
            "action:action_phone_handover",
            "bot:utter_handover_open",
        ),
        # D, 00:30 on the 22nd in Paris (still the 21st in UTC): two misses, hand-over for
        # failure with the line closed, the last fallback unresolved. 2 and 3.
        Conversation("d", "2026-11-22T00:30:00+01:00")
        .turn(
            "xyz",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_topics",
            closest="log_out",
        )
        .turn(
            "abc",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_handover",
            "bot:utter_handover_closed",
            closest="delete_account",
        ),
        # E, 22nd: the account backend is down: hand-over backend_down. 2 and 3.
        Conversation("e", "2026-11-22T10:00:00+01:00")
        .turn(
            "mes factures",
            "find_invoices",
            "action:action_answer_invoices",
            "bot:utter_backend_unavailable",
            "bot:utter_handover_open",
        )
        .turn("merci", "thank", "utter_thank"),
        # F, 22nd: one fallback and nothing after it: unresolved, not contained. 1 and 1.
        Conversation("f", "2026-11-22T11:00:00+01:00").turn(
            "bla",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_topics",
            closest="find_invoices",
        ),
        # I, 22nd: the FAQ sends a lost mailbox to an adviser: `needed`, line closed. 1 and 2.
        Conversation("i", "2026-11-22T12:00:00+01:00").turn(
            "je n'ai plus accès à ma boîte mail",
            "login_problem",
            "action:action_repair",
            "bot:utter_mailbox_lost",
            "bot:utter_handover_closed",
        ),
    ]
    # A session started, nothing said: not a conversation.
    silent = ConversationEvents(
        "silent", [ActionExecuted("action_session_start", timestamp=PERIOD.start + 10).as_dict()]
    )
    return [c.stored() for c in conversations] + [silent]


@pytest.fixture(scope="module")
def figures() -> Dict:
    return compute(fixture(), PERIOD, FeedbackSummary(3, 1, 2, 4.5))


def test_counts_conversations_and_messages(figures):
    assert figures["period"] == {"from": "2026-11-20", "to": "2026-11-23", "timezone": PARIS}
    assert figures["conversations"] == 7
    assert figures["messages"] == {"customer": 12, "bot": 16}


def test_containment_is_no_hand_over_and_no_unresolved_fallback(figures):
    # A and B of 7.
    assert figures["containment"] == {"conversations": 2, "rate": 0.2857}


def test_hand_overs_by_reason(figures):
    handovers = figures["handovers"]
    # C, D, E, I of 7.
    assert (handovers["conversations"], handovers["rate"]) == (4, 0.5714)
    one = {"conversations": 1, "rate": 0.1429}
    assert handovers["by_reason"] == {
        "backend_down": one,
        "failure": one,
        "asked": one,
        "needed": one,
    }
    # D and I.
    assert handovers["line_closed"] == {"conversations": 2, "rate": 0.2857}


def test_fallbacks(figures):
    # B 1, D 2, F 1 of 12 customer messages; D and F end on one.
    assert figures["fallbacks"] == {"turns": 4, "rate": 0.3333, "unresolved_conversations": 2}
    assert figures["clarifications"] == 1


def test_feedback_is_passed_through_with_its_rate(figures):
    assert figures["feedback"] == {
        "thumbs_up": 3,
        "thumbs_down": 1,
        "thumbs_up_rate": 0.75,
        "satisfaction": {"responses": 2, "average": 4.5},
    }


def test_top_intents_and_missed_topics(figures):
    top = [(t["intent"], t["count"]) for t in figures["top_intents"]]
    assert top == [
        ("find_invoices", 2),
        ("forgot_password", 1),
        ("greet", 1),
        ("login_problem", 1),
        ("request_human", 1),
        ("thank", 1),
    ]
    assert figures["top_intents"][0]["label"] == "Mes factures"
    # Closest intent of A's clarification, B's and F's fallbacks, C's hand-over
    # (action_phone_handover, as `make missed` counts it), D's two misses.
    missed = [(t["intent"], t["count"]) for t in figures["top_missed"]]
    assert missed == [
        ("find_invoices", 2),
        ("delete_account", 1),
        ("log_out", 1),
        ("manage_addresses", 1),
        ("request_human", 1),
    ]


def test_daily_series_in_the_support_time_zone(figures):
    assert figures["daily"] == [
        {
            "date": "2026-11-20",
            "conversations": 2,
            "customer_messages": 5,
            "contained": 2,
            "handovers": 0,
            "fallbacks": 1,
        },
        {
            "date": "2026-11-21",
            "conversations": 1,
            "customer_messages": 1,
            "contained": 0,
            "handovers": 1,
            "fallbacks": 0,
        },
        {
            "date": "2026-11-22",
            "conversations": 4,
            "customer_messages": 6,
            "contained": 0,
            "handovers": 3,
            "fallbacks": 3,
        },
        {
            "date": "2026-11-23",
            "conversations": 0,
            "customer_messages": 0,
            "contained": 0,
            "handovers": 0,
            "fallbacks": 0,
        },
    ]


def test_an_empty_period_has_no_rates():
    figures = compute([], PERIOD)
    assert figures["conversations"] == 0
    assert figures["containment"] == {"conversations": 0, "rate": None}
    assert figures["fallbacks"]["rate"] is None
    assert figures["feedback"]["thumbs_up_rate"] is None
    assert len(figures["daily"]) == 4


@pytest.mark.parametrize(
    "names, handover, line_closed, fallback",
    [
        (
            ["utter_request_human_intro", "action_phone_handover", "utter_handover_open"],
            "asked",
            False,
            False,
        ),
        (["utter_opening_hours_intro", "utter_handover_closed"], "asked", True, False),
        (["utter_out_of_scope", "utter_handover_open"], "failure", False, False),
        (["utter_fallback_handover", "utter_handover_closed"], "failure", True, True),
        (["utter_form_failed", "utter_handover_open"], "failure", False, False),
        # The backend's error explains the hand-over, whatever else the turn said.
        (
            ["utter_find_invoices", "utter_backend_unavailable", "utter_handover_open"],
            "backend_down",
            False,
            False,
        ),
        (["utter_password_email_unavailable", "utter_handover_open"], "backend_down", False, False),
        (["utter_duplicate_ticket_opened", "utter_handover_open"], "needed", False, False),
        (["utter_fallback_topics"], None, False, True),
        (["utter_greet"], None, False, False),
        ([], None, False, False),
    ],
)
def test_turn_outcome(names, handover, line_closed, fallback):
    outcome = turn_outcome(names)
    assert (outcome.handover, outcome.line_closed, outcome.fallback) == (
        handover,
        line_closed,
        fallback,
    )
    assert isinstance(outcome, TurnOutcome)


def test_every_name_the_outcomes_read_is_a_response_or_action_of_the_domain():
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    known = set(domain.responses) | set(domain.user_actions)
    read = set(FAILURE_ACTIONS).union(*(markers for _, markers in REASONS))
    read |= {"utter_handover_open", "utter_handover_closed"}
    assert read - known == set()


@pytest.mark.parametrize(
    "first, last, expected",
    [
        (None, None, (date(2026, 11, 21), date(2026, 11, 27))),
        ("2026-11-01", None, (date(2026, 11, 1), date(2026, 11, 27))),
        (None, "2026-11-10", (date(2026, 11, 4), date(2026, 11, 10))),
        ("2026-11-27", "2026-11-27", (date(2026, 11, 27), date(2026, 11, 27))),
    ],
)
def test_period_from_query(first, last, expected):
    period = period_from_query(first, last, date(2026, 11, 27), PARIS)
    assert (period.first, period.last) == expected


@pytest.mark.parametrize(
    "first, last",
    [
        ("27/11/2026", None),
        ("2026-02-30", None),
        (None, "demain"),
        ("2026-11-28", "2026-11-27"),
        ("2025-01-01", "2026-11-27"),
    ],
)
def test_bad_periods_are_refused_with_a_reason(first, last):
    with pytest.raises(BadPeriod):
        period_from_query(first, last, date(2026, 11, 27), PARIS)


def test_the_period_runs_from_midnight_to_midnight_in_the_support_time_zone():
    period = Period(date(2026, 11, 20), date(2026, 11, 20), PARIS)
    assert period.start == datetime.fromisoformat("2026-11-20T00:00:00+01:00").timestamp()
    assert period.end - period.start == 24 * 3600


def test_the_seeded_week_of_the_browser_test():
    week = seeded_week(date(2026, 11, 27), PARIS)
    figures = compute(
        [c.stored() for c in week], Period(date(2026, 11, 21), date(2026, 11, 27), PARIS)
    )
    # 23 FAQ answers and 6 fallbacks followed by one: 29 of 45.
    assert (figures["conversations"], figures["containment"]["rate"]) == (45, 0.6444)
    assert figures["handovers"]["by_reason"]["asked"]["conversations"] == 6
    assert figures["handovers"]["line_closed"]["conversations"] == 5
    assert [day["conversations"] for day in figures["daily"]] == list(WEEK)
