"""Tickets open once per conversation and subject, on a real database (SQLite, and
PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.models import Ticket
from bot.backend.tickets import TicketRequest, open_ticket
from tests.support.backend import DATABASES, Clock

MARIE = "marie.durand@example.com"


def ticket_request(**fields: str) -> TicketRequest:
    defaults = {
        "subject": "Suppression compte",
        "email": MARIE,
        "body": "Supprimez mon compte.",
        "conversation_id": "conversation-1",
        "customer_id": "1000001",
    }
    return TicketRequest(**{**defaults, **fields})


def test_a_repeated_ticket_request_returns_the_first_ticket(
    context: BackendContext, sessions: sessionmaker
) -> None:
    first, created = open_ticket(context, ticket_request(email="Marie.Durand@Example.com"))
    assert created
    assert open_ticket(context, ticket_request()) == (first, False)
    # Another conversation gets a ticket of its own, never the first one's reference.
    other_conversation, created = open_ticket(
        context, ticket_request(conversation_id="conversation-2")
    )
    assert created and other_conversation["reference"] != first["reference"]
    other_subject, created = open_ticket(context, ticket_request(subject="Autre motif"))
    assert created and other_subject["reference"] != first["reference"]
    with sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.reference == first["reference"])).one()
    assert (ticket.email, ticket.customer_number) == (MARIE, "C1000001")


def test_a_closed_ticket_does_not_stop_a_new_one(
    context: BackendContext, sessions: sessionmaker
) -> None:
    first, _ = open_ticket(context, ticket_request())
    with sessions.begin() as session:
        session.scalars(select(Ticket)).one().status = "closed"
    second, created = open_ticket(context, ticket_request(conversation_id="conversation-2"))
    assert created and second["reference"] != first["reference"]


@pytest.mark.parametrize("database_url", [d for d in DATABASES if d != "sqlite"], indirect=True)
def test_a_ticket_inserted_by_a_concurrent_request_is_returned(
    context: BackendContext, sessions: sessionmaker, clock: Clock
) -> None:
    """The other request commits between our check and our insert: the unique constraint
    refuses our insert, and open_ticket answers with the other request's ticket.
    PostgreSQL only: SQLite runs one writer at a time (BEGIN IMMEDIATE), no such race."""
    request = ticket_request()

    def concurrent_request(*_) -> None:
        with sessions.begin() as other:
            other.add(
                Ticket(
                    reference="T-RACE0000",
                    subject=request.subject,
                    email=MARIE,
                    body="",
                    conversation_id=request.conversation_id,
                    status="open",
                    created_at=clock.now,
                )
            )

    event.listen(sessions, "before_flush", concurrent_request, once=True)
    ticket, created = open_ticket(context, request)
    assert (ticket["reference"], created) == ("T-RACE0000", False)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
