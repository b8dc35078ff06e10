"""The tickets the bot opens for the service (« Suppression compte », « Autre motif »):
once per conversation and subject, whatever the retries and the concurrency."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.deletion import asked_by_owner, verify_deletion
from bot.backend.errors import InvalidInput, RateLimited
from bot.backend.fields import (
    bounded,
    iso,
    normalise_customer_id,
    normalise_email,
)
from bot.backend.limits import DELETION_WINDOW, limit_deletions
from bot.backend.models import OutboxMessage, Ticket
from bot.domain.identifiers import MAX_CONVERSATION_ID, mask_email
from bot.domain.tickets import CROCKFORD_BASE32, DELETION_SUBJECT, TICKET_SUBJECTS

logger = logging.getLogger(__name__)

MAX_TICKET_BODY = 5000


@dataclass(frozen=True)
class TicketRequest:
    subject: str
    email: str
    body: str
    conversation_id: str
    customer_id: Optional[str] = None


def new_ticket_reference() -> str:
    """`T-` + 8 random Crockford base32 characters: 40 bits, not guessable from another one."""
    return "T-" + "".join(secrets.choice(CROCKFORD_BASE32) for _ in range(8))


def open_ticket(context: BackendContext, request: TicketRequest) -> Tuple[Dict, bool]:
    """Returns the ticket and whether it is new.

    A request repeated in one conversation (retry, double click, two workers) gets the
    ticket already opened for it; another conversation never gets it (its reference
    proves nothing, but it is not theirs to know). The check before inserting covers
    the usual case; the unique constraint on (conversation_id, subject) decides between
    truly concurrent requests. A « Suppression compte » ticket is verified at once for
    the logged-in owner of the address, else it waits for the e-mailed link."""
    request = _validated_ticket(request)
    message: Optional[OutboxMessage] = None
    try:
        with context.sessions.begin() as session:
            existing = _matching_ticket(session, request)
            if existing is not None:
                return ticket_json(existing), False
            ticket, message = _new_ticket(context, session, request)
    except IntegrityError:
        with context.sessions.begin() as session:
            existing = _matching_ticket(session, request)
        if existing is None:
            raise
        logger.info("ticket %s: identical concurrent request", existing.reference)
        return ticket_json(existing), False
    if message is not None:
        context.mailer.send_later(message.id)
    logger.info(
        "ticket %s opened (%s) for %s", ticket.reference, ticket.subject, mask_email(ticket.email)
    )
    return ticket_json(ticket), True


def _new_ticket(
    context: BackendContext, session: Session, request: TicketRequest
) -> Tuple[Ticket, Optional[OutboxMessage]]:
    """The ticket added to the session, and for a deletion request the confirmation e-mail
    queued with it, if one must be sent."""
    is_deletion = request.subject == DELETION_SUBJECT
    now = context.clock()
    if is_deletion and not asked_by_owner(session, request.email, request.customer_id):
        # Anonymous requests only: others' requests never lock the owner out.
        limit_deletions(session, request.email, context.settings.deletion_limit_per_day, now)
    ticket = Ticket(
        reference=new_ticket_reference(),
        subject=request.subject,
        email=request.email,
        customer_number=request.customer_id,
        body=request.body,
        conversation_id=request.conversation_id,
        status="open",
        created_at=now,
    )
    session.add(ticket)
    message = (
        verify_deletion(context, session, ticket, request.customer_id) if is_deletion else None
    )
    return ticket, message


def _validated_ticket(request: TicketRequest) -> TicketRequest:
    if request.subject not in TICKET_SUBJECTS:
        raise InvalidInput(f"'subject' must be one of: {', '.join(TICKET_SUBJECTS)}.")
    if len(request.body) > MAX_TICKET_BODY:
        raise InvalidInput(f"'body' must be at most {MAX_TICKET_BODY} characters long.")
    return dataclasses.replace(
        request,
        email=normalise_email(request.email),
        conversation_id=bounded(request.conversation_id, "conversation_id", MAX_CONVERSATION_ID),
        customer_id=(
            normalise_customer_id(request.customer_id) if request.customer_id is not None else None
        ),
    )


def _matching_ticket(session: Session, request: TicketRequest) -> Optional[Ticket]:
    """The ticket a repeated request refers to: same conversation and subject. A deletion
    request for another address in the same conversation is refused: one per conversation."""
    ticket = session.scalars(
        select(Ticket).where(
            Ticket.subject == request.subject,
            Ticket.conversation_id == request.conversation_id,
        )
    ).one_or_none()
    if (
        ticket is not None
        and ticket.subject == DELETION_SUBJECT
        and ticket.email not in (request.email, mask_email(request.email))
    ):
        raise RateLimited(int(DELETION_WINDOW.total_seconds()))
    return ticket


def ticket_json(ticket: Ticket) -> Dict:
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "created_at": iso(ticket.created_at),
        "verification": ticket.verification,
    }
