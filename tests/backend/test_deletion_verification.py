"""« Suppression compte » requests are verified before an agent can process them (issue 12):
the logged-in owner at once, anyone else through the single-use link e-mailed to the
account's address; limits per address and per conversation; erasure of the very account."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Iterator, List, Optional

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.deletion import confirm_deletion
from bot.backend.errors import LinkNotValid, NotVerified, RateLimited
from bot.backend.gdpr import process_ticket
from bot.backend.models import Customer, OutboxMessage, Ticket
from bot.backend.tickets import TicketRequest, open_ticket
from bot.domain.tickets import DELETION_CONFIRM_PATH
from tests.support.backend import RunningBackend, running_backend

MARIE, PAUL = "marie.durand@example.com", "paul.petit@example.com"
SUBJECT = "Confirmez la suppression de votre compte"


def conversation() -> str:
    return f"conv-{uuid.uuid4().hex[:10]}"


def ask(
    context: BackendContext,
    email: str,
    customer_id: Optional[str] = None,
    conversation_id: Optional[str] = None,
) -> dict:
    ticket, _ = open_ticket(
        context,
        TicketRequest(
            subject="Suppression compte",
            email=email,
            body="Demande",
            conversation_id=conversation_id or conversation(),
            customer_id=customer_id,
        ),
    )
    return ticket


def outbox(sessions: sessionmaker) -> List[OutboxMessage]:
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def token_of(message: OutboxMessage) -> str:
    match = re.search(re.escape(DELETION_CONFIRM_PATH) + r"\?token=([\w-]+)", message.body)
    assert match, message.body
    return match.group(1)


def customer_exists(sessions: sessionmaker, email: str) -> bool:
    with sessions() as session:
        return session.scalars(select(Customer).where(Customer.email == email)).first() is not None


def test_the_logged_in_owner_is_verified_at_once(context: BackendContext, sessions):
    ticket = ask(context, MARIE, customer_id="C1000001")
    assert ticket["verification"] == "verified"
    assert outbox(sessions) == []
    assert process_ticket(context, ticket["reference"]).account_erased


def test_anyone_else_gets_a_link_sent_to_the_address(context: BackendContext, sessions):
    # Logged in as Paul, asking for Marie's account: that proves nothing.
    ticket = ask(context, MARIE, customer_id="C1000005")
    assert ticket["verification"] == "pending"
    with pytest.raises(NotVerified):
        process_ticket(context, ticket["reference"])
    assert customer_exists(sessions, MARIE)

    [message] = outbox(sessions)
    assert (message.to, message.subject) == (MARIE, SUBJECT)
    assert "Bonjour Marie," in message.body and "24 heures" in message.body

    assert confirm_deletion(context, token_of(message)) == ticket["reference"]
    with pytest.raises(LinkNotValid):
        confirm_deletion(context, token_of(message))  # single use
    assert process_ticket(context, ticket["reference"]).account_erased
    assert not customer_exists(sessions, MARIE)


def test_the_link_expires_after_24_hours(context: BackendContext, sessions, clock):
    ask(context, PAUL)
    [message] = outbox(sessions)
    clock.now += timedelta(hours=24, seconds=1)
    with pytest.raises(LinkNotValid):
        confirm_deletion(context, token_of(message))


def test_no_account_no_e_mail_and_the_same_answer(context: BackendContext, sessions):
    known, unknown = ask(context, PAUL), ask(context, "personne@example.com")
    assert [m.to for m in outbox(sessions)] == [PAUL]
    assert {k: v for k, v in known.items() if k not in ("reference", "created_at")} == {
        k: v for k, v in unknown.items() if k not in ("reference", "created_at")
    }


def test_limits_per_address_and_per_conversation(context: BackendContext, sessions, clock):
    for _ in range(3):
        ask(context, PAUL)
    with pytest.raises(RateLimited):
        ask(context, PAUL.upper())
    assert len(outbox(sessions)) == 3
    clock.now += timedelta(hours=24, seconds=1)
    ask(context, PAUL)

    mine = conversation()
    ask(context, "a@example.com", conversation_id=mine)
    with pytest.raises(RateLimited):
        ask(context, "b@example.com", conversation_id=mine)


def test_anonymous_requests_never_lock_the_owner_out(context: BackendContext):
    for _ in range(3):
        ask(context, PAUL)
    with pytest.raises(RateLimited):
        ask(context, PAUL)
    # The logged-in owner of the address is not limited by what others asked for it.
    assert ask(context, PAUL, customer_id="C1000005")["verification"] == "verified"


def test_another_conversation_never_gets_the_reference(context: BackendContext):
    first, second = ask(context, PAUL), ask(context, PAUL)
    assert first["reference"] != second["reference"]
    mine = conversation()
    assert ask(context, PAUL, conversation_id=mine) == ask(context, PAUL, conversation_id=mine)


def test_erasure_needs_the_number_and_the_address_of_one_account(context, sessions):
    """A verified ticket whose number and address belong to two accounts erases neither."""
    reference = ask(context, PAUL, customer_id="C1000005")["reference"]
    with sessions.begin() as session:
        session.scalars(
            select(Ticket).where(Ticket.reference == reference)
        ).one().customer_number = "C1000001"
    assert not process_ticket(context, reference).account_erased
    assert customer_exists(sessions, MARIE) and customer_exists(sessions, PAUL)


@pytest.fixture(scope="module")
def server(module_database_url: str, tmp_path_factory) -> Iterator[RunningBackend]:
    with running_backend(module_database_url, tmp_path_factory.mktemp("logs")) as running:
        yield running


def test_over_http_unverified_is_409_and_the_link_verifies_once(server: RunningBackend):
    with server.sessions() as session:
        last_id = session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    opened = server.call(
        "POST",
        "/tickets",
        json={
            "subject": "Suppression compte",
            "email": "Sophie.Bernard@example.com",
            "body": "Demande",
            "conversation_id": conversation(),
        },
    )
    assert opened.status_code == 201 and opened.json()["verification"] == "pending"
    reference = opened.json()["reference"]
    refused = server.call("POST", f"/tickets/{reference}/process")
    assert (refused.status_code, refused.json()["error"]) == (409, "not_verified")

    with server.sessions() as session:
        [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.id > last_id)).all()
    assert message.subject == SUBJECT
    token = token_of(message)
    confirmed = server.call("POST", "/deletion-confirmations", json={"token": token})
    assert confirmed.json() == {"reference": reference, "verification": "verified"}
    again = server.call("POST", "/deletion-confirmations", json={"token": token})
    assert (again.status_code, again.json()["error"]) == (410, "link_not_valid")
    processed = server.call("POST", f"/tickets/{reference}/process")
    assert processed.status_code == 200 and processed.json()["account_erased"] is True
