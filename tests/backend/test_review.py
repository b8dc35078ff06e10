"""The agents' review queue (bot/backend/review.py) on conversations Rasa's own
SQLTrackerStore wrote, with the customers' 👎 and the agents' labels in the backend's
database, both on SQLite and on PostgreSQL, in process and through the real API: what is
in it, the window of days, the pages (newest first, none repeated or skipped, messages
stamped at the same instant included), and the index on the events' timestamp."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, List, Optional

import pytest
import sqlalchemy
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
from bot.domain.review_page import PageRequest
from bot.rasa_ext.tracker_store import TIMESTAMP_INDEX, RetryingSQLTrackerStore
from tests.support.backend import Clock, RunningBackend, backend_settings, running_backend
from tests.support.conversations import rasa_store

# The seeded conversations happened yesterday (on the hour): inside the default window of
# the backend process, which runs on the real clock.
T0 = float(int(time.time()) // 3600 * 3600 - 86400)
DAY = 86400.0


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


def tracker_url(database_url: str, folder: Path) -> str:
    """Rasa's tracker store on the test's kind of database: a SQLite file of its own, or
    the test's PostgreSQL schema (Rasa's `events` table beside the backend's tables)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{folder / 'tracker.db'}"
    return database_url


def saved(url: str, conversations: dict) -> str:
    """Writes the conversations with Rasa's own store, in the order given."""
    store = rasa_store(url)
    for sender, events in conversations.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()
    return url


def context_on(database_url: str, sessions, clock, url: str) -> BackendContext:
    settings = backend_settings(database_url, BACKEND_TRACKER_STORE_URL=url)
    return BackendContext(settings, sessions, Mailer(settings, sessions, clock), clock)


@pytest.fixture
def review(
    database_url: str, sessions: sessionmaker, clock, tmp_path: Path
) -> Iterator[BackendContext]:
    """The backend's operations over the seeded conversations, one answer rated 👎."""
    url = saved(tracker_url(database_url, tmp_path), CONVERSATIONS)
    context = context_on(database_url, sessions, clock, url)
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


def everything(context: BackendContext) -> List[queue.Item]:
    page = queue.page(context, PageRequest(days=90, limit=200))
    assert page.next is None
    return page.items


def test_the_queue_holds_what_the_bot_missed_grouped_newest_first(review: BackendContext):
    found = queue.queue(review, PageRequest())

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
        "at": datetime.fromtimestamp(T0 + 300, timezone.utc).isoformat(timespec="seconds"),
        "conversation": "conv-thumbs",
        "comment": "Je cherche la facture de mai",
    }
    assert found["groups"][0]["topic"] == "Adresses de livraison ou de facturation"
    assert {"intent": "out_of_scope", "topic": "Hors du compte client"} in found["intents"]
    assert (found["next"], found["days"]) == (None, 14)


def test_the_item_ids_are_stable(review: BackendContext):
    assert [i.id for i in everything(review)] == [i.id for i in everything(review)]


def labels(sessions: sessionmaker) -> list:
    with sessions() as session:
        return [
            (label.source, label.text, label.intent, label.predicted_intent, label.agent)
            for label in session.scalars(select(ReviewLabel).order_by(ReviewLabel.id))
        ]


def ids(review: BackendContext) -> dict:
    return {item.text: (item.id, item.conversation) for item in everything(review)}


def test_a_label_or_a_dismissal_takes_the_message_out_of_the_queue(
    review: BackendContext, sessions
):
    before = ids(review)

    queue.label_item(review, *before["un roulement 6204 pour j***@free.fr"], "out_of_scope", "lea")
    queue.label_item(review, *before["blabla factur"], "find_invoices", "marc")
    queue.label_item(review, *before["adresse"], None, "lea")

    assert sorted(ids(review)) == ["mon compte", "ou est ma facture"]
    assert labels(sessions) == [
        ("review", "un roulement 6204 pour j***@free.fr", "out_of_scope", "out_of_scope", "lea"),
        ("review", "blabla factur", "find_invoices", "find_invoices", "marc"),
        ("review", "adresse", None, "manage_addresses", "lea"),
    ]


