"""What the bot reads of an account, on a real database (SQLite, and PostgreSQL when
configured)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.backend import accounts
from bot.backend.context import BackendContext
from bot.backend.errors import CustomerNotFound
from bot.backend.models import Customer
from bot.backend.seed import seed_demo_data
from tests.support.backend import SHOP_URL

MARIE = "marie.durand@example.com"
UTC = timezone.utc


def test_customer_is_found_by_any_accepted_number(context: BackendContext) -> None:
    customer = accounts.customer(context, "c1000001")
    assert (customer["customer_id"], customer["email"], customer["status"]) == (
        "C1000001",
        MARIE,
        "active",
    )
    last_login = datetime.fromisoformat(customer["last_login_at"])
    assert last_login.utcoffset() == timedelta(0)
    assert timedelta(days=1) < datetime.now(UTC) - last_login < timedelta(days=3)


def test_unknown_customer_is_not_found(context: BackendContext) -> None:
    with pytest.raises(CustomerNotFound):
        accounts.orders(context, "C9999999")


def test_datetimes_come_back_aware_and_in_utc(sessions: sessionmaker) -> None:
    paris = timezone(timedelta(hours=1))
    with sessions.begin() as session:
        customer = session.scalars(select(Customer).where(Customer.number == "C1000005")).one()
        customer.last_login_at = datetime(2026, 11, 27, 10, 0, tzinfo=paris)
    with sessions() as session:
        stored = session.scalars(
            select(Customer.last_login_at).where(Customer.number == "C1000005")
        ).one()
    assert stored == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert stored.tzinfo == UTC


def test_orders_are_newest_first_with_an_invoice_when_shipped(context: BackendContext) -> None:
    orders = accounts.orders(context, "C1000001")
    assert [order["shipped_at"] is None for order in orders] == [True, False]
    assert orders[0]["placed_at"] > orders[1]["placed_at"]
    assert orders[0]["invoice"] is None
    invoice = orders[1]["invoice"]
    assert invoice["url"] == f"{SHOP_URL}/mon-compte/factures/{invoice['number']}.pdf"
    assert invoice["issued_at"][:10] == orders[1]["shipped_at"][:10]


def test_seeding_twice_adds_nothing(sessions: sessionmaker) -> None:
    assert seed_demo_data(sessions) is False
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 5
