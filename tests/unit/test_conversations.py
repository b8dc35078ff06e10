"""bot/clients/conversations.py on the table Rasa's own SQLTrackerStore writes (SQLite here;
the cluster tests run it on PostgreSQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clients.conversations import ConversationStore, token_subject
from bot.config import TokenSettings
from bot.domain.tokens import issue_token

TOKENS = TokenSettings(secret="s" * 40)


def user(text: str, intent: str = "greet", confidence: float = 0.9, **metadata) -> UserUttered:
    ranking = [
        {"name": intent, "confidence": confidence},
        {"name": "find_invoices", "confidence": 0.05},
    ]
    return UserUttered(
        text,
        {"name": intent, "confidence": confidence},
        parse_data={
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
            "text": text,
        },
        metadata=metadata or None,
    )


def answered(*actions: str) -> List[Event]:
    return [ActionExecuted(action) for action in actions] + [ActionExecuted("action_listen")]


@pytest.fixture
def store(tmp_path: Path):
    """Conversations saved by Rasa's SQLTrackerStore, read back by ours."""
    path = tmp_path / "tracker.db"
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))

    def save(sender: str, events: List[Event]) -> None:
        asyncio.run(rasa_store.save(DialogueStateTracker.from_events(sender, events)))

    conversations = ConversationStore(f"sqlite:///{path}")
    yield save, conversations
    conversations.close()


def test_finds_the_conversations_held_as_or_about_a_customer(store):
    save, conversations = store
    save(
        "logged-in",
        [
            user("mes factures", auth_token=issue_token("C1000001", TOKENS)),
            *answered("action_find_invoices"),
        ],
    )
    save("typed-email", [user("j'ai oublié le mot de passe de Marie.Durand@example.com")])
    save("slot-only", [user("mon e-mail"), SlotSet("email", "marie.durand@example.com")])
    save("typed-number", [user("mon numéro est le 1000001")])
    save("longer-number", [user("commande 110000012")])
    save(
        "someone-else",
        [
            user("bonjour", auth_token=issue_token("C1000005", TOKENS)),
            user("paul.petit@example.com"),
        ],
    )
    save("garbage-token", [user("bonjour", auth_token="not.a.token")])
    # What the REST channel stores now: the verdict, not the token.
    save("verified", [user("bonjour", verified_customer_id="C1000001")])
    save("verified-other", [user("bonjour", verified_customer_id="C1000005")])

    found = conversations.conversations_of("C1000001", {"marie.durand@example.com"})

    assert found == {"logged-in", "typed-email", "slot-only", "typed-number", "verified"}


def test_erases_every_event_of_the_given_conversations_only(store):
    save, conversations = store
    save("erase-me", [user("bonjour"), *answered("utter_greet")])
    save("keep-me", [user("bonjour"), *answered("utter_greet")])

    assert conversations.erase({"erase-me"}) >= 3
    # Both said "bonjour": only the conversation kept still says it.
    assert conversations.conversations_of(None, {"bonjour"}) == {"keep-me"}
    assert conversations.erase(set()) == 0


def test_lists_the_messages_that_ended_in_fallback_or_hand_over(store):
    save, conversations = store
    save(
        "a",
        [
            user("bonjour"),
            *answered("utter_greet"),
            user("blabla", intent="nlu_fallback", confidence=0.3),
            *answered("utter_fallback_topics"),
        ],
    )
    save(
        "b",
        [
            user("je veux un roulement 6204", intent="out_of_scope", confidence=0.8),
            *answered("utter_out_of_scope", "action_phone_handover"),
            user("merci", intent="thank"),
            *answered("utter_thank"),
            BotUttered("au revoir"),
        ],
    )

    missed = conversations.missed_messages()

    assert [(m.sender_id, m.text, m.intent, m.closest_intent, m.outcome) for m in missed] == [
        ("a", "blabla", "nlu_fallback", "find_invoices", "utter_fallback_topics"),
        ("b", "je veux un roulement 6204", "out_of_scope", "out_of_scope", "utter_out_of_scope"),
    ]


def test_every_turn_says_when_it_was_sent_and_answered(store):
    save, conversations = store
    asked = user("où est ma facture", intent="find_invoices")
    answer = BotUttered("Dans « Mes factures ».", metadata={"utter_action": "utter_x"})
    later = BotUttered("Autre chose ?")
    missed = user("blabla", intent="nlu_fallback", confidence=0.3)
    save(
        "a",
        [
            asked,
            ActionExecuted("utter_x"),
            answer,
            later,
            *answered("action_listen"),
            missed,
            *answered("utter_fallback_topics"),
        ],
    )

    turns = conversations.turns()

    assert [(t.text, t.at, t.answer_at, t.outcome) for t in turns] == [
        ("où est ma facture", asked.timestamp, answer.timestamp, None),
        ("blabla", missed.timestamp, None, "utter_fallback_topics"),
    ]


@pytest.mark.parametrize(
    "token, subject",
    [
        (issue_token("C1000001", TOKENS), "C1000001"),
        ("a.b.c", None),
        ("", None),
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOjEyM30.", None),  # sub is a number
    ],
)
def test_token_subject(token, subject):
    assert token_subject(token) == subject


def test_reads_a_periods_events_conversation_by_conversation(store, monkeypatch):
    save, conversations = store
    start = 1_795_000_000.0

    def at(seconds: float, text: str) -> UserUttered:
        event = user(text)
        event.timestamp = start + seconds
        return event

    save("before-and-during", [at(-10, "hier soir"), at(5, "ce matin")])
    save("during", [at(1, "bonjour"), at(2, "merci")])
    save("after", [at(100, "demain")])
    # Rows come in batches: a batch smaller than a conversation must not split it.
    monkeypatch.setattr("bot.clients.conversations.STREAM_BATCH", 1)

    read = list(conversations.conversations_between(start, start + 100))

    assert [(c.sender_id, [e.get("text") for e in c.events]) for c in read] == [
        ("before-and-during", ["ce matin"]),
        ("during", ["bonjour", "merci"]),
    ]