def test_a_second_label_of_the_same_message_keeps_the_first(review: BackendContext, sessions):
    identifier, conversation = ids(review)["mon compte"]
    queue.label_item(review, identifier, conversation, "manage_addresses", "lea")

    again = queue.label_item(review, identifier, conversation, "update_personal_data", "marc")

    assert (again["intent"], again["agent"]) == ("manage_addresses", "lea")
    assert len(labels(sessions)) == 1


@pytest.mark.parametrize(
    "identifier, conversation, intent, agent, error",
    [
        ("0" * 24, "conv-low", "find_invoices", "lea", ItemNotFound),
        # The message's id, but another conversation: its turns do not hold it.
        ("VALID", "conv-clarify", "find_invoices", "lea", ItemNotFound),
        ("VALID", "no-such-conversation", "find_invoices", "lea", ItemNotFound),
        ("VALID", None, "find_invoices", "lea", InvalidInput),
        ("VALID", "", "find_invoices", "lea", InvalidInput),
        ("VALID", "x" * 201, "find_invoices", "lea", InvalidInput),
        ("short", "conv-low", "find_invoices", "lea", InvalidInput),
        (None, "conv-low", "find_invoices", "lea", InvalidInput),
        ("VALID", "conv-low", "not_an_intent", "lea", InvalidInput),
        ("VALID", "conv-low", "nlu_fallback", "lea", InvalidInput),
        ("VALID", "conv-low", "find_invoices", "", InvalidInput),
        ("VALID", "conv-low", "find_invoices", "x" * 101, InvalidInput),
    ],
)
def test_bad_labels_are_refused(
    review: BackendContext, identifier, conversation, intent, agent, error
):
    if identifier == "VALID":
        identifier = ids(review)["adresse"][0]
    with pytest.raises(error):
        queue.label_item(review, identifier, conversation, intent, agent)
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
    assert queue.queue(context, PageRequest())["groups"] == []


# --- the window and the pages ---------------------------------------------------------------

# The clock of the history's tests: T0 + 1 day.
NOW = T0 + DAY
# Six misses at the same instant, two days before NOW, each in its own conversation, saved
# in this order (so their events' row ids grow in this order); an answered message with them.
TIES = [f"égalité {n}" for n in range(6)]


def missed(text: str, at: float) -> List[Event]:
    return [user(text, at, [("find_invoices", 0.3)], fallback=True)]


def history_conversations() -> dict:
    conversations = {
        f"days-{days}": missed(f"J-{days}", DAY - days * DAY) for days in (91, 89, 15, 13, 1)
    }
    conversations.update({f"tie-{n}": missed(text, -DAY) for n, text in enumerate(TIES)})
    conversations["tie-answered"] = [user("merci", -DAY, [("thank", 0.99)])]
    return conversations


@pytest.fixture
def history(database_url: str, sessions, tmp_path: Path) -> Iterator[BackendContext]:
    clock = Clock()
    clock.now = datetime.fromtimestamp(NOW, timezone.utc)
    url = saved(tracker_url(database_url, tmp_path), history_conversations())
    context = context_on(database_url, sessions, clock, url)
    yield context
    assert context.conversations is not None
    context.conversations.close()


# Newest first; among the ties, the message saved last first.
NEWEST_FIRST = ["J-1", *reversed(TIES), "J-13"]


@pytest.mark.parametrize(
    "days, expected",
    [
        (14, NEWEST_FIRST),
        (15, [*NEWEST_FIRST, "J-15"]),  # the window includes its first instant
        (89, [*NEWEST_FIRST, "J-15", "J-89"]),
        (90, [*NEWEST_FIRST, "J-15", "J-89"]),
    ],
)
def test_the_window_is_the_last_days_asked_14_by_default(history, days, expected):
    assert [i.text for i in queue.page(history, PageRequest(days=days)).items] == expected
    if days == 14:
        assert (
            queue.page(history, PageRequest()).items == queue.page(history, PageRequest(14)).items
        )


