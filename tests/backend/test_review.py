"""The agents' review queue (bot/backend/review.py) on conversations Rasa's own
SQLTrackerStore wrote, with the customers' 👎 and the agents' labels in the backend's
database (SQLite and PostgreSQL), in process and through the real API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator, List, Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend import review as queue
from bot.backend.context import BackendContext
from bot.backend.errors import InvalidInput, ItemNotFound
from bot.backend.feedback import AnswerRating, rate_answer
from bot.backend.mailer import Mailer
from bot.backend.models import ReviewLabel
from bot.backend.review import item_id
from tests.support.backend import RunningBackend, backend_settings, running_backend

T0 = 1764237600.0


def user(text: str, at: float, ranking: List[tuple], fallback: bool = False) -> UserUttered:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fallback:
        intents.insert(0, {"name": "nlu_fallback", "confidence": 0.4})
    return UserUttered(
        text,
        intents[0],
        parse_data={"intent": intents[0], "intent_ranking": intents, "text": text},
        timestamp=T0 + at,
    )


def answer(at: float, *responses: str) -> List[Event]:
    """The bot's answer: each response an action and its message, one second apart."""
    events: List[Event] = []
    for offset, response in enumerate(responses):
        moment = T0 + at + 1 + offset
        events.append(ActionExecuted(response, timestamp=moment))
        events.append(
            BotUttered(f"({response})", metadata={"utter_action": response}, timestamp=moment)
        )
    return events + [ActionExecuted("action_listen", timestamp=T0 + at + 9)]


CONVERSATIONS = {
    "conv-fallback": [
        user("blabla factur", 100, [("find_invoices", 0.3), ("greet", 0.1)], fallback=True),
        *answer(100, "utter_fallback_topics"),
    ],
    "conv-handover": [
        user(
            "un roulement 6204 pour jean.dupont@free.fr",
            200,
            [("out_of_scope", 0.8), ("find_invoices", 0.1)],
        ),
        *answer(200, "utter_out_of_scope", "action_phone_handover"),
    ],
    "conv-thumbs": [
        user("bonjour", 290, [("greet", 0.99)]),
        *answer(290, "utter_greet"),
        user("ou est ma facture", 300, [("find_invoices", 0.95)]),
        *answer(300, "utter_find_invoices", "utter_anything_else"),
    ],
    "conv-low": [
        user("adresse", 400, [("manage_addresses", 0.5), ("update_personal_data", 0.3)]),
        *answer(400, "utter_manage_addresses"),
        user("/affirm", 410, [("affirm", 0.2)]),
        *answer(410, "utter_you_are_welcome"),
    ],
    "conv-clarify": [
        user("mon compte", 500, [("manage_addresses", 0.45), ("update_personal_data", 0.44)]),
        *answer(500, "utter_clarify"),
    ],
    "conv-fine": [user("merci", 600, [("thank", 0.99)]), *answer(600, "utter_you_are_welcome")],
}
# The first bot message of « ou est ma facture »'s answer: what the widget rates.
THUMBS_ANSWER_AT = T0 + 301


def tracker_store(tmp_path: Path) -> str:
    path = tmp_path / "tracker.db"
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    for sender, events in CONVERSATIONS.items():
        asyncio.run(rasa_store.save(DialogueStateTracker.from_events(sender, events)))
    return f"sqlite:///{path}"


@pytest.fixture
def review(
    database_url: str, sessions: sessionmaker, clock, tmp_path: Path
) -> Iterator[BackendContext]:
    """The backend's operations over the seeded conversations, one answer rated 👎."""
    settings = backend_settings(database_url, BACKEND_TRACKER_STORE_URL=tracker_store(tmp_path))
    context = BackendContext(settings, sessions, Mailer(settings, sessions, clock), clock)
    rating = AnswerRating("conv-thumbs", THUMBS_ANSWER_AT, "down", "Je cherche la facture de mai")
    rate_answer(context, rating)
    yield context
    assert context.conversations is not None
    context.conversations.close()


def summary(queue: dict) -> list:
    return [
        (group["closest_intent"], [(i["text"], i["outcome"]) for i in group["items"]])
        for group in queue["groups"]
    ]


def test_the_queue_holds_what_the_bot_missed_grouped_newest_first(review: BackendContext):
    found = queue.queue(review)

    assert summary(found) == [
        (
            "manage_addresses",
            [("mon compte", "clarification"), ("adresse", "low_confidence")],
        ),
        (
            "find_invoices",
            [("ou est ma facture", "thumbs_down"), ("blabla factur", "fallback")],
        ),
        ("out_of_scope", [("un roulement 6204 pour j***@free.fr", "handover")]),
    ]
    thumbs = found["groups"][1]["items"][0]
    assert thumbs == {
        "id": item_id("conv-thumbs", T0 + 300),
        "text": "ou est ma facture",
        "outcome": "thumbs_down",
        "confidence": 0.95,
        "at": "2025-11-27T10:05:00+00:00",
        "conversation": "conv-thumbs",
        "comment": "Je cherche la facture de mai",
    }
    assert found["groups"][0]["topic"] == "Adresses de livraison ou de facturation"
    assert {"intent": "out_of_scope", "topic": "Hors du compte client"} in found["intents"]


def test_the_item_ids_are_stable(review: BackendContext):
    assert [i.id for i in queue.items(review)] == [i.id for i in queue.items(review)]


def labels(sessions: sessionmaker) -> list:
    with sessions() as session:
        return [
            (label.source, label.text, label.intent, label.predicted_intent, label.agent)
            for label in session.scalars(select(ReviewLabel).order_by(ReviewLabel.id))
        ]


def ids(review: BackendContext) -> dict:
    return {item.text: item.id for item in queue.items(review)}


