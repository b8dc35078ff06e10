"""What the backend keeps about Rasa's conversations besides tickets: the customers'
ratings (bot/backend/feedback.py) and the agents' labels of their messages
(bot/backend/review.py). One place for the GDPR erasure to forget them with the
conversation, which depends on nothing but the tables (the services depend on it)."""

from __future__ import annotations

from typing import Any, Iterable, Tuple, Type

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.backend.models import AnswerFeedback, ConversationRating, ReviewLabel

TABLES: Tuple[Type[Any], ...] = (AnswerFeedback, ConversationRating, ReviewLabel)


def forget_conversations(session: Session, conversation_ids: Iterable[str]) -> int:
    """Deletes the ratings, comments and labels of these conversations; the row count."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return 0
    return sum(
        session.execute(
            delete(table)
            .where(table.conversation_id.in_(ids))
            .execution_options(synchronize_session=False)
        ).rowcount
        for table in TABLES
    )
