"""The reset e-mail and its limits, on a real database (SQLite, and PostgreSQL when
configured)."""

from __future__ import annotations

from datetime import timedelta
from typing import List

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.digests import sha256_hex
from bot.backend.errors import RateLimited
from bot.backend.models import EmailRequest, OutboxMessage, PasswordReset
from bot.backend.passwords import request_password_email
from tests.support.backend import SHOP_URL, Clock

MARIE = "marie.durand@example.com"


def outbox(sessions: sessionmaker) -> List[OutboxMessage]:
    with sessions() as session:
        return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_reset_link_carries_a_token_stored_hashed_for_one_hour(
    context: BackendContext, sessions: sessionmaker, clock: Clock
) -> None:
    request_password_email(context, MARIE, "conversation-1")
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
    context: BackendContext, clock: Clock, sessions: sessionmaker
) -> None:
    start = clock.now
    for minutes in (0, 10, 20):
        clock.now = start + timedelta(minutes=minutes)
        request_password_email(context, "someone@example.com")
    clock.now = start + timedelta(minutes=30)
    with pytest.raises(RateLimited) as limited:
        request_password_email(context, "SOMEONE@example.com")
    # The first request leaves the window at start + 60 min, 30 min from now.
    assert limited.value.retry_after == 30 * 60
    clock.now = start + timedelta(minutes=60)
    request_password_email(context, "someone@example.com")
    with sessions() as session:
        hashes = session.scalars(select(EmailRequest.email_hash)).all()
    assert hashes == [sha256_hex("someone@example.com")] * 3


def test_one_conversation_cannot_use_up_the_e_mails_of_an_address(
    context: BackendContext, clock: Clock
) -> None:
    """Issue 12: a stranger asking three times for someone's address locked its owner out
    of the reset e-mail for an hour."""
    owner = "marie.durand@example.com"
    for _ in range(2):
        request_password_email(context, owner, "stranger")
    with pytest.raises(RateLimited) as limited:
        request_password_email(context, "someone.else@example.com", "stranger")
    assert limited.value.retry_after == 60 * 60
    request_password_email(context, owner, "owner")
    clock.now += timedelta(hours=1)
    request_password_email(context, owner, "stranger")
