"""The agents' review queue (issue 13): what the bot missed, for an agent to label in one click.

The queue is computed on each request from Rasa's tracker store (bot/clients/conversations.py
reads it, as for `make missed`) and from this database: a customer message is in it when
the bot answered it with the fallback, a « Voulez-vous dire… ? », a hand-over or the
out-of-scope answer, or answered it with a low confidence, or when the customer gave the
answer a 👎 (bot/backend/feedback.py). A message leaves the queue once an agent labels it
with the intent it should have been, « out_of_scope », or dismisses it; the label keeps
the message (e-mail addresses masked) and the agent's name, for the next training data.
Agents also label from the answer assistant: using suggestion 2 or 3 instead of 1 says
which intent the pasted message was.

The queue is read a page at a time (bot/domain/review_page.py): the messages of the last
days asked (14 by default), newest first, `limit` items a page. The tracker store's
database picks the messages of the window in order (bot/clients/conversations.py), a batch
at a time; which of them were labelled or got a 👎 is asked of this database for that
batch only. A request examines at most SCAN_BUDGET messages: a page that found fewer
items by then ends early, and its `next` carries on from the last message examined.

Items are named by a hash of their conversation and the message's timestamp: the id stays
the same from one request to the next, and says nothing of the conversation. A label names
the item and its conversation, whose messages alone are read to find it.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.backend.context import BackendContext
from bot.backend.errors import InvalidInput, ItemNotFound
from bot.backend.models import AnswerFeedback, ReviewLabel
from bot.clients.conversations import Turn
from bot.domain.identifiers import MAX_CONVERSATION_ID, mask_emails
from bot.domain.review_page import PageRequest, Position
from bot.domain.topics import INTENT_LABELS

logger = logging.getLogger(__name__)

OUTCOMES = {
    "utter_fallback_topics": "fallback",
    "utter_clarify": "clarification",
    "action_phone_handover": "handover",
    "utter_fallback_handover": "handover",
    "utter_out_of_scope": "handover",
}
# Answered, but with less than this: the model hesitated, an agent should look. Above the
# fallback threshold (0.4, config.yml), where the bot does not answer at all.
LOW_CONFIDENCE = 0.6
# Customer messages read from the tracker store at a time, and at most per request.
SCAN_BATCH = 500
SCAN_BUDGET = 5000
MAX_TEXT = 5000
MAX_AGENT = 100
ITEM_ID_LENGTH = 24


def item_id(sender_id: str, at: float) -> str:
    return hashlib.sha256(f"{sender_id}\n{at!r}".encode()).hexdigest()[:ITEM_ID_LENGTH]


def intent_of(value: Any) -> Optional[str]:
    """An intent of the catalogue (« out_of_scope » included), or None: dismissed."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in INTENT_LABELS:
        raise InvalidInput("'intent' must be an intent of the catalogue, or null to dismiss.")
    return value


