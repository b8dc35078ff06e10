"""The account service on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncore
import smtpd
import threading
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from bot.backend.database import make_engine, make_session_factory
from bot.backend.mailer import Mailer
from bot.backend.models import Customer, EmailRequest, OutboxMessage, PasswordReset, Ticket
from bot.backend.seed import seed_demo_data
from bot.backend.service import (
    AccountService,
    CustomerNotFound,
    InvalidInput,
    RateLimited,
    TicketRequest,
    months_before,
    normalise_customer_id,
    normalise_email,
    sha256_hex,
)
from bot.domain.identifiers import mask_email
from bot.ops.supervisor import free_port

from .conftest import DATABASES, SHOP_URL, Clock, backend_settings

MARIE = "marie.durand@example.com"
UTC = timezone.utc


@pytest.mark.parametrize(
    "typed, number",
    [
        ("C1000001", "C1000001"),
        ("c1000001", "C1000001"),
        ("1000001", "C1000001"),
        (" C1000001 ", "C1000001"),
        ("100001", "C0100001"),
        ("01000001", "C1000001"),
    ],
)
def test_customer_numbers_are_normalised(typed: str, number: str) -> None:
    assert normalise_customer_id(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "C", "C12345", "C123456789", "D1000001", "C10000O1", "C-1000001", "1000 001"]
)
def test_malformed_customer_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_customer_id(typed)


@pytest.mark.parametrize(
    "typed, email",
    [
        ("Marie.Durand@Example.COM", MARIE),
        ("  marie.durand@example.com ", MARIE),
        ("s.bernard@atelier-bernard.example.fr", "s.bernard@atelier-bernard.example.fr"),
    ],
)
def test_emails_are_stored_lower_case(typed: str, email: str) -> None:
    assert normalise_email(typed) == email


@pytest.mark.parametrize(
    "typed",
    [
        "marie",
        "marie@",
        "@example.com",
        "marie@example",
        "marie durand@example.com",
        "marie@@example.com",
        "a" * 245 + "@example.fr",
    ],
)
def test_malformed_emails_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_email(typed)


@pytest.mark.parametrize(
    "instant, months, expected",
    [
        (datetime(2024, 2, 29, 12, tzinfo=UTC), 36, datetime(2021, 2, 28, 12, tzinfo=UTC)),
        (datetime(2026, 11, 24, 9, tzinfo=UTC), 38, datetime(2023, 9, 24, 9, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2025, 12, 31, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(instant: datetime, months: int, expected: datetime) -> None:
    assert months_before(instant, months) == expected


def test_masked_emails_keep_the_first_letter_and_the_domain() -> None:
    assert mask_email(MARIE) == "m***@example.com"


def test_customer_is_found_by_any_accepted_number(service: AccountService) -> None:
    customer = service.customer("c1000001")
    assert (customer["customer_id"], customer["email"], customer["status"]) == (
        "C1000001",
        MARIE,
        "active",
    )
    last_login = datetime.fromisoformat(customer["last_login_at"])
    assert last_login.utcoffset() == timedelta(0)
    assert timedelta(days=1) < datetime.now(UTC) - last_login < timedelta(days=3)


def test_unknown_customer_is_not_found(service: AccountService) -> None:
    with pytest.raises(CustomerNotFound):
        service.orders("C9999999")


def test_datetimes_come_back_aware_and_in_utc(sessions: sessionmaker) -> None:
    paris = timezone(timedelta(hours=1))
    with sessions.begin() as session:
        customer = session.scalars(select(Customer).where(Customer.number == "C1000005")).one()
        customer.last_login_at = datetime(2026, 11, 27, 10, 0, tzinfo=paris)
    with sessions() as session:
        stored = session.scalars(
            select(Customer.last_login_at).where(Customer.number == "C1000005")
        ).one()
    assert stored == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert stored.tzinfo == UTC


def test_orders_are_newest_first_with_an_invoice_when_shipped(service: AccountService) -> None:
    orders = service.orders("C1000001")
    assert [order["shipped_at"] is None for order in orders] == [True, False]
    assert orders[0]["placed_at"] > orders[1]["placed_at"]
    assert orders[0]["invoice"] is None
    invoice = orders[1]["invoice"]
    assert invoice["url"] == f"{SHOP_URL}/mon-compte/factures/{invoice['number']}.pdf"
    assert invoice["issued_at"][:10] == orders[1]["shipped_at"][:10]


def test_seeding_twice_adds_nothing(sessions: sessionmaker) -> None:
    assert seed_demo_data(sessions) is False
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 5


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
    service: AccountService, sessions: sessionmaker
) -> None:
    first, created = service.open_ticket(ticket_request(email="Marie.Durand@Example.com"))
    assert created
    assert service.open_ticket(ticket_request()) == (first, False)
    # Another conversation gets a ticket of its own, never the first one's reference.
    other_conversation, created = service.open_ticket(
        ticket_request(conversation_id="conversation-2")
    )
    assert created and other_conversation["reference"] != first["reference"]
    other_subject, created = service.open_ticket(ticket_request(subject="Autre motif"))
    assert created and other_subject["reference"] != first["reference"]
    with sessions() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.reference == first["reference"])).one()
    assert (ticket.email, ticket.customer_number) == (MARIE, "C1000001")


def test_a_closed_ticket_does_not_stop_a_new_one(
    service: AccountService, sessions: sessionmaker
) -> None:
    first, _ = service.open_ticket(ticket_request())
    with sessions.begin() as session:
        session.scalars(select(Ticket)).one().status = "closed"
    second, created = service.open_ticket(ticket_request(conversation_id="conversation-2"))
    assert created and second["reference"] != first["reference"]


@pytest.mark.parametrize("database_url", [d for d in DATABASES if d != "sqlite"], indirect=True)
def test_a_ticket_inserted_by_a_concurrent_request_is_returned(
    service: AccountService, sessions: sessionmaker, clock: Clock
) -> None:
    """The other request commits between our check and our insert: the unique constraint
    refuses our insert, and the service answers with the other request's ticket.
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
    ticket, created = service.open_ticket(request)
    assert (ticket["reference"], created) == ("T-RACE0000", False)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def outbox(sessions: sessionmaker) -> List[OutboxMessage]:
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_reset_link_carries_a_token_stored_hashed_for_one_hour(
    service: AccountService, sessions: sessionmaker, clock: Clock
) -> None:
    service.request_password_email(MARIE, "conversation-1")
    [message] = outbox(sessions)
    assert (message.to, message.subject, message.sent_at) == (
        MARIE,
        "Renouvelez votre mot de passe",
        None,
    )
    prefix = f"{SHOP_URL}/mot-de-passe/reinitialiser?token="
    [link] = [line for line in message.body.splitlines() if line.startswith(prefix)]
    token = link[len(prefix) :]
    assert len(token) >= 40
    with sessions() as session:
        reset = session.scalars(select(PasswordReset)).one()
    assert reset.token_hash == sha256_hex(token) and token not in reset.token_hash
    assert reset.expires_at == clock.now + timedelta(hours=1)


