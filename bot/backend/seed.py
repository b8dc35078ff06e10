"""The demo accounts of the contract (docs/backend-api.md, "Demo data").

Dates are relative to the moment of seeding, so that the situations they
illustrate (a recent order, an account inactive for more than 3 years) stay
true whenever the demo is installed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.backend.models import Address, Customer, Invoice, Order, utcnow
from bot.backend.purge import months_before

logger = logging.getLogger(__name__)

DAY = timedelta(days=1)


def _order(
    number: str,
    placed_at: datetime,
    total_cents: int,
    shipped_at: Optional[datetime] = None,
    invoice_number: Optional[str] = None,
) -> Order:
    """An order; a shipped one gets its invoice, issued on the shipping day."""
    order = Order(
        number=number, placed_at=placed_at, shipped_at=shipped_at, total_cents=total_cents
    )
    if shipped_at is not None:
        order.invoice = Invoice(number=invoice_number, issued_at=shipped_at)
    return order


def _address(
    kind: str, name: str, line1: str, postcode: str, city: str, line2: Optional[str] = None
) -> Address:
    return Address(
        kind=kind,
        name=name,
        line1=line1,
        line2=line2,
        postcode=postcode,
        city=city,
        country="France",
    )


def demo_customers(now: datetime) -> List[Customer]:
    """One account per situation the bot must handle."""
    return [
        _marie_durand(now),
        _jean_martin(now),
        *_sophie_bernard(now),
        _paul_petit(now),
    ]


def _marie_durand(now: datetime) -> Customer:
    """Active; a shipped order with its invoice, an order not shipped yet."""
    return Customer(
        number="C1000001",
        first_name="Marie",
        last_name="Durand",
        email="marie.durand@example.com",
        phone="06 12 34 56 78",
        created_at=months_before(now, 26),
        last_login_at=now - 2 * DAY,
        addresses=[
            _address(
                "delivery",
                "Marie Durand",
                "12 rue des Lilas",
                "69003",
                "Lyon",
                line2="Bâtiment B",
            ),
            _address("billing", "Marie Durand", "3 place Bellecour", "69002", "Lyon"),
        ],
        orders=[
            _order(
                "CMD-240117",
                now - 13 * DAY,
                8940,
                shipped_at=now - 10 * DAY,
                invoice_number="FA-240117",
            ),
            _order("CMD-240392", now - DAY, 12340),
        ],
    )


def _jean_martin(now: datetime) -> Customer:
    """Last login more than 3 years ago."""
    return Customer(
        number="C1000002",
        first_name="Jean",
        last_name="Martin",
        email="jean.martin@example.com",
        phone="06 98 76 54 32",
        created_at=months_before(now, 70),
        last_login_at=months_before(now, 38),
        addresses=[_address("delivery", "Jean Martin", "8 avenue Foch", "44000", "Nantes")],
        orders=[
            _order(
                "CMD-190842",
                months_before(now, 39),
                4590,
                shipped_at=months_before(now, 39) + 2 * DAY,
                invoice_number="FA-190842",
            ),
        ],
    )


def _sophie_bernard(now: datetime) -> List[Customer]:
    """One person, two accounts."""
    return [
        Customer(
            number="C1000003",
            first_name="Sophie",
            last_name="Bernard",
            email="sophie.bernard@example.com",
            phone="07 11 22 33 44",
            created_at=months_before(now, 14),
            last_login_at=now - 20 * DAY,
            orders=[
                _order(
                    "CMD-239871",
                    now - 35 * DAY,
                    25680,
                    shipped_at=now - 33 * DAY,
                    invoice_number="FA-239871",
                ),
            ],
        ),
        Customer(
            number="C1000004",
            first_name="Sophie",
            last_name="Bernard",
            email="s.bernard@atelier-bernard.example.fr",
            phone="02 40 55 66 77",
            created_at=months_before(now, 5),
            last_login_at=now - 4 * DAY,
            orders=[_order("CMD-240355", now - 3 * DAY, 61200)],
        ),
    ]


def _paul_petit(now: datetime) -> Customer:
    """No order."""
    return Customer(
        number="C1000005",
        first_name="Paul",
        last_name="Petit",
        email="paul.petit@example.com",
        phone=None,
        created_at=months_before(now, 8),
        last_login_at=now - 7 * DAY,
        addresses=[_address("delivery", "Paul Petit", "27 rue Nationale", "59000", "Lille")],
    )


def seed_demo_data(sessions: sessionmaker, now: Optional[datetime] = None) -> bool:
    """Adds the demo accounts to a database with no customer; returns whether it did."""
    with sessions.begin() as session:
        if session.scalars(select(Customer.id).limit(1)).first() is not None:
            return False
        session.add_all(demo_customers(now or utcnow()))
    logger.info("seeded the demo accounts")
    return True
