"""French wording of the facts taken from the customer's account.

The sentences around them are domain responses; these functions only turn
account data into the short lists those responses are filled with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from babel.dates import format_date

from bot.domain.account import Address, Customer, Order
from bot.domain.typography import french

_ADDRESS_KIND = {"delivery": "livraison", "billing": "facturation"}


def french_date(iso: str) -> str:
    """ "12 novembre 2026" from an ISO 8601 datetime."""
    return format_date(
        datetime.fromisoformat(iso.replace("Z", "+00:00")), "d MMMM y", locale="fr_FR"
    )


def order_line(order: Order) -> str:
    placed = french_date(order.placed_at)
    if order.invoice is None:
        return (
            f"• Commande {order.number} du {placed} : pas encore expédiée. "
            f"Sa facture sera disponible le jour de l'expédition."
        )
    return (
        f"• Commande {order.number} du {placed} : facture {order.invoice.number} "
        f"du {french_date(order.invoice.issued_at)}, à télécharger ici : {order.invoice.url}"
    )


def orders_list(orders: Iterable[Order]) -> str:
    return french("\n".join(order_line(order) for order in orders))


def addresses_list(addresses: Iterable[Address]) -> str:
    return french(
        " ; ".join(
            f"{_ADDRESS_KIND.get(a.kind, a.kind)} : {a.line1}, {a.postcode} {a.city}"
            for a in addresses
        )
    )


def personal_details(customer: Customer) -> str:
    parts = [f"{customer.first_name} {customer.last_name}", customer.email]
    if customer.phone:
        parts.append(f"téléphone {customer.phone}")
    return ", ".join(parts)
