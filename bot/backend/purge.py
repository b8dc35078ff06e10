"""The 3-year purge the FAQ promises: accounts whose last login is more than 36 calendar
months old are deleted with everything they own and their conversations, keeping only a
salted digest of the address, so that a later reset request for it gets the "create a new
account" notice (`make purge-inactive`)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.digests import salted_digest, sha256_hex
from bot.backend.gdpr import erase_conversations
from bot.backend.models import Customer, PurgedAccount

INACTIVITY_MONTHS = 36


@dataclass(frozen=True)
class InactiveAccount:
    customer_id: str
    email: str
    last_login_at: datetime


def months_before(instant: datetime, months: int) -> datetime:
    """Calendar months: three years before 29 February is 28 February."""
    year, month_index = divmod(instant.year * 12 + instant.month - 1 - months, 12)
    day = min(instant.day, calendar.monthrange(year, month_index + 1)[1])
    return instant.replace(year=year, month=month_index + 1, day=day)


def inactivity_cutoff(now: datetime) -> datetime:
    """An account whose last login is before this is inactive: purged, and told so."""
    return months_before(now, INACTIVITY_MONTHS)


def purge_inactive(context: BackendContext, apply: bool) -> List[InactiveAccount]:
    """The inactive accounts; with `apply`, deleted with everything that depends on them, in
    the same transaction as the listing so that the list returned is exactly what was
    deleted."""
    now = context.clock()
    with context.sessions.begin() as session:
        customers = session.scalars(
            select(Customer)
            .where(Customer.last_login_at < inactivity_cutoff(now))
            .order_by(Customer.number)
        ).all()
        accounts = [InactiveAccount(c.number, c.email, c.last_login_at) for c in customers]
        if apply:
            for customer in customers:
                salt, digest = salted_digest(customer.email)
                session.add(PurgedAccount(salt=salt, email_hash=digest, purged_at=now))
                session.delete(customer)
    if apply:
        for account in accounts:
            erase_conversations(context, account.customer_id, {account.email})
    return accounts


def was_purged(session: Session, email: str) -> bool:
    """Each row has its own salt, so every row is checked: a linear scan over the purged
    accounts, fine at the scale of a shop's yearly purges."""
    rows = session.execute(select(PurgedAccount.salt, PurgedAccount.email_hash))
    return any(sha256_hex(salt + email) == digest for salt, digest in rows)
