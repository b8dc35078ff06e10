"""An agent processes a ticket: « Suppression compte » erases the account (GDPR)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend import feedback
from bot.backend.context import BackendContext
from bot.backend.errors import TicketNotFound
from bot.backend.gdpr import process_ticket
from bot.backend.mailer import Mailer
from bot.backend.models import (
    Address,
    AnswerFeedback,
    ConversationRating,
    Customer,
    Order,
    ReviewLabel,
    Ticket,
)
from bot.backend.tickets import TicketRequest, open_ticket
from bot.clients.conversations import ConversationStore
from tests.support.backend import backend_settings

MARIE = "marie.durand@example.com"


def deletion_ticket(
    context: BackendContext,
    email: str = MARIE,
    conversation_id: str = "conv-1",
    subject: str = "Suppression compte",
    customer_id: str = "C1000001",
) -> str:
    """A ticket opened by the logged-in owner of the address (verified at once)."""
    ticket, _ = open_ticket(
        context,
        TicketRequest(
            subject=subject,
            email=email,
            body="Demande",
            conversation_id=conversation_id,
            customer_id=customer_id,
        ),
    )
    return ticket["reference"]


def tracker_store(tmp_path: Path) -> str:
    """A tracker store as Rasa writes it, with Marie's conversation and someone else's."""
    path = tmp_path / "tracker.db"
    rasa_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    for sender, text in (
        ("conv-1", "supprimer mon compte"),
        ("conv-2", f"c'est {MARIE}"),
        ("conv-3", "bonjour"),
    ):
        asyncio.run(
            rasa_store.save(
                DialogueStateTracker.from_events(
                    sender, [UserUttered(text, {"name": "greet", "confidence": 1.0})]
                )
            )
        )
    return f"sqlite:///{path}"


@pytest.fixture
def erasing_context(database_url: str, sessions: sessionmaker, clock, tmp_path: Path):
    settings = backend_settings(database_url, BACKEND_TRACKER_STORE_URL=tracker_store(tmp_path))
    context = BackendContext(settings, sessions, Mailer(settings, sessions, clock), clock)
    return context, ConversationStore(settings.tracker_store_url)


def test_deletion_erases_the_account_its_addresses_and_conversations(erasing_context, sessions):
    context, conversations = erasing_context
    reference = deletion_ticket(context)

    processed = process_ticket(context, reference.lower())

    assert processed.account_erased and processed.conversations_erased == 2
    with sessions() as session:
        assert session.scalars(select(Customer).where(Customer.email == MARIE)).first() is None
        assert len(session.scalars(select(Address)).all()) == 2  # Jean's and Paul's are left
        assert session.scalars(select(Order).where(Order.number == "CMD-240117")).first() is None
        ticket = session.scalars(select(Ticket).where(Ticket.reference == reference)).one()
        assert (ticket.status, ticket.email) == ("done", "m***@example.com")
        assert MARIE not in ticket.body
    assert conversations.conversations_of(None, {"bonjour"}) == {"conv-3"}


def test_processing_twice_erases_nothing_more(erasing_context):
    context, _ = erasing_context
    reference = deletion_ticket(context)
    process_ticket(context, reference)

    again = process_ticket(context, reference)

    assert (again.account_erased, again.conversations_erased) == (False, 0)


def test_other_tickets_are_closed_without_erasing(erasing_context, sessions):
    context, _ = erasing_context
    reference = deletion_ticket(context, subject="Autre motif")

    processed = process_ticket(context, reference)

    assert not processed.account_erased
    with sessions() as session:
        assert session.scalars(select(Customer).where(Customer.email == MARIE)).one()


def test_unknown_ticket(context: BackendContext):
    with pytest.raises(TicketNotFound):
        process_ticket(context, "T-NOPE0000")


def test_without_a_tracker_store_the_account_is_still_erased(context: BackendContext, sessions):
    processed = process_ticket(context, deletion_ticket(context))

    assert processed.account_erased and processed.conversations_erased == 0


def test_deletion_forgets_the_ratings_and_labels_of_the_erased_conversations(
    erasing_context, sessions
):
    context, _ = erasing_context
    for conversation in ("conv-1", "conv-2", "conv-3"):
        rating = feedback.AnswerRating(conversation, 1764237600.5, "down", "Pas clair")
        feedback.rate_answer(context, rating)
        feedback.rate_conversation(context, conversation, 2)
    with sessions.begin() as session:
        session.add(ReviewLabel(source="review", text="x", conversation_id="conv-2", agent="lea"))

    process_ticket(context, deletion_ticket(context))

    with sessions() as session:
        for table in (AnswerFeedback, ConversationRating, ReviewLabel):
            kept = session.scalars(select(table.conversation_id)).all()
            assert "conv-1" not in kept and "conv-2" not in kept, table.__tablename__
        assert session.scalars(select(AnswerFeedback.conversation_id)).all() == ["conv-3"]
