"""Tables of the account backend.

Every datetime is stored and returned as an aware UTC datetime, whatever the
database: SQLite has no time-zone type, so `UtcDateTime` does the conversion
in one place instead of in every query.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

Base: Any = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Refuses naive datetimes on the way in, returns aware UTC ones on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (UTC)")
        value = value.astimezone(timezone.utc)
        # SQLite would silently drop the offset: store naive UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    # "C" + 7 digits, as printed on the customer's documents.
    number = Column(String(9), unique=True, nullable=False)
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    # Always lower-case, so that a plain equality compares case-insensitively.
    email = Column(String(254), unique=True, nullable=False)
    phone = Column(String(30))
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    last_login_at = Column(UtcDateTime, nullable=False, index=True)
    status = Column(String(20), nullable=False, default="active")

    # The database deletes the dependent rows (ON DELETE CASCADE): one DELETE purges an account.
    addresses = relationship(
        "Address",
        back_populates="customer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Address.id",
    )
    orders = relationship(
        "Order", back_populates="customer", cascade="all, delete-orphan", passive_deletes=True
    )
    password_resets = relationship(
        "PasswordReset", cascade="all, delete-orphan", passive_deletes=True
    )


class Address(Base):
    __tablename__ = "addresses"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(10), nullable=False)  # "delivery" or "billing"
    name = Column(String(200), nullable=False)
    line1 = Column(String(200), nullable=False)
    line2 = Column(String(200))
    postcode = Column(String(20), nullable=False)
    city = Column(String(100), nullable=False)
    country = Column(String(100), nullable=False)

    customer = relationship("Customer", back_populates="addresses")


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), unique=True, nullable=False)
    customer_id = Column(
        Integer, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    placed_at = Column(UtcDateTime, nullable=False)
    shipped_at = Column(UtcDateTime)
    # Cents: exact on every database, unlike a float, and simpler than Numeric on SQLite.
    total_cents = Column(Integer, nullable=False)

    customer = relationship("Customer", back_populates="orders")
    invoice = relationship(
        "Invoice", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), unique=True, nullable=False)
    order_id = Column(
        Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    issued_at = Column(UtcDateTime, nullable=False)


class Ticket(Base):
    __tablename__ = "tickets"
    # Decides between concurrent identical requests: the second insert fails.
    __table_args__ = (UniqueConstraint("conversation_id", "subject"),)

    id = Column(Integer, primary_key=True)
    reference = Column(String(10), unique=True, nullable=False)
    subject = Column(String(50), nullable=False)
    email = Column(String(254), nullable=False, index=True)
    # Not a foreign key: a deletion request must outlive the account it is about.
    customer_number = Column(String(9))
    body = Column(Text, nullable=False)
    conversation_id = Column(String(200), nullable=False)
    status = Column(String(20), nullable=False, default="open")
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    # « Suppression compte » only: "verified" (the logged-in owner, or the e-mailed link
    # clicked) or "pending"; an agent can process only a verified one.
    verification = Column(String(20))


class DeletionConfirmation(Base):
    """The single-use link of the « Confirmez la suppression de votre compte » e-mail."""

    __tablename__ = "deletion_confirmations"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(
        Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # SHA-256 of the token: a leaked table does not give working links.
    token_hash = Column(String(64), unique=True, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    used_at = Column(UtcDateTime)


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    to = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    sent_at = Column(UtcDateTime)


class EmailRequest(Base):
    """One password e-mail request, kept for the rolling-hour rate limit."""

    __tablename__ = "email_requests"

    id = Column(Integer, primary_key=True)
    # SHA-256 of the address: the limit needs equality only, not the address itself.
    email_hash = Column(String(64), nullable=False, index=True)
    conversation_id = Column(String(200), index=True)
    requested_at = Column(UtcDateTime, nullable=False)


class PasswordReset(Base):
    __tablename__ = "password_resets"

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # SHA-256 of the token: a leaked table does not give working links.
    token_hash = Column(String(64), unique=True, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)


class PurgedAccount(Base):
    """Lets the backend tell a former customer that the account was deleted, without keeping
    the address: only a salted SHA-256 of it, with a random salt per row."""

    __tablename__ = "purged_accounts"

    id = Column(Integer, primary_key=True)
    salt = Column(String(32), nullable=False)
    email_hash = Column(String(64), nullable=False)
    purged_at = Column(UtcDateTime, nullable=False)


class AnswerFeedback(Base):
    """A customer's 👍/👎 on one answer of the bot (bot/backend/feedback.py).

    The answer is named by its conversation and the timestamp of its first bot event in
    Rasa's tracker store (a double, exact through JSON): no text of the conversation is
    copied here, only the customer's optional comment."""

    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("conversation_id", "answer_at"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(200), nullable=False, index=True)
    answer_at = Column(Float(precision=53), nullable=False)
    rating = Column(String(4), nullable=False)  # "up" or "down"
    comment = Column(Text)
    # How many times the customer changed it: bounded, so that one conversation cannot
    # write without end.
    changes = Column(Integer, nullable=False, default=0)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ConversationRating(Base):
    """The customer's answer to « how was this conversation? », 1 (bad) to 5 (very good)."""

    __tablename__ = "conversation_ratings"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(200), nullable=False, unique=True)
    score = Column(Integer, nullable=False)
    changes = Column(Integer, nullable=False, default=0)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ReviewLabel(Base):
    """An agent's verdict on a customer message (bot/backend/review.py): the intent it
    should have been, « out_of_scope », or none (dismissed). From the review queue (with
    the queue item's id) or from the answer assistant (an agent used suggestion 2 or 3)."""

    __tablename__ = "review_labels"

    id = Column(Integer, primary_key=True)
    # The review queue's id of the message; None for the assistant's pasted messages.
    item_id = Column(String(32), unique=True)
    source = Column(String(20), nullable=False)  # "review" or "assistant"
    # The message, e-mail addresses masked: what a trainer adds to data/nlu.yml.
    text = Column(Text, nullable=False)
    intent = Column(String(50))
    # What the model said: the closest intent, and why the message was in the queue.
    predicted_intent = Column(String(50))
    outcome = Column(String(20))
    conversation_id = Column(String(200), index=True)
    agent = Column(String(100), nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