def pages(context: BackendContext, request: PageRequest) -> List[List[str]]:
    """Every page from the newest, each request starting after the previous `next`."""
    found: List[List[str]] = []
    while len(found) < 20:
        page = queue.page(context, request)
        found.append([item.text for item in page.items])
        if page.next is None:
            return found
        request = PageRequest(request.days, page.next, request.limit)
    raise AssertionError(f"no last page: {found}")


def test_pages_follow_each_other_without_repeats_or_gaps_at_equal_timestamps(history):
    first = queue.page(history, PageRequest(days=90, limit=2))
    assert first.next == first.items[-1].position
    assert pages(history, PageRequest(days=90, limit=2)) == [
        ["J-1", "égalité 5"],
        ["égalité 4", "égalité 3"],
        ["égalité 2", "égalité 1"],
        ["égalité 0", "J-13"],
        ["J-15", "J-89"],
    ]
    assert pages(history, PageRequest(days=90, limit=3))[1] == [
        "égalité 3",
        "égalité 2",
        "égalité 1",
    ]


def test_a_page_holding_the_last_messages_says_there_is_no_more(history):
    assert queue.page(history, PageRequest(days=14, limit=8)).next is None
    assert queue.page(history, PageRequest(days=14, limit=7)).next is not None


def test_labelled_messages_take_no_place_in_a_page(history):
    for text in ("égalité 5", "égalité 4", "égalité 3"):
        identifier, conversation = ids_in(history)[text]
        queue.label_item(history, identifier, conversation, None, "lea")

    assert pages(history, PageRequest(days=14, limit=2)) == [
        ["J-1", "égalité 2"],
        ["égalité 1", "égalité 0"],
        ["J-13"],
    ]


def ids_in(context: BackendContext) -> dict:
    return {item.text: (item.id, item.conversation) for item in everything(context)}


def test_a_request_examines_a_bounded_number_of_messages_then_hands_over_its_position(
    history, monkeypatch
):
    """The answered message and labelled ones cost reading too: past the budget, the page
    ends early with its `next`, and the following pages carry on where it stopped."""
    monkeypatch.setattr(queue, "SCAN_BATCH", 2)
    monkeypatch.setattr(queue, "SCAN_BUDGET", 4)
    first = queue.page(history, PageRequest(days=90, limit=50))
    assert [i.text for i in first.items] == ["J-1", "égalité 5", "égalité 4"]
    assert first.next is not None
    assert sum(pages(history, PageRequest(days=90, limit=50)), []) == [
        *NEWEST_FIRST,
        "J-15",
        "J-89",
    ]


def test_the_queue_s_json_names_the_next_page(history):
    first = queue.queue(history, PageRequest(days=14, limit=2))
    assert first["next"] == queue.page(history, PageRequest(days=14, limit=2)).next.token()
    assert first["days"] == 14


# --- the index on the events' timestamp -----------------------------------------------------


def test_the_tracker_store_creates_the_timestamp_index_once(database_url: str, tmp_path: Path):
    url = tracker_url(database_url, tmp_path)
    for _ in range(2):  # a restart, or a second replica: no error, still one index
        rasa_store(url, RetryingSQLTrackerStore).engine.dispose()

    engine = sqlalchemy.create_engine(url)
    indexes = sqlalchemy.inspect(engine).get_indexes("events")
    engine.dispose()
    assert [i["column_names"] for i in indexes if i["name"] == TIMESTAMP_INDEX] == [["timestamp"]]


# --- through the backend's API --------------------------------------------------------------


