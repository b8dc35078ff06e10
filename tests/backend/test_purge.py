"""`python -m bot.backend purge-inactive`, run as a command on a seeded database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from typing import Dict, List

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.backend.context import BackendContext
from bot.backend.digests import sha256_hex
from bot.backend.models import (
    Address,
    Base,
    Customer,
    Invoice,
    Order,
    OutboxMessage,
    PasswordReset,
    PurgedAccount,
    utcnow,
)
from bot.backend.passwords import request_password_email
from bot.backend.purge import months_before
from bot.config import PROJECT_ROOT

JEAN = "jean.martin@example.com"
UTC = timezone.utc


def purge(database_url: str, *options: str) -> List[List[str]]:
    """Runs the command; returns the listing, one list of tab-separated fields per account."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.backend", "purge-inactive", *options],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert JEAN not in result.stdout + result.stderr
    return [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]


def row_counts(sessions: sessionmaker) -> Dict[str, int]:
    with sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def jean_id(sessions: sessionmaker) -> int:
    with sessions() as session:
        return session.scalars(select(Customer.id).where(Customer.email == JEAN)).one()


def test_dry_run_lists_the_inactive_account_and_changes_nothing(
    database_url: str, sessions: sessionmaker
) -> None:
    before = row_counts(sessions)
    listing = purge(database_url)
    assert [(fields[0], fields[1]) for fields in listing] == [("C1000002", "j***@example.com")]
    assert row_counts(sessions) == before


def test_apply_deletes_the_account_and_what_it_owns(
    database_url: str, sessions: sessionmaker
) -> None:
    customer_id = jean_id(sessions)
    with sessions.begin() as session:
        session.add(
            PasswordReset(
                customer_id=customer_id,
                token_hash="0" * 64,
                created_at=utcnow(),
                expires_at=utcnow(),
            )
        )
    before = row_counts(sessions)

    assert [fields[0] for fields in purge(database_url, "--apply")] == ["C1000002"]

    with sessions() as session:
        for model in (Address, Order, PasswordReset):
            owned = select(func.count()).select_from(model).where(model.customer_id == customer_id)
            assert session.scalar(owned) == 0, model.__tablename__
        assert (
            session.scalar(
                select(func.count()).select_from(Invoice).where(Invoice.number == "FA-190842")
            )
            == 0
        )
        [purged] = session.scalars(select(PurgedAccount)).all()
    assert purged.email_hash == sha256_hex(purged.salt + JEAN)
    after = row_counts(sessions)
    assert {name: before[name] - after[name] for name in before if before[name] != after[name]} == {
        "customers": 1,
        "addresses": 1,
        "orders": 1,
        "invoices": 1,
        "password_resets": 1,
        "purged_accounts": -1,
    }
    assert purge(database_url, "--apply") == []


def test_a_purged_address_gets_the_deletion_notice(
    database_url: str, sessions: sessionmaker, context: BackendContext
) -> None:
    purge(database_url, "--apply")
    request_password_email(context, JEAN.upper())
    with sessions() as session:
        [message] = session.scalars(select(OutboxMessage)).all()
    assert (message.to, message.subject) == (JEAN, "Votre compte 123Roulement")
    assert "« nouveau client »" in message.body


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