def test_rate_limit_is_a_rolling_hour(
    service: AccountService, clock: Clock, sessions: sessionmaker
) -> None:
    start = clock.now
    for minutes in (0, 10, 20):
        clock.now = start + timedelta(minutes=minutes)
        service.request_password_email("someone@example.com")
    clock.now = start + timedelta(minutes=30)
    with pytest.raises(RateLimited) as limited:
        service.request_password_email("SOMEONE@example.com")
    # The first request leaves the window at start + 60 min, 30 min from now.
    assert limited.value.retry_after == 30 * 60
    clock.now = start + timedelta(minutes=60)
    service.request_password_email("someone@example.com")
    with sessions() as session:
        hashes = session.scalars(select(EmailRequest.email_hash)).all()
    assert hashes == [sha256_hex("someone@example.com")] * 3


@pytest.fixture
def smtp_server() -> Iterator[Tuple[int, list]]:
    """A real SMTP server on a loopback port (the standard library's), recording what it gets."""
    received: list = []

    class Recorder(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            received.append(data)

    port = free_port()
    server = Recorder(("127.0.0.1", port), None, decode_data=False)
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True)
    thread.start()
    yield port, received
    server.close()
    thread.join(timeout=5)


def test_smtp_sends_after_the_commit_and_marks_the_message_sent(
    database_url: str, sessions: sessionmaker, smtp_server: Tuple[int, list]
) -> None:
    port, received = smtp_server
    settings = backend_settings(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port))
    AccountService(settings, sessions, Mailer(settings, sessions)).request_password_email(MARIE)
    deadline = time.monotonic() + 10
    while not outbox(sessions)[0].sent_at and time.monotonic() < deadline:
        time.sleep(0.05)
    assert outbox(sessions)[0].sent_at is not None
    [raw] = received
    email = message_from_bytes(raw, policy=policy.default)
    assert (email["To"], email["Subject"]) == (MARIE, "Renouvelez votre mot de passe")
    assert f"{SHOP_URL}/mot-de-passe/reinitialiser?token=" in email.get_content()


def test_a_failed_send_stays_in_the_outbox(database_url: str, sessions: sessionmaker) -> None:
    settings = backend_settings(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    mailer = Mailer(settings, sessions)
    with sessions.begin() as session:
        message_id = mailer.queue(session, MARIE, "Sujet", "Texte").id
    assert mailer.send(message_id) is False
    assert outbox(sessions)[0].sent_at is None


def test_health_raises_when_the_database_is_unreachable() -> None:
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    sessions = make_session_factory(engine)
    settings = backend_settings("unused")
    with pytest.raises(OperationalError):
        AccountService(settings, sessions, Mailer(settings, sessions)).health()


def test_one_conversation_cannot_use_up_the_e_mails_of_an_address(
    service: AccountService, clock: Clock
) -> None:
    """Issue 12: a stranger asking three times for someone's address locked its owner out
    of the reset e-mail for an hour."""
    owner = "marie.durand@example.com"
    for _ in range(2):
        service.request_password_email(owner, "stranger")
    with pytest.raises(RateLimited) as limited:
        service.request_password_email("someone.else@example.com", "stranger")
    assert limited.value.retry_after == 60 * 60
    service.request_password_email(owner, "owner")
    clock.now += timedelta(hours=1)
    service.request_password_email(owner, "stranger")
