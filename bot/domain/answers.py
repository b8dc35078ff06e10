"""French wording of the facts taken from the customer's account.

The sentences around them are domain responses; these functions only turn
account data into the short lists those responses are filled with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Dict, Iterable, List

from babel.dates import format_date

from bot.domain.account import Address, Customer, Order
from bot.domain.links import link
from bot.domain.typography import french

_ADDRESS_KIND = {"delivery": "livraison", "billing": "facturation"}


def french_date(iso: str) -> str:
    """ "12 novembre 2026" from an ISO 8601 datetime."""
    return format_date(
        datetime.fromisoformat(iso.replace("Z", "+00:00")), "d MMMM y", locale="fr_FR"
    )


def order_line(order: Order, with_url: bool = True) -> str:
    placed = french_date(order.placed_at)
    if order.invoice is None:
        return (
            f"• Commande {order.number} du {placed} : pas encore expédiée. "
            f"Sa facture sera disponible le jour de l'expédition."
        )
    line = (
        f"• Commande {order.number} du {placed} : facture {order.invoice.number} "
        f"du {french_date(order.invoice.issued_at)}"
    )
    return f"{line}, à télécharger ici : {order.invoice.url}" if with_url else f"{line}."


def orders_list(orders: Iterable[Order], with_urls: bool = True) -> str:
    """One line per order; without the URLs when the download links go as buttons."""
    return french("\n".join(order_line(order, with_urls) for order in orders))


def invoice_links(orders: Iterable[Order]) -> List[Dict[str, str]]:
    """A download link per invoice, named after it (« Télécharger la facture FA-… (PDF) »)."""
    return [
        link(f"Télécharger la facture {order.invoice.number} (PDF)", order.invoice.url)
        for order in orders
        if order.invoice is not None
    ]


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
