"""The GDPR erasure: an agent processes a verified « Suppression compte » ticket and the
account goes, with everything it owns and every conversation of the customer in Rasa's
tracker store (bot/clients/conversations.py). Other tickets are just closed."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import AbstractSet, Optional, Set

from sqlalchemy import select

from bot.backend.context import BackendContext
from bot.backend.conversation_data import forget_conversations
from bot.backend.errors import NotVerified, TicketNotFound
from bot.backend.fields import bounded
from bot.backend.models import Customer, Ticket
from bot.domain.identifiers import mask_email
from bot.domain.tickets import DELETION_SUBJECT, VERIFIED

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessedTicket:
    reference: str
    subject: str
    account_erased: bool
    conversations_erased: int


def process_ticket(context: BackendContext, reference: str) -> ProcessedTicket:
    """An agent closes a ticket. For « Suppression compte », the account, its addresses,
    orders and reset links are deleted, the ticket keeps only a masked address, and
    the customer's conversations are erased from the tracker store. Processing a
    ticket twice does nothing more."""
    with context.sessions.begin() as session:
        ticket = session.scalars(
            select(Ticket).where(
                Ticket.reference == bounded(reference.strip().upper(), "reference", 20)
            )
        ).one_or_none()
        if ticket is None:
            raise TicketNotFound(reference)
        processed = ProcessedTicket(ticket.reference, ticket.subject, False, 0)
        if ticket.status != "open" or ticket.subject != DELETION_SUBJECT:
            ticket.status = "done"
            return processed
        if ticket.verification != VERIFIED:
            raise NotVerified(ticket.reference)
        # Number and address together: the very account the verified request is about.
        customer = session.scalars(
            select(Customer).where(
                Customer.number == (ticket.customer_number or ""),
                Customer.email == ticket.email,
            )
        ).one_or_none()
        number, emails = ticket.customer_number, {ticket.email}
        conversation_id = ticket.conversation_id
        if customer is not None:
            number, emails = customer.number, emails | {customer.email}
            session.delete(customer)
        ticket.status, ticket.email = "done", mask_email(ticket.email)
        ticket.body = f"Traitée le {context.clock():%Y-%m-%d} : compte et conversations effacés."
    erased = erase_conversations(context, number, emails, {conversation_id})
    logger.info(
        "ticket %s processed: account %s, %d conversation event(s) erased",
        processed.reference,
        "erased" if customer else "not found",
        erased,
    )
    return dataclasses.replace(
        processed, account_erased=customer is not None, conversations_erased=erased
    )


def erase_conversations(
    context: BackendContext,
    customer_number: Optional[str],
    emails: Set[str],
    conversation_ids: AbstractSet[str] = frozenset(),
) -> int:
    """Deletes the customer's conversations (held logged in, or mentioning the number or an
    address) and `conversation_ids`, with their ratings and review labels; the number of
    events erased."""
    senders = set(conversation_ids)
    if context.conversations is not None:
        senders |= context.conversations.conversations_of(customer_number, emails)
    with context.sessions.begin() as session:
        forget_conversations(session, senders)
    return context.conversations.erase(senders) if context.conversations else 0