@pytest.fixture(scope="module")
def api(module_database_url: str, tmp_path_factory) -> Iterator[RunningBackend]:
    folder = tmp_path_factory.mktemp("review")
    url = saved(tracker_url(module_database_url, folder), CONVERSATIONS)
    with running_backend(
        module_database_url, folder / "logs", BACKEND_TRACKER_STORE_URL=url
    ) as running:
        yield running


def queue_items(api: RunningBackend, **params: str) -> List[dict]:
    response = api.call("GET", "/review", params=params)
    assert response.status_code == 200
    return [item for group in response.json()["groups"] for item in group["items"]]


def queue_texts(api: RunningBackend) -> List[str]:
    return [item["text"] for item in queue_items(api)]


def find(api: RunningBackend, text: str) -> Optional[dict]:
    found = next((i for i in queue_items(api) if i["text"] == text), None)
    return {"id": found["id"], "conversation": found["conversation"]} if found else None


def test_the_api_serves_the_queue_and_takes_labels(api: RunningBackend):
    assert queue_texts(api)[:2] == ["mon compte", "adresse"]
    item = find(api, "mon compte")

    response = api.call(
        "POST", "/review/labels", json={**item, "intent": "manage_addresses", "agent": "lea"}
    )

    assert response.status_code == 200 and response.json()["agent"] == "lea"
    assert "mon compte" not in queue_texts(api)
    dismissed = api.call(
        "POST", "/review/labels", json={**find(api, "adresse"), "intent": None, "agent": "lea"}
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


def test_the_api_serves_the_queue_page_after_page(api: RunningBackend):
    everything = queue_items(api, days="90", limit="200")
    seen: List[dict] = []
    params = {"limit": "1"}
    for _ in range(len(everything) + 1):
        response = api.call("GET", "/review", params=params)
        assert response.status_code == 200
        body = response.json()
        seen += [item for group in body["groups"] for item in group["items"]]
        if body["next"] is None:
            break
        params = {"limit": "1", "before": body["next"]}
    else:
        raise AssertionError(f"no last page after {seen}")
    assert len(everything) >= 2 and seen == everything


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"days": "0"}, "days"),
        ({"days": "91"}, "days"),
        ({"days": "deux"}, "days"),
        ({"limit": "201"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"before": "hier"}, "before"),
        ({"before": "nan_1"}, "before"),
        ({"before": "1764237600.0_1", "limit": "0"}, "limit"),
    ],
)
def test_the_api_refuses_bad_pages_with_400(api: RunningBackend, params, parameter):
    response = api.call("GET", "/review", params=params)
    assert response.status_code == 400
    assert f"«\u00a0{parameter}\u00a0»" in response.json()["message"]


@pytest.mark.parametrize(
    "path, body, status",
    [
        (
            "/review/labels",
            {"id": "0" * 24, "conversation": "c", "intent": None, "agent": "lea"},
            404,
        ),
        ("/review/labels", {"id": "0" * 24, "conversation": "c", "intent": 3, "agent": "lea"}, 400),
        (
            "/review/labels",
            {"id": "0" * 24, "conversation": "c", "intent": "no", "agent": "lea"},
            400,
        ),
        ("/review/labels", {"id": "0" * 24, "intent": None, "agent": "lea"}, 400),
        ("/review/labels", {"id": "0" * 24, "conversation": 3, "intent": None, "agent": "x"}, 400),
        ("/review/labels", {"conversation": "c", "intent": None, "agent": "lea"}, 400),
        ("/review/labels", {"id": "0" * 24, "conversation": "c", "intent": None}, 400),
        ("/review/assistant-labels", {"text": "", "intent": "greet", "agent": "lea"}, 400),
        ("/review/assistant-labels", {"text": "a\x00", "intent": "greet", "agent": "lea"}, 400),
        ("/review/assistant-labels", {"text": "oui", "intent": None, "agent": "lea"}, 400),
    ],
)
def test_the_api_answers_bad_labels_clearly(api: RunningBackend, path, body, status):
    response = api.call("POST", path, json=body)
    assert response.status_code == status and response.json()["message"]