def agent_of(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= MAX_AGENT:
        raise InvalidInput(f"'agent' must be 1 to {MAX_AGENT} characters long.")
    return value.strip()


def conversation_of(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_CONVERSATION_ID:
        raise InvalidInput(
            f"'conversation' must be the conversation of the message (1 to "
            f"{MAX_CONVERSATION_ID} characters)."
        )
    return value


def text_of(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= MAX_TEXT:
        raise InvalidInput(f"'text' must be 1 to {MAX_TEXT} characters long.")
    return value.strip()


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    outcome: str
    closest_intent: str
    confidence: float
    at: float
    conversation: str
    comment: Optional[str]
    position: Position

    def as_json(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 4),
            "at": datetime.fromtimestamp(self.at, timezone.utc).isoformat(timespec="seconds"),
            "conversation": self.conversation,
            "comment": self.comment,
        }


def _outcome(turn: Turn, thumbs_down: bool) -> Optional[str]:
    if thumbs_down:
        return "thumbs_down"
    if turn.outcome:
        return OUTCOMES.get(turn.outcome, "fallback")
    # A button's payload (« /affirm ») is not something the model read.
    if turn.confidence < LOW_CONFIDENCE and not turn.text.startswith("/"):
        return "low_confidence"
    return None


@dataclass(frozen=True)
class Page:
    items: List[Item]
    # Where the next page starts; None when nothing older is in the window.
    next: Optional[Position]


def _reviewed(context: BackendContext, turns: List[Turn]) -> Tuple[Set[str], Dict]:
    """Which of these messages agents labelled already, and the 👎 (with their comment)
    on the answers of their conversations: asked of this database for these only."""
    identifiers = [item_id(turn.sender_id, turn.at) for turn in turns]
    senders = sorted({turn.sender_id for turn in turns})
    with context.sessions.begin() as session:
        labelled = set(
            session.scalars(select(ReviewLabel.item_id).where(ReviewLabel.item_id.in_(identifiers)))
        )
        downs: Dict[Tuple[str, Optional[float]], Optional[str]] = {
            (conversation, at): comment
            for conversation, at, comment in session.execute(
                select(
                    AnswerFeedback.conversation_id,
                    AnswerFeedback.answer_at,
                    AnswerFeedback.comment,
                ).where(
                    AnswerFeedback.rating == "down",
                    AnswerFeedback.conversation_id.in_(senders),
                )
            )
        }
    return labelled, downs


def _items(context: BackendContext, turns: List[Turn]) -> Iterable[Tuple[Turn, Optional[Item]]]:
    """Each turn, with its item when it is one waiting for an agent."""
    if not turns:
        return []
    labelled, downs = _reviewed(context, turns)
    found: List[Tuple[Turn, Optional[Item]]] = []
    for turn in turns:
        key = (turn.sender_id, turn.answer_at)
        outcome = _outcome(turn, key in downs)
        identifier = item_id(turn.sender_id, turn.at)
        if outcome is None or identifier in labelled:
            found.append((turn, None))
            continue
        comment = downs.get(key)
        item = Item(
            id=identifier,
            text=mask_emails(turn.text),
            outcome=outcome,
            closest_intent=turn.closest_intent,
            confidence=turn.confidence,
            at=turn.at,
            conversation=turn.sender_id,
            comment=mask_emails(comment) if comment else None,
            position=turn.position,
        )
        found.append((turn, item))
    return found


def page(context: BackendContext, request: PageRequest) -> Page:
    """The items of the window after `request.before`, newest first: `request.limit` of
    them, then whether one more exists (the next page starts after the last shown)."""
    store = context.conversations
    if store is None:
        return Page([], None)
    since = request.since(context.clock().timestamp())
    found: List[Item] = []
    position, examined = request.before, 0
    while examined < SCAN_BUDGET:
        count = min(SCAN_BATCH, SCAN_BUDGET - examined)
        turns = store.turns_before(since, position, count)
        for turn, item in _items(context, turns):
            if item is not None:
                if len(found) == request.limit:
                    return Page(found, found[-1].position)
                found.append(item)
            position = turn.position
        examined += len(turns)
        if len(turns) < count:
            return Page(found, None)
    return Page(found, position)


def queue(context: BackendContext, request: PageRequest) -> Dict[str, Any]:
    """A page of items grouped by the intent the model found closest; the group with the
    newest item first, and within each group the newest first."""
    found = page(context, request)
    groups: Dict[str, List[Item]] = defaultdict(list)
    for item in found.items:
        groups[item.closest_intent].append(item)
    return {
        "groups": [
            {
                "closest_intent": intent,
                "topic": INTENT_LABELS.get(intent, intent),
                "items": [item.as_json() for item in members],
            }
            for intent, members in groups.items()
        ],
        "intents": [{"intent": name, "topic": label} for name, label in INTENT_LABELS.items()],
        "next": found.next.token() if found.next else None,
        "days": request.days,
    }


def _item_in(context: BackendContext, identifier: str, conversation: str) -> Optional[Item]:
    """The item `identifier` among the messages of its conversation, whatever their age."""
    if context.conversations is None:
        return None
    turns = context.conversations.turns_of(conversation)
    return next(
        (item for _, item in _items(context, turns) if item and item.id == identifier), None
    )


def label_item(
    context: BackendContext, identifier: Any, conversation: Any, intent: Any, agent: Any
) -> Dict[str, Any]:
    """Labels (or, with no intent, dismisses) a message of the queue, found in its
    `conversation`; it leaves the queue. Labelling an item already labelled returns that
    label."""
    if not isinstance(identifier, str) or len(identifier) != ITEM_ID_LENGTH:
        raise InvalidInput("'id' must be the id of a message of the review queue.")
    conversation = conversation_of(conversation)
    intent, agent = intent_of(intent), agent_of(agent)
    existing = _label_of(context, identifier)
    if existing is not None:
        return existing
    item = _item_in(context, identifier, conversation)
    if item is None:
        raise ItemNotFound(identifier)
    label = ReviewLabel(
        item_id=item.id,
        source="review",
        text=item.text,
        intent=intent,
        predicted_intent=item.closest_intent,
        outcome=item.outcome,
        conversation_id=item.conversation,
        agent=agent,
        created_at=context.clock(),
    )
    try:
        with context.sessions.begin() as session:
            session.add(label)
    except IntegrityError:
        # Another agent labelled it at the same moment: theirs stands.
        existing = _label_of(context, identifier)
        if existing is None:
            raise
        return existing
    logger.info("agent %s labelled a review item %s", agent, intent or "(dismissed)")
    return _label_json(label)


def label_text(
    context: BackendContext, text: Any, intent: Any, agent: Any, predicted_intent: Any = None
) -> Dict[str, Any]:
    """A label from the answer assistant: the pasted message was `intent`, not what the
    model ranked first (`predicted_intent`)."""
    label = ReviewLabel(
        item_id=None,
        source="assistant",
        text=mask_emails(text_of(text)),
        intent=intent_of(intent),
        predicted_intent=intent_of(predicted_intent),
        agent=agent_of(agent),
        created_at=context.clock(),
    )
    if label.intent is None:
        raise InvalidInput("'intent' is required for a label from the assistant.")
    with context.sessions.begin() as session:
        session.add(label)
    logger.info("agent %s labelled an assistant message %s", label.agent, label.intent)
    return _label_json(label)


def labels(context: BackendContext) -> List[Dict[str, Any]]:
    """Every label, dismissals included, oldest first: `make retrain` (bot/ops/retrain.py)
    turns them into training data."""
    with context.sessions.begin() as session:
        return [
            _label_json(label)
            for label in session.scalars(select(ReviewLabel).order_by(ReviewLabel.id))
        ]


def _label_of(context: BackendContext, identifier: str) -> Optional[Dict[str, Any]]:
    with context.sessions.begin() as session:
        label = session.scalars(
            select(ReviewLabel).where(ReviewLabel.item_id == identifier)
        ).one_or_none()
        return _label_json(label) if label is not None else None


def _label_json(label: ReviewLabel) -> Dict[str, Any]:
    return {
        "id": label.item_id,
        "source": label.source,
        "text": label.text,
        "intent": label.intent,
        "predicted_intent": label.predicted_intent,
        "agent": label.agent,
        "created_at": label.created_at.isoformat(timespec="seconds"),
    }
