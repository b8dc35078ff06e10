"""The operations of the account backend, independent of HTTP.

Each public method is one unit of work: it opens its own session and
transaction, so that concurrent requests never share one. Problems the caller
can do something about are raised as `BackendError`s; the API turns them into
answers (docs/backend-api.md).
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import AbstractSet, Callable, Dict, List, Optional, Sequence, Set, Tuple

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.backend.database import lock_key
from bot.backend.emails import render_email
from bot.backend.mailer import Mailer
from bot.backend.models import (
    Customer,
    DeletionConfirmation,
    EmailRequest,
    Order,
    OutboxMessage,
    PasswordReset,
    PurgedAccount,
    Ticket,
    utcnow,
)
from bot.clients.conversations import ConversationStore
from bot.config import BackendSettings
from bot.domain.identifiers import customer_id_of, is_email, mask_email
from bot.domain.tickets import (
    CROCKFORD_BASE32,
    DELETION_CONFIRM_PATH,
    DELETION_SUBJECT,
    PENDING,
    TICKET_SUBJECTS,
    VERIFIED,
)

logger = logging.getLogger(__name__)

MAX_TICKET_BODY = 5000
MAX_CONVERSATION_ID = 200
INACTIVITY_MONTHS = 36
RATE_WINDOW = timedelta(hours=1)
RESET_TOKEN_VALIDITY = timedelta(hours=1)
DELETION_LINK_VALIDITY = timedelta(hours=24)
DELETION_WINDOW = timedelta(hours=24)


class BackendError(Exception):
    """A request the backend cannot serve, for a reason the caller can act on."""


class InvalidInput(BackendError):
    """A field is missing, of the wrong type, too long or malformed."""


class CustomerNotFound(BackendError):
    pass


class TicketNotFound(BackendError):
    pass


class NotVerified(BackendError):
    """A deletion request nobody has verified yet: it cannot be processed."""


class LinkNotValid(BackendError):
    """A confirmation link that is unknown, already used or expired."""


class RateLimited(BackendError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry in {retry_after} s")
        self.retry_after = retry_after


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


@dataclass(frozen=True)
class TicketRequest:
    subject: str
    email: str
    body: str
    conversation_id: str
    customer_id: Optional[str] = None


@dataclass(frozen=True)
class ProcessedTicket:
    reference: str
    subject: str
    account_erased: bool
    conversations_erased: int


@dataclass(frozen=True)
class InactiveAccount:
    customer_id: str
    email: str
    last_login_at: datetime


def normalise_customer_id(value: str) -> str:
    """Customers type their number with or without the C, sometimes dropping a leading zero."""
    number = customer_id_of(value)
    if number is None:
        raise InvalidInput("A customer number is 6 to 8 digits, optionally after a C: C1000001.")
    return number


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if not is_email(email):
        raise InvalidInput("The e-mail address is not valid.")
    return email


def months_before(instant: datetime, months: int) -> datetime:
    """Calendar months: three years before 29 February is 28 February."""
    year, month_index = divmod(instant.year * 12 + instant.month - 1 - months, 12)
    day = min(instant.day, calendar.monthrange(year, month_index + 1)[1])
    return instant.replace(year=year, month=month_index + 1, day=day)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _bounded(value: str, name: str, max_length: int) -> str:
    if not 0 < len(value) <= max_length:
        raise InvalidInput(f"'{name}' must be 1 to {max_length} characters long.")
    return value


def _iso(instant: Optional[datetime]) -> Optional[str]:
    return instant.isoformat(timespec="seconds") if instant else None


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def new_ticket_reference() -> str:
    """`T-` + 8 random Crockford base32 characters: 40 bits, not guessable from another one."""
    return "T-" + "".join(secrets.choice(CROCKFORD_BASE32) for _ in range(8))


class AccountService:
    def __init__(
        self,
        settings: BackendSettings,
        sessions: sessionmaker,
        mailer: Mailer,
        clock: Callable[[], datetime] = utcnow,
        conversations: Optional[ConversationStore] = None,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._mailer = mailer
        self._clock = clock
        self._conversations = conversations or (
            ConversationStore(settings.tracker_store_url) if settings.tracker_store_url else None
        )

    def health(self) -> None:
        """Raises the database's error when it cannot answer."""
        with self._sessions() as session:
            session.execute(text("SELECT 1"))

    def customer(self, customer_id: str) -> Dict:
        with self._sessions.begin() as session:
            customer = _find_customer(session, customer_id)
            return {
                "customer_id": customer.number,
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "email": customer.email,
                "phone": customer.phone,
                "created_at": _iso(customer.created_at),
                "last_login_at": _iso(customer.last_login_at),
                "status": customer.status,
            }

    def addresses(self, customer_id: str) -> List[Dict]:
        with self._sessions.begin() as session:
            return [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "name": a.name,
                    "line1": a.line1,
                    "line2": a.line2,
                    "postcode": a.postcode,
                    "city": a.city,
                    "country": a.country,
                }
                for a in _find_customer(session, customer_id).addresses
            ]

    def orders(self, customer_id: str) -> List[Dict]:
        """Newest first, each with its invoice when it has one."""
        with self._sessions.begin() as session:
            customer = _find_customer(session, customer_id)
            orders = session.scalars(
                select(Order)
                .where(Order.customer_id == customer.id)
                .order_by(Order.placed_at.desc(), Order.id.desc())
                .options(selectinload(Order.invoice))
            )
            return [self._order_json(order) for order in orders]

    def _order_json(self, order: Order) -> Dict:
        invoice = order.invoice and {
            "number": order.invoice.number,
            "issued_at": _iso(order.invoice.issued_at),
            "url": f"{self._settings.shop_url}/mon-compte/factures/{order.invoice.number}.pdf",
        }
        return {
            "number": order.number,
            "placed_at": _iso(order.placed_at),
            "shipped_at": _iso(order.shipped_at),
            "total_eur": _euros(order.total_cents),
            "invoice": invoice,
        }

    def open_ticket(self, request: TicketRequest) -> Tuple[Dict, bool]:
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
            with self._sessions.begin() as session:
                existing = _matching_ticket(session, request)
                if existing is not None:
                    return _ticket_json(existing), False
                if request.subject == DELETION_SUBJECT and not _asked_by_owner(session, request):
                    # Anonymous requests only: others' requests never lock the owner out.
                    self._limit_deletions(session, request.email, self._clock())
                ticket = Ticket(
                    reference=new_ticket_reference(),
                    subject=request.subject,
                    email=request.email,
                    customer_number=request.customer_id,
                    body=request.body,
                    conversation_id=request.conversation_id,
                    status="open",
                    created_at=self._clock(),
                )
                session.add(ticket)
                if request.subject == DELETION_SUBJECT:
                    message = self._verify_deletion(session, ticket, request.customer_id)
        except IntegrityError:
            with self._sessions.begin() as session:
                existing = _matching_ticket(session, request)
            if existing is None:
                raise
            logger.info("ticket %s: identical concurrent request", existing.reference)
            return _ticket_json(existing), False
        if message is not None:
            self._mailer.send_later(message.id)
        logger.info(
            "ticket %s opened (%s) for %s",
            ticket.reference,
            ticket.subject,
            mask_email(ticket.email),
        )
        return _ticket_json(ticket), True

    def _verify_deletion(
        self, session: Session, ticket: Ticket, logged_in: Optional[str]
    ) -> Optional[OutboxMessage]:
        """Verified when the logged-in customer owns the address; otherwise a confirmation
        link goes to the address when an account uses it, and nothing when none does (the
        caller's answer is the same: no enumeration). Limited per address."""
        now = ticket.created_at
        owner = session.scalars(
            select(Customer).where(Customer.email == ticket.email)
        ).one_or_none()
        # The account the ticket is about: the one that uses the address, whoever asks.
        ticket.customer_number = owner.number if owner is not None else None
        if owner is not None and logged_in == owner.number:
            ticket.verification = VERIFIED
            return None
        ticket.verification = PENDING
        if owner is None:
            return None
        token = secrets.token_urlsafe(32)
        session.flush()
        session.add(
            DeletionConfirmation(
                ticket_id=ticket.id,
                token_hash=sha256_hex(token),
                expires_at=now + DELETION_LINK_VALIDITY,
            )
        )
        link = f"{self._settings.public_web_url}{DELETION_CONFIRM_PATH}?token={token}"
        return self._mailer.queue(
            session,
            ticket.email,
            *render_email("deletion_confirmation", first_name=owner.first_name, link=link),
        )

    def _limit_deletions(self, session: Session, email: str, now: datetime) -> None:
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
        refused = over_limit(recent, self._settings.deletion_limit_per_day, DELETION_WINDOW, now)
        if refused:
            logger.info("deletion requests for %s: rate limited", mask_email(email))
            raise refused

    def confirm_deletion(self, token: str) -> str:
        """The customer clicked the e-mailed link: the request is verified. Single use."""
        now = self._clock()
        with self._sessions.begin() as session:
            link = session.scalars(
                select(DeletionConfirmation).where(
                    DeletionConfirmation.token_hash == sha256_hex(token)
                )
            ).one_or_none()
            if link is None or link.used_at is not None or link.expires_at <= now:
                raise LinkNotValid()
            link.used_at = now
            ticket = session.get(Ticket, link.ticket_id)
            ticket.verification = VERIFIED
            reference = ticket.reference
        logger.info("ticket %s: deletion confirmed by e-mail link", reference)
        return reference

    def request_password_email(self, email: str, conversation_id: Optional[str] = None) -> None:
        """Sends what fits the address (reset link, deletion notice or nothing) and says nothing
        about which: the caller must not learn whether an account exists."""
        email = normalise_email(email)
        if conversation_id is not None:
            _bounded(conversation_id, "conversation_id", MAX_CONVERSATION_ID)
        now = self._clock()
        with self._sessions.begin() as session:
            self._record_email_request(session, email, conversation_id, now)
            message = self._password_message(session, email, now)
        if message is not None:
            self._mailer.send_later(message.id)

    def _record_email_request(
        self, session: Session, email: str, conversation_id: Optional[str], now: datetime
    ) -> None:
        """Counts the request against the rolling-hour limits of the conversation and of the
        address, in the database so that they hold across processes; the locks make
        concurrent requests count in turn."""
        if conversation_id is not None:
            self._limit_email_requests_of(session, conversation_id, now)
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
        refused = over_limit(recent, self._settings.email_rate_limit_per_hour, RATE_WINDOW, now)
        if refused:
            logger.info("password e-mails for %s: rate limited", mask_email(email))
            raise refused
        session.add(
            EmailRequest(email_hash=digest, conversation_id=conversation_id, requested_at=now)
        )

    def _limit_email_requests_of(
        self, session: Session, conversation_id: str, now: datetime
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
        limit = self._settings.email_rate_limit_per_conversation
        refused = over_limit(recent, limit, RATE_WINDOW, now)
        if refused:
            logger.info("password e-mails of a conversation: rate limited")
            raise refused

    def _password_message(
        self, session: Session, email: str, now: datetime
    ) -> Optional[OutboxMessage]:
        customer = session.scalars(select(Customer).where(Customer.email == email)).one_or_none()
        if customer is not None and customer.last_login_at >= self._inactivity_cutoff(now):
            token = secrets.token_urlsafe(32)
            session.add(
                PasswordReset(
                    customer_id=customer.id,
                    token_hash=sha256_hex(token),
                    created_at=now,
                    expires_at=now + RESET_TOKEN_VALIDITY,
                )
            )
            link = f"{self._settings.shop_url}/mot-de-passe/reinitialiser?token={token}"
            logger.info("password e-mail for %s: reset link", mask_email(email))
            return self._mailer.queue(
                session,
                email,
                *render_email("password_reset", first_name=customer.first_name, link=link),
            )
        if customer is not None or _was_purged(session, email):
            logger.info("password e-mail for %s: deletion notice", mask_email(email))
            return self._mailer.queue(
                session,
                email,
                *render_email("account_purged", shop_url=self._settings.shop_url),
            )
        logger.info("password e-mail for %s: no account, nothing sent", mask_email(email))
        return None

    def process_ticket(self, reference: str) -> ProcessedTicket:
        """An agent closes a ticket. For « Suppression compte », the account, its addresses,
        orders and reset links are deleted, the ticket keeps only a masked address, and
        the customer's conversations are erased from the tracker store. Processing a
        ticket twice does nothing more."""
        with self._sessions.begin() as session:
            ticket = session.scalars(
                select(Ticket).where(
                    Ticket.reference == _bounded(reference.strip().upper(), "reference", 20)
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
            ticket.body = f"Traitée le {self._clock():%Y-%m-%d} : compte et conversations effacés."
        erased = self._erase_conversations(number, emails, {conversation_id})
        logger.info(
            "ticket %s processed: account %s, %d conversation event(s) erased",
            processed.reference,
            "erased" if customer else "not found",
            erased,
        )
        return dataclasses.replace(
            processed, account_erased=customer is not None, conversations_erased=erased
        )

    def _erase_conversations(
        self,
        customer_number: Optional[str],
        emails: Set[str],
        conversation_ids: AbstractSet[str] = frozenset(),
    ) -> int:
        if self._conversations is None:
            return 0
        senders = self._conversations.conversations_of(customer_number, emails)
        return self._conversations.erase(senders | set(conversation_ids))

    def purge_inactive(self, apply: bool) -> List[InactiveAccount]:
        """The accounts whose last login is more than 3 years old; with `apply`, deleted with
        everything that depends on them, in the same transaction as the listing so that the
        list returned is exactly what was deleted."""
        now = self._clock()
        with self._sessions.begin() as session:
            customers = session.scalars(
                select(Customer)
                .where(Customer.last_login_at < self._inactivity_cutoff(now))
                .order_by(Customer.number)
            ).all()
            accounts = [InactiveAccount(c.number, c.email, c.last_login_at) for c in customers]
            if apply:
                for customer in customers:
                    salt = secrets.token_hex(16)
                    session.add(
                        PurgedAccount(
                            salt=salt, email_hash=sha256_hex(salt + customer.email), purged_at=now
                        )
                    )
                    session.delete(customer)
        if apply:
            for account in accounts:
                self._erase_conversations(account.customer_id, {account.email})
        return accounts

    @staticmethod
    def _inactivity_cutoff(now: datetime) -> datetime:
        return months_before(now, INACTIVITY_MONTHS)


def _find_customer(session: Session, customer_id: str) -> Customer:
    number = normalise_customer_id(customer_id)
    customer = session.scalars(select(Customer).where(Customer.number == number)).one_or_none()
    if customer is None:
        raise CustomerNotFound(number)
    return customer


def _validated_ticket(request: TicketRequest) -> TicketRequest:
    if request.subject not in TICKET_SUBJECTS:
        raise InvalidInput(f"'subject' must be one of: {', '.join(TICKET_SUBJECTS)}.")
    if len(request.body) > MAX_TICKET_BODY:
        raise InvalidInput(f"'body' must be at most {MAX_TICKET_BODY} characters long.")
    return dataclasses.replace(
        request,
        email=normalise_email(request.email),
        conversation_id=_bounded(request.conversation_id, "conversation_id", MAX_CONVERSATION_ID),
        customer_id=(
            normalise_customer_id(request.customer_id) if request.customer_id is not None else None
        ),
    )


def _asked_by_owner(session: Session, request: TicketRequest) -> bool:
    """Whether the logged-in customer the request names uses the address it is about."""
    if request.customer_id is None:
        return False
    owner = session.scalars(select(Customer.number).where(Customer.email == request.email))
    return owner.one_or_none() == request.customer_id


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


def _ticket_json(ticket: Ticket) -> Dict:
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "created_at": _iso(ticket.created_at),
        "verification": ticket.verification,
    }


def _was_purged(session: Session, email: str) -> bool:
    """Each row has its own salt, so every row is checked: a linear scan over the purged
    accounts, fine at the scale of a shop's yearly purges."""
    rows = session.execute(select(PurgedAccount.salt, PurgedAccount.email_hash))
    return any(sha256_hex(salt + email) == digest for salt, digest in rows)
