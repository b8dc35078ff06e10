"""Customers' ratings: 👍/👎 on an answer (with an optional comment after 👎) and the
one-question rating of the conversation when it ends (issue 13).

A rating names its conversation (the web server takes the id from the customer's session
cookie, never from the page) and, for an answer, the timestamp of the answer's first bot
event in Rasa's tracker store, which the web server has checked is in that conversation.
No text of the conversation is copied here: the review queue reads it from the tracker
store, and the GDPR erasure removes what is kept here with the conversation
(bot/backend/conversation_data.py).

A customer may change a rating (a click on 👍 after 👎), a few times: every conversation
writes a bounded number of rows and updates, whatever a script sends.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Optional, Union

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.backend.database import lock_key
from bot.backend.models import AnswerFeedback, ConversationRating, utcnow
from bot.backend.service import MAX_CONVERSATION_ID, InvalidInput, RateLimited
from bot.domain.feedback import MAX_COMMENT, RATINGS, SCORES

logger = logging.getLogger(__name__)

# Changes of one rating after the first click: room to change one's mind, not a write loop.
MAX_CHANGES = 5
# Rated answers per conversation: far more than a real conversation has.
MAX_RATED_ANSWERS = 200
# What a refused write is told to wait: the limits are per conversation, not per hour.
RETRY_AFTER = 3600

Row = Union[AnswerFeedback, ConversationRating]


@dataclass(frozen=True)
class AnswerRating:
    conversation_id: str
    answer_at: float
    rating: str
    comment: Optional[str] = None


def conversation_id_of(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= MAX_CONVERSATION_ID:
        raise InvalidInput(f"'conversation_id' must be 1 to {MAX_CONVERSATION_ID} characters long.")
    return value.strip()


def answer_at_of(value: Any) -> float:
    """The answer's id: its bot event's timestamp, a positive finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput("'answer_at' must be the answer's timestamp (a number).")
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput("'answer_at' must be a positive number.")
    return float(value)


def rating_of(value: Any) -> str:
    if value not in RATINGS:
        raise InvalidInput('\'rating\' must be "up" or "down".')
    return str(value)


def comment_of(value: Any) -> Optional[str]:
    """The customer's words after a 👎: optional, at most MAX_COMMENT characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("'comment' must be a string.")
    comment = value.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"'comment' must be at most {MAX_COMMENT} characters long.")
    return comment or None


def score_of(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise InvalidInput("'score' must be a whole number from 1 to 5.")
    return value


class FeedbackService:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    def rate_answer(self, rating: AnswerRating) -> Dict[str, Any]:
        """Stores or changes the rating of one answer; a 👎 sent again with a comment adds it."""
        rating = AnswerRating(
            conversation_id=conversation_id_of(rating.conversation_id),
            answer_at=answer_at_of(rating.answer_at),
            rating=rating_of(rating.rating),
            comment=comment_of(rating.comment),
        )

        def apply(session: Session) -> AnswerFeedback:
            row = session.scalars(
                select(AnswerFeedback).where(
                    AnswerFeedback.conversation_id == rating.conversation_id,
                    AnswerFeedback.answer_at == rating.answer_at,
                )
            ).one_or_none()
            if row is None:
                self._limit_answers(session, rating.conversation_id)
                row = AnswerFeedback(
                    conversation_id=rating.conversation_id,
                    answer_at=rating.answer_at,
                    changes=-1,
                    created_at=self._clock(),
                )
                session.add(row)
            self._count_change(row)
            # A 👍 takes back the comment of an earlier 👎.
            if rating.rating == "up" or rating.comment is not None:
                row.comment = rating.comment
            row.rating = rating.rating
            return row

        row = self._write(rating.conversation_id, apply)
        logger.info("answer rated %s (%d change(s))", row.rating, row.changes)
        return {
            "conversation_id": row.conversation_id,
            "answer_at": row.answer_at,
            "rating": row.rating,
            "comment": row.comment,
        }

    def rate_conversation(self, conversation_id: Any, score: Any) -> Dict[str, Any]:
        conversation = conversation_id_of(conversation_id)
        value = score_of(score)

        def apply(session: Session) -> ConversationRating:
            row = session.scalars(
                select(ConversationRating).where(ConversationRating.conversation_id == conversation)
            ).one_or_none()
            if row is None:
                row = ConversationRating(
                    conversation_id=conversation, changes=-1, created_at=self._clock()
                )
                session.add(row)
            self._count_change(row)
            row.score = value
            return row

        row = self._write(conversation, apply)
        logger.info("conversation rated %d/5", row.score)
        return {"conversation_id": row.conversation_id, "score": row.score}

    def _write(self, conversation_id: str, apply: Callable[[Session], Row]) -> Row:
        """Runs `apply` in one transaction; the unique constraints decide between two
        first ratings sent at once, and the second one then changes the first."""
        for attempt in (1, 2):
            try:
                with self._sessions.begin() as session:
                    lock_key(session, f"feedback:{conversation_id}")
                    return apply(session)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _count_change(self, row: Row) -> None:
        if row.changes >= MAX_CHANGES:
            logger.info("rating of a conversation: too many changes")
            raise RateLimited(RETRY_AFTER)
        row.changes += 1
        row.updated_at = self._clock()

    @staticmethod
    def _limit_answers(session: Session, conversation_id: str) -> None:
        rated = session.scalar(
            select(func.count())
            .select_from(AnswerFeedback)
            .where(AnswerFeedback.conversation_id == conversation_id)
        )
        if rated >= MAX_RATED_ANSWERS:
            logger.info("ratings of a conversation: too many answers rated")
            raise RateLimited(RETRY_AFTER)
