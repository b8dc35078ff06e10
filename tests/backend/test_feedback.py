"""Customers' ratings (bot/backend/feedback.py): stored, changed within limits, bad input
refused with 400; on SQLite and PostgreSQL, in process and through the real API."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.errors import InvalidInput, RateLimited
from bot.backend.feedback import (
    MAX_CHANGES,
    AnswerRating,
    rate_answer,
    rate_conversation,
    summary,
)
from bot.backend.models import AnswerFeedback, ConversationRating
from bot.domain.feedback import MAX_COMMENT
from tests.support.backend import RunningBackend, running_backend

AT = 1764237600.123456


def rows(sessions: sessionmaker, table):
    with sessions() as session:
        return session.scalars(select(table).order_by(table.id)).all()


def test_an_answer_rating_is_stored_then_changed(context: BackendContext, sessions):
    rate_answer(context, AnswerRating("conv-1", AT, "down"))
    stored = rate_answer(context, AnswerRating("conv-1", AT, "down", "  Pas la bonne facture  "))

    assert stored == {
        "conversation_id": "conv-1",
        "answer_at": AT,
        "rating": "down",
        "comment": "Pas la bonne facture",
    }
    (row,) = rows(sessions, AnswerFeedback)
    # The timestamp comes back exactly: it names the answer in the tracker store.
    assert (row.answer_at, row.rating, row.comment, row.changes) == (
        AT,
        "down",
        "Pas la bonne facture",
        1,
    )

    rate_answer(context, AnswerRating("conv-1", AT, "up"))
    (row,) = rows(sessions, AnswerFeedback)
    assert (row.rating, row.comment) == ("up", None)


def test_each_answer_and_conversation_has_its_own_rating(context: BackendContext, sessions):
    rate_answer(context, AnswerRating("conv-1", AT, "up"))
    rate_answer(context, AnswerRating("conv-1", AT + 1, "down"))
    rate_answer(context, AnswerRating("conv-2", AT, "down"))

    assert [(r.conversation_id, r.answer_at, r.rating) for r in rows(sessions, AnswerFeedback)] == [
        ("conv-1", AT, "up"),
        ("conv-1", AT + 1, "down"),
        ("conv-2", AT, "down"),
    ]


def test_a_rating_changes_a_few_times_only(context: BackendContext):
    for change in range(MAX_CHANGES + 1):
        rate_answer(context, AnswerRating("conv-1", AT, "up" if change % 2 else "down"))
    with pytest.raises(RateLimited):
        rate_answer(context, AnswerRating("conv-1", AT, "down"))
    # Another answer of the same conversation is still rated.
    rate_answer(context, AnswerRating("conv-1", AT + 5, "up"))


def test_the_conversation_rating_is_stored_and_changed(context: BackendContext, sessions):
    rate_conversation(context, "conv-1", 2)
    assert rate_conversation(context, "conv-1", 5) == {"conversation_id": "conv-1", "score": 5}
    (row,) = rows(sessions, ConversationRating)
    assert (row.conversation_id, row.score, row.changes) == ("conv-1", 5, 1)


@pytest.mark.parametrize(
    "rating",
    [
        AnswerRating("", AT, "up"),
        AnswerRating("c" * 201, AT, "up"),
        AnswerRating("conv", "1764237600", "up"),  # type: ignore[arg-type]
        AnswerRating("conv", True, "up"),  # type: ignore[arg-type]
        AnswerRating("conv", -1.0, "up"),
        AnswerRating("conv", float("nan"), "up"),
        AnswerRating("conv", float("inf"), "up"),
        AnswerRating("conv", AT, "meh"),
        AnswerRating("conv", AT, "down", "x" * (MAX_COMMENT + 1)),
        AnswerRating("conv", AT, "down", 42),  # type: ignore[arg-type]
    ],
)
def test_bad_answer_ratings_are_refused(context: BackendContext, sessions, rating):
    with pytest.raises(InvalidInput):
        rate_answer(context, rating)
    assert rows(sessions, AnswerFeedback) == []


@pytest.mark.parametrize("score", [0, 6, 2.5, "5", True, None])
def test_bad_conversation_scores_are_refused(context: BackendContext, score):
    with pytest.raises(InvalidInput):
        rate_conversation(context, "conv-1", score)


@pytest.fixture(scope="module")
def api(module_database_url: str, tmp_path_factory) -> Iterator[RunningBackend]:
    with running_backend(module_database_url, tmp_path_factory.mktemp("logs")) as running:
        yield running


def test_the_api_stores_ratings(api: RunningBackend):
    answer = {"conversation_id": "api-conv", "answer_at": AT, "rating": "down", "comment": "Non"}
    response = api.call("POST", "/feedback/answers", json=answer)
    assert response.status_code == 200 and response.json() == answer
    score = api.call(
        "POST", "/feedback/conversations", json={"conversation_id": "api-conv", "score": 4}
    )
    assert score.status_code == 200 and score.json()["score"] == 4
    with api.sessions() as session:
        row = session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.conversation_id == "api-conv")
        ).one()
        assert (row.answer_at, row.comment) == (AT, "Non")


@pytest.mark.parametrize(
    "path, body",
    [
        ("/feedback/answers", {"answer_at": AT, "rating": "up"}),
        ("/feedback/answers", {"conversation_id": "c", "rating": "up"}),
        ("/feedback/answers", {"conversation_id": "c", "answer_at": "x", "rating": "up"}),
        ("/feedback/answers", {"conversation_id": "c", "answer_at": AT, "rating": 1}),
        ("/feedback/answers", {"conversation_id": "c", "answer_at": AT, "rating": "bof"}),
        (
            "/feedback/answers",
            {"conversation_id": "c", "answer_at": AT, "rating": "down", "comment": "a\x00b"},
        ),
        (
            "/feedback/answers",
            {"conversation_id": "c", "answer_at": AT, "rating": "down", "comment": "\ud800"},
        ),
        (
            "/feedback/answers",
            {
                "conversation_id": "c",
                "answer_at": AT,
                "rating": "down",
                "comment": "é" * (MAX_COMMENT + 1),
            },
        ),
        ("/feedback/conversations", {"conversation_id": "c", "score": 9}),
        ("/feedback/conversations", {"conversation_id": ["c"], "score": 3}),
        ("/feedback/conversations", []),
    ],
)
def test_the_api_answers_bad_input_with_400(api: RunningBackend, path, body):
    response = api.call("POST", path, json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and response.json()["message"]


def test_the_api_refuses_nan_and_broken_json(api: RunningBackend):
    raw = b'{"conversation_id": "c", "answer_at": NaN, "rating": "up"}'
    headers = {"Content-Type": "application/json"}
    assert api.call("POST", "/feedback/answers", data=raw, headers=headers).status_code == 400
    assert api.call("POST", "/feedback/answers", data=b"{", headers=headers).status_code == 400


def test_the_api_needs_its_token(api: RunningBackend):
    response = api.call("POST", "/feedback/answers", token="wrong", json={})
    assert response.status_code == 403


def test_the_summary_counts_a_period_s_ratings(context: BackendContext, clock):
    rate_answer(context, AnswerRating("conv-1", AT, "up"))
    rate_answer(context, AnswerRating("conv-1", AT + 10, "down"))
    rate_answer(context, AnswerRating("conv-2", AT + 20, "up"))
    rate_answer(context, AnswerRating("conv-3", AT + 5000, "down"))  # after the period
    rate_conversation(context, "conv-1", 4)
    rate_conversation(context, "conv-2", 5)
    now = clock.now.timestamp()

    assert summary(context, AT, AT + 3600) == {
        "thumbs_up": 2,
        "thumbs_down": 1,
        "satisfaction_responses": 0,  # given now, not in that hour
        "satisfaction_average": None,
    }
    assert summary(context, now - 60, now + 60)["satisfaction_average"] == 4.5
    with pytest.raises(InvalidInput):
        summary(context, AT + 10, AT)


def test_the_api_serves_the_summary(api: RunningBackend):
    response = api.call("GET", "/feedback/summary", params={"start": 1, "end": 2})
    assert response.status_code == 200 and response.json()["thumbs_up"] == 0
    for params in ({"start": "x", "end": 1}, {"end": 1}, {"start": "nan", "end": 1}):
        assert api.call("GET", "/feedback/summary", params=params).status_code == 400
