"""Customers' ratings (bot/backend/feedback.py): stored, changed within limits, bad input
refused with 400; on SQLite and PostgreSQL, in process and through the real API."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend.feedback import MAX_CHANGES, MAX_COMMENT, AnswerRating, FeedbackService
from bot.backend.models import AnswerFeedback, ConversationRating
from bot.backend.service import InvalidInput, RateLimited

from .conftest import RunningBackend, running_backend

AT = 1764237600.123456


@pytest.fixture
def feedback(sessions: sessionmaker, clock) -> FeedbackService:
    return FeedbackService(sessions, clock)


def rows(sessions: sessionmaker, table):
    with sessions() as session:
        return session.scalars(select(table).order_by(table.id)).all()


def test_an_answer_rating_is_stored_then_changed(feedback: FeedbackService, sessions):
    feedback.rate_answer(AnswerRating("conv-1", AT, "down"))
    stored = feedback.rate_answer(AnswerRating("conv-1", AT, "down", "  Pas la bonne facture  "))

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

    feedback.rate_answer(AnswerRating("conv-1", AT, "up"))
    (row,) = rows(sessions, AnswerFeedback)
    assert (row.rating, row.comment) == ("up", None)


def test_each_answer_and_conversation_has_its_own_rating(feedback: FeedbackService, sessions):
    feedback.rate_answer(AnswerRating("conv-1", AT, "up"))
    feedback.rate_answer(AnswerRating("conv-1", AT + 1, "down"))
    feedback.rate_answer(AnswerRating("conv-2", AT, "down"))

    assert [(r.conversation_id, r.answer_at, r.rating) for r in rows(sessions, AnswerFeedback)] == [
        ("conv-1", AT, "up"),
        ("conv-1", AT + 1, "down"),
        ("conv-2", AT, "down"),
    ]


def test_a_rating_changes_a_few_times_only(feedback: FeedbackService):
    for change in range(MAX_CHANGES + 1):
        feedback.rate_answer(AnswerRating("conv-1", AT, "up" if change % 2 else "down"))
    with pytest.raises(RateLimited):
        feedback.rate_answer(AnswerRating("conv-1", AT, "down"))
    # Another answer of the same conversation is still rated.
    feedback.rate_answer(AnswerRating("conv-1", AT + 5, "up"))


def test_the_conversation_rating_is_stored_and_changed(feedback: FeedbackService, sessions):
    feedback.rate_conversation("conv-1", 2)
    assert feedback.rate_conversation("conv-1", 5) == {"conversation_id": "conv-1", "score": 5}
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
def test_bad_answer_ratings_are_refused(feedback: FeedbackService, sessions, rating):
    with pytest.raises(InvalidInput):
        feedback.rate_answer(rating)
    assert rows(sessions, AnswerFeedback) == []


@pytest.mark.parametrize("score", [0, 6, 2.5, "5", True, None])
def test_bad_conversation_scores_are_refused(feedback: FeedbackService, score):
    with pytest.raises(InvalidInput):
        feedback.rate_conversation("conv-1", score)


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
