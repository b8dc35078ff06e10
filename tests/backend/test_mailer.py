"""E-mails: written to the outbox, then sent by SMTP after the commit when it is set."""

from __future__ import annotations

import asyncore
import smtpd
import threading
import time
from email import message_from_bytes, policy
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.mailer import Mailer
from bot.backend.models import OutboxMessage
from bot.backend.passwords import request_password_email
from bot.ops.supervisor import free_port
from tests.support.backend import SHOP_URL, backend_settings

MARIE = "marie.durand@example.com"


def outbox(sessions: sessionmaker) -> List[OutboxMessage]:
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


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
    request_password_email(BackendContext(settings, sessions, Mailer(settings, sessions)), MARIE)
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
