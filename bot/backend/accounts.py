"""What the bot reads of a customer's account: the customer, the addresses, the orders
with their invoices (docs/backend-api.md, "Customers")."""

from __future__ import annotations

from typing import Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.backend.context import BackendContext
from bot.backend.errors import CustomerNotFound
from bot.backend.fields import iso, normalise_customer_id
from bot.backend.models import Customer, Order


def find_customer(session: Session, customer_id: str) -> Customer:
    number = normalise_customer_id(customer_id)
    customer = session.scalars(select(Customer).where(Customer.number == number)).one_or_none()
    if customer is None:
        raise CustomerNotFound(number)
    return customer


def customer(context: BackendContext, customer_id: str) -> Dict:
    with context.sessions.begin() as session:
        found = find_customer(session, customer_id)
        return {
            "customer_id": found.number,
            "first_name": found.first_name,
            "last_name": found.last_name,
            "email": found.email,
            "phone": found.phone,
            "created_at": iso(found.created_at),
            "last_login_at": iso(found.last_login_at),
            "status": found.status,
        }


def addresses(context: BackendContext, customer_id: str) -> List[Dict]:
    with context.sessions.begin() as session:
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
            for a in find_customer(session, customer_id).addresses
        ]


def orders(context: BackendContext, customer_id: str) -> List[Dict]:
    """Newest first, each with its invoice when it has one."""
    with context.sessions.begin() as session:
        found = find_customer(session, customer_id)
        rows = session.scalars(
            select(Order)
            .where(Order.customer_id == found.id)
            .order_by(Order.placed_at.desc(), Order.id.desc())
            .options(selectinload(Order.invoice))
        )
        return [_order_json(order, context.settings.shop_url) for order in rows]


def _order_json(order: Order, shop_url: str) -> Dict:
    invoice = order.invoice and {
        "number": order.invoice.number,
        "issued_at": iso(order.invoice.issued_at),
        "url": f"{shop_url}/mon-compte/factures/{order.invoice.number}.pdf",
    }
    return {
        "number": order.number,
        "placed_at": iso(order.placed_at),
        "shipped_at": iso(order.shipped_at),
        "total_eur": _euros(order.total_cents),
        "invoice": invoice,
    }


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
