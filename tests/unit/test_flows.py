"""A side question answered inside a flow says what its rule says, and a flow takes the
values typed just before it (actions/flows.py, actions/common.py)."""

import asyncio
from typing import Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext, text_of, typed_before
from actions.flows import ANSWERS, FLOWS, WITH_HANDOVER, start_flow
from bot.config import load_settings
from bot.domain.repair import ACCOUNTS_REQUESTED, SPLIT_PART
from bot.domain.responses import rule_responses
from bot.domain.tokens import VERIFIED_CUSTOMER_KEY


@pytest.mark.parametrize("intent", sorted(set(ANSWERS) - {"out_of_scope"}))
def test_answer_inside_a_flow_starts_like_the_rule(intent):
    assert rule_responses(intent)[: len(ANSWERS[intent])] == ANSWERS[intent]


def test_out_of_scope_inside_a_flow_gives_the_phone_line_too():
    """« combien coûte un roulement 6204 ? » inside a flow: « un conseiller pourra vous
    aider » says how to reach one, as the answer outside a flow does."""
    assert "out_of_scope" in WITH_HANDOVER and "opening_hours" in WITH_HANDOVER


@pytest.mark.parametrize("intent", sorted(FLOWS))
def test_a_flow_started_by_an_action_opens_like_its_rule(intent):
    responses, _form = FLOWS[intent]
    assert rule_responses(intent) == responses


def conversation(*events: dict, metadata: Optional[dict] = None) -> Tracker:
    latest = next(event for event in reversed(events) if event["event"] == "user")
    message = {"text": latest["text"], "metadata": metadata or {}}
    return Tracker("s", {}, message, list(events), False, None, {}, "action_listen")


def said(text: str, part: int = 0) -> dict:
    parse_data = {SPLIT_PART: part} if part else {}
    return {"event": "user", "text": text, "parse_data": parse_data}


BOT = {"event": "bot", "text": "…"}
FORM_ENDED = {"event": "active_loop", "name": None}


@pytest.mark.parametrize(
    "events, earlier",
    [
        # « bonjour, mon mail c'est … », then the request: the greeting's text.
        ((said("bonjour, a@b.fr"), BOT, said("mdp oublié")), ["bonjour, a@b.fr"]),
        # Two messages back at most, newest first.
        (
            (said("un"), BOT, said("deux"), BOT, said("trois"), BOT, said("quatre")),
            ["trois", "deux"],
        ),
        # The earlier parts of a split latest message, then two messages.
        (
            (said("un"), said("deux"), BOT, said("trois"), said("quatre", part=1)),
            ["trois", "deux", "un"],
        ),
        # Nothing from before a flow ran: its values were its own.
        ((said("a@b.fr"), FORM_ENDED, BOT, said("supprimer mon compte")), []),
        ((said("a@b.fr"), {"event": "session_started"}, said("supprimer mon compte")), []),
    ],
)
def test_the_texts_typed_before_the_latest_message(events, earlier):
    assert typed_before(conversation(*events)) == earlier


def test_a_logged_in_customers_earlier_texts_are_not_read():
    """Their e-mail and number come from the account."""
    token = {VERIFIED_CUSTOMER_KEY: "C1000001"}
    events = (said("bonjour, a@b.fr"), BOT, said("mdp oublié"))
    assert typed_before(conversation(*events, metadata=token)) == []


def test_a_two_accounts_request_asked_again_recalls_its_ticket():
    """« donc vous allez bien regrouper mes deux comptes client ? » after the ticket: its
    reference, no second request."""
    tracker = Tracker(
        "s", {ACCOUNTS_REQUESTED: "T-ABC123"}, {"text": "…"}, [], False, None, {}, "action_listen"
    )
    dispatcher = CollectingDispatcher()
    context = ActionContext.from_settings(load_settings({}))
    events = asyncio.run(start_flow(context, "duplicate_accounts", dispatcher, tracker))
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_accounts_already_registered"]


@pytest.mark.parametrize("message", [{"text": 42}, {"text": None}, {"text": ["x"]}, "x", None])
def test_a_forged_text_reads_as_no_text(message):
    """Bad input (tests/test_bad_input_run.py): a latest message or a user event whose text
    is not a string is read as saying nothing, never a crash."""
    assert text_of(message) == ""
    events = ({"event": "user", "text": 42, "parse_data": {}}, BOT, said("mdp oublié"))
    assert typed_before(conversation(*events)) == [""]
