"""The rate limits of the requests that send an e-mail or open a deletion request: reset
e-mails per address and per conversation (per rolling hour), anonymous deletion requests
per address (per rolling day). Counted in the database, so that they hold across
processes; the locks make concurrent requests count in turn."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Optional, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.backend.database import lock_key
from bot.backend.digests import sha256_hex
from bot.backend.errors import RateLimited
from bot.backend.models import EmailRequest, Ticket
from bot.config import BackendSettings
from bot.domain.identifiers import mask_email
from bot.domain.tickets import DELETION_SUBJECT, PENDING

logger = logging.getLogger(__name__)

RATE_WINDOW = timedelta(hours=1)
DELETION_WINDOW = timedelta(hours=24)


def over_limit(
    recent: Sequence[datetime], limit: int, window: timedelta, now: datetime
) -> Optional[RateLimited]:
    """The refusal when `recent` (the requests still in the sliding window, oldest first)
    already holds `limit` of them, with the seconds until the one that must leave the
    window for a new request to fit; None when there is room."""
    if len(recent) < limit:
        return None
    frees_a_slot = recent[len(recent) - limit] + window
    return RateLimited(max(1, math.ceil((frees_a_slot - now).total_seconds())))


def limit_deletions(session: Session, email: str, limit: int, now: datetime) -> None:
    """Pending « Suppression compte » requests for the address in the last 24 hours."""
    lock_key(session, f"deletion:{sha256_hex(email)}")
    recent = session.scalars(
        select(Ticket.created_at)
        .where(
            Ticket.subject == DELETION_SUBJECT,
            Ticket.email == email,
            Ticket.verification == PENDING,
            Ticket.created_at > now - DELETION_WINDOW,
        )
        .order_by(Ticket.created_at)
    ).all()
    refused = over_limit(recent, limit, DELETION_WINDOW, now)
    if refused:
        logger.info("deletion requests for %s: rate limited", mask_email(email))
        raise refused


def record_email_request(
    session: Session,
    email: str,
    conversation_id: Optional[str],
    settings: BackendSettings,
    now: datetime,
) -> None:
    """Counts the request against the rolling-hour limits of the conversation and of the
    address, or refuses it."""
    if conversation_id is not None:
        _limit_email_requests_of(
            session, conversation_id, settings.email_rate_limit_per_conversation, now
        )
    digest = sha256_hex(email)
    lock_key(session, f"email-request:{digest}")
    window_start = now - RATE_WINDOW
    session.execute(
        delete(EmailRequest)
        .where(EmailRequest.email_hash == digest, EmailRequest.requested_at <= window_start)
        .execution_options(synchronize_session=False)
    )
    recent = session.scalars(
        select(EmailRequest.requested_at)
        .where(EmailRequest.email_hash == digest)
        .order_by(EmailRequest.requested_at)
    ).all()
    refused = over_limit(recent, settings.email_rate_limit_per_hour, RATE_WINDOW, now)
    if refused:
        logger.info("password e-mails for %s: rate limited", mask_email(email))
        raise refused
    session.add(EmailRequest(email_hash=digest, conversation_id=conversation_id, requested_at=now))


def _limit_email_requests_of(
    session: Session, conversation_id: str, limit: int, now: datetime
) -> None:
    """One conversation asks for a few e-mails an hour, whatever the addresses: a
    stranger cannot use up the address's limit and lock its owner out (issue 12). A
    refused request does not count against the address."""
    lock_key(session, f"email-conversation:{conversation_id}")
    recent = session.scalars(
        select(EmailRequest.requested_at)
        .where(
            EmailRequest.conversation_id == conversation_id,
            EmailRequest.requested_at > now - RATE_WINDOW,
        )
        .order_by(EmailRequest.requested_at)
    ).all()
    refused = over_limit(recent, limit, RATE_WINDOW, now)
    if refused:
        logger.info("password e-mails of a conversation: rate limited")
        raise refused