def test_a_label_or_a_dismissal_takes_the_message_out_of_the_queue(
    review: BackendContext, sessions
):
    before = ids(review)

    queue.label_item(review, before["un roulement 6204 pour j***@free.fr"], "out_of_scope", "lea")
    queue.label_item(review, before["blabla factur"], "find_invoices", "marc")
    queue.label_item(review, before["adresse"], None, "lea")

    assert sorted(ids(review)) == ["mon compte", "ou est ma facture"]
    assert labels(sessions) == [
        ("review", "un roulement 6204 pour j***@free.fr", "out_of_scope", "out_of_scope", "lea"),
        ("review", "blabla factur", "find_invoices", "find_invoices", "marc"),
        ("review", "adresse", None, "manage_addresses", "lea"),
    ]


def test_a_second_label_of_the_same_message_keeps_the_first(review: BackendContext, sessions):
    identifier = ids(review)["mon compte"]
    queue.label_item(review, identifier, "manage_addresses", "lea")

    again = queue.label_item(review, identifier, "update_personal_data", "marc")

    assert (again["intent"], again["agent"]) == ("manage_addresses", "lea")
    assert len(labels(sessions)) == 1


@pytest.mark.parametrize(
    "identifier, intent, agent, error",
    [
        ("0" * 24, "find_invoices", "lea", ItemNotFound),
        ("short", "find_invoices", "lea", InvalidInput),
        (None, "find_invoices", "lea", InvalidInput),
        ("VALID", "not_an_intent", "lea", InvalidInput),
        ("VALID", "nlu_fallback", "lea", InvalidInput),
        ("VALID", "find_invoices", "", InvalidInput),
        ("VALID", "find_invoices", "x" * 101, InvalidInput),
    ],
)
def test_bad_labels_are_refused(review: BackendContext, identifier, intent, agent, error):
    if identifier == "VALID":
        identifier = ids(review)["adresse"]
    with pytest.raises(error):
        queue.label_item(review, identifier, intent, agent)
    assert "adresse" in ids(review)


def test_the_assistant_records_the_suggestion_an_agent_used(review: BackendContext, sessions):
    label = queue.label_text(
        review,
        "Je n'arrive plus à me connecter, mon mail est paul.petit@example.com",
        "login_problem",
        "lea",
        predicted_intent="forgot_password",
    )

    assert label["source"] == "assistant" and label["id"] is None
    assert labels(sessions) == [
        (
            "assistant",
            "Je n'arrive plus à me connecter, mon mail est p***@example.com",
            "login_problem",
            "forgot_password",
            "lea",
        )
    ]
    with pytest.raises(InvalidInput):
        queue.label_text(review, "bonjour", None, "lea")


def test_without_a_tracker_store_the_queue_is_empty(context: BackendContext):
    assert queue.queue(context)["groups"] == []


@pytest.fixture(scope="module")
def api(module_database_url: str, tmp_path_factory) -> Iterator[RunningBackend]:
    folder = tmp_path_factory.mktemp("review")
    with running_backend(
        module_database_url, folder / "logs", BACKEND_TRACKER_STORE_URL=tracker_store(folder)
    ) as running:
        yield running


def queue_texts(api: RunningBackend) -> List[str]:
    response = api.call("GET", "/review")
    assert response.status_code == 200
    return [item["text"] for group in response.json()["groups"] for item in group["items"]]


def find(api: RunningBackend, text: str) -> Optional[str]:
    groups = api.call("GET", "/review").json()["groups"]
    return next((i["id"] for g in groups for i in g["items"] if i["text"] == text), None)


def test_the_api_serves_the_queue_and_takes_labels(api: RunningBackend):
    assert queue_texts(api)[:2] == ["mon compte", "adresse"]
    identifier = find(api, "mon compte")

    response = api.call(
        "POST",
        "/review/labels",
        json={"id": identifier, "intent": "manage_addresses", "agent": "lea"},
    )

    assert response.status_code == 200 and response.json()["agent"] == "lea"
    assert "mon compte" not in queue_texts(api)
    dismissed = api.call(
        "POST", "/review/labels", json={"id": find(api, "adresse"), "intent": None, "agent": "lea"}
    )
    assert dismissed.status_code == 200 and "adresse" not in queue_texts(api)
    assistant = api.call(
        "POST",
        "/review/assistant-labels",
        json={"text": "mot de passe", "intent": "forgot_password", "agent": "lea"},
    )
    assert assistant.status_code == 201
    listed = api.call("GET", "/review/labels")
    assert listed.status_code == 200
    assert [(x["text"], x["intent"], x["source"]) for x in listed.json()["labels"]] == [
        ("mon compte", "manage_addresses", "review"),
        ("adresse", None, "review"),
        ("mot de passe", "forgot_password", "assistant"),
    ]


@pytest.mark.parametrize(
    "path, body, status",
    [
        ("/review/labels", {"id": "0" * 24, "intent": None, "agent": "lea"}, 404),
        ("/review/labels", {"id": "0" * 24, "intent": 3, "agent": "lea"}, 400),
        ("/review/labels", {"id": "0" * 24, "intent": "nope", "agent": "lea"}, 400),
        ("/review/labels", {"intent": None, "agent": "lea"}, 400),
        ("/review/labels", {"id": "0" * 24, "intent": None}, 400),
        ("/review/assistant-labels", {"text": "", "intent": "greet", "agent": "lea"}, 400),
        ("/review/assistant-labels", {"text": "a\x00", "intent": "greet", "agent": "lea"}, 400),
        ("/review/assistant-labels", {"text": "oui", "intent": None, "agent": "lea"}, 400),
    ],
)
def test_the_api_answers_bad_labels_clearly(api: RunningBackend, path, body, status):
    response = api.call("POST", path, json=body)
    assert response.status_code == status and response.json()["message"]
