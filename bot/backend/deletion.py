"""The verification of a « Suppression compte » request (issue 12): at once when the
logged-in customer owns the address, otherwise by the single-use link of the e-mail
« Confirmez la suppression de votre compte », valid 24 hours, which leads to the web
server (bot/web/deletion.py) and back here."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.digests import new_link_token, sha256_hex
from bot.backend.emails import render_email
from bot.backend.errors import LinkNotValid
from bot.backend.models import Customer, DeletionConfirmation, OutboxMessage, Ticket
from bot.domain.tickets import DELETION_CONFIRM_PATH, PENDING, VERIFIED

logger = logging.getLogger(__name__)

DELETION_LINK_VALIDITY = timedelta(hours=24)


def asked_by_owner(session: Session, email: str, customer_id: Optional[str]) -> bool:
    """Whether the logged-in customer the request names uses the address it is about."""
    if customer_id is None:
        return False
    owner = session.scalars(select(Customer.number).where(Customer.email == email))
    return owner.one_or_none() == customer_id


def verify_deletion(
    context: BackendContext, session: Session, ticket: Ticket, logged_in: Optional[str]
) -> Optional[OutboxMessage]:
    """Verified when the logged-in customer owns the address; otherwise a confirmation
    link goes to the address when an account uses it, and nothing when none does (the
    caller's answer is the same: no enumeration). Returns the e-mail to send."""
    owner = session.scalars(select(Customer).where(Customer.email == ticket.email)).one_or_none()
    # The account the ticket is about: the one that uses the address, whoever asks.
    ticket.customer_number = owner.number if owner is not None else None
    if owner is not None and logged_in == owner.number:
        ticket.verification = VERIFIED
        return None
    ticket.verification = PENDING
    if owner is None:
        return None
    token, digest = new_link_token()
    session.flush()
    session.add(
        DeletionConfirmation(
            ticket_id=ticket.id,
            token_hash=digest,
            expires_at=ticket.created_at + DELETION_LINK_VALIDITY,
        )
    )
    link = f"{context.settings.public_web_url}{DELETION_CONFIRM_PATH}?token={token}"
    return context.mailer.queue(
        session,
        ticket.email,
        *render_email("deletion_confirmation", first_name=owner.first_name, link=link),
    )


def confirm_deletion(context: BackendContext, token: str) -> str:
    """The customer clicked the e-mailed link: the request is verified. Single use."""
    now = context.clock()
    with context.sessions.begin() as session:
        link = session.scalars(
            select(DeletionConfirmation).where(DeletionConfirmation.token_hash == sha256_hex(token))
        ).one_or_none()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise LinkNotValid()
        link.used_at = now
        ticket = session.get(Ticket, link.ticket_id)
        ticket.verification = VERIFIED
        reference = ticket.reference
    logger.info("ticket %s: deletion confirmed by e-mail link", reference)
    return reference
