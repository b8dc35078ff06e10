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
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Optional, Union

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.database import lock_key
from bot.backend.errors import InvalidInput, RateLimited
from bot.backend.models import AnswerFeedback, ConversationRating
from bot.domain.feedback import MAX_COMMENT, RATINGS, SCORES
from bot.domain.identifiers import MAX_CONVERSATION_ID

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


def rate_answer(context: BackendContext, rating: AnswerRating) -> Dict[str, Any]:
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
            _limit_answers(session, rating.conversation_id)
            row = AnswerFeedback(
                conversation_id=rating.conversation_id,
                answer_at=rating.answer_at,
                changes=-1,
                created_at=context.clock(),
            )
            session.add(row)
        _count_change(row, context.clock())
        # A 👍 takes back the comment of an earlier 👎.
        if rating.rating == "up" or rating.comment is not None:
            row.comment = rating.comment
        row.rating = rating.rating
        return row

    row = _write(context, rating.conversation_id, apply)
    logger.info("answer rated %s (%d change(s))", row.rating, row.changes)
    return {
        "conversation_id": row.conversation_id,
        "answer_at": row.answer_at,
        "rating": row.rating,
        "comment": row.comment,
    }


def rate_conversation(context: BackendContext, conversation_id: Any, score: Any) -> Dict[str, Any]:
    conversation = conversation_id_of(conversation_id)
    value = score_of(score)

    def apply(session: Session) -> ConversationRating:
        row = session.scalars(
            select(ConversationRating).where(ConversationRating.conversation_id == conversation)
        ).one_or_none()
        if row is None:
            row = ConversationRating(
                conversation_id=conversation, changes=-1, created_at=context.clock()
            )
            session.add(row)
        _count_change(row, context.clock())
        row.score = value
        return row

    row = _write(context, conversation, apply)
    logger.info("conversation rated %d/5", row.score)
    return {"conversation_id": row.conversation_id, "score": row.score}


def _write(context: BackendContext, conversation_id: str, apply: Callable[[Session], Row]) -> Row:
    """Runs `apply` in one transaction; the unique constraints decide between two first
    ratings sent at once, and the second one then changes the first."""
    for attempt in (1, 2):
        try:
            with context.sessions.begin() as session:
                lock_key(session, f"feedback:{conversation_id}")
                return apply(session)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _count_change(row: Row, now: datetime) -> None:
    if row.changes >= MAX_CHANGES:
        logger.info("rating of a conversation: too many changes")
        raise RateLimited(RETRY_AFTER)
    row.changes += 1
    row.updated_at = now


def _limit_answers(session: Session, conversation_id: str) -> None:
    rated = session.scalar(
        select(func.count())
        .select_from(AnswerFeedback)
        .where(AnswerFeedback.conversation_id == conversation_id)
    )
    if rated >= MAX_RATED_ANSWERS:
        logger.info("ratings of a conversation: too many answers rated")
        raise RateLimited(RETRY_AFTER)


def summary(context: BackendContext, start: Any, end: Any) -> Dict[str, Any]:
    """The ratings of a period for the dashboard (bot/domain/stats.py): 👍/👎 of the answers
    given in [start, end) (POSIX seconds, as the answers are named), and the conversations'
    ratings given in it."""
    first, after = answer_at_of(start), answer_at_of(end)
    if after <= first:
        raise InvalidInput("'end' must come after 'start'.")
    since = datetime.fromtimestamp(first, timezone.utc)
    until = datetime.fromtimestamp(after, timezone.utc)
    with context.sessions.begin() as session:
        thumbs = dict(
            session.execute(
                select(AnswerFeedback.rating, func.count())
                .where(AnswerFeedback.answer_at >= first, AnswerFeedback.answer_at < after)
                .group_by(AnswerFeedback.rating)
            ).all()
        )
        responses, average = session.execute(
            select(func.count(), func.avg(ConversationRating.score)).where(
                ConversationRating.created_at >= since, ConversationRating.created_at < until
            )
        ).one()
    return {
        "thumbs_up": thumbs.get("up", 0),
        "thumbs_down": thumbs.get("down", 0),
        "satisfaction_responses": responses,
        "satisfaction_average": round(float(average), 2) if average is not None else None,
    }
