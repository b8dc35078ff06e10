"""What the bot knows of an account, as the backend's API describes it (docs/backend-api.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Invoice:
    number: str
    issued_at: str
    url: str


@dataclass(frozen=True)
class Order:
    number: str
    placed_at: str
    shipped_at: Optional[str]
    total_eur: str
    invoice: Optional[Invoice]


@dataclass(frozen=True)
class Address:
    kind: str
    name: str
    line1: str
    postcode: str
    city: str


@dataclass(frozen=True)
class Customer:
    customer_id: str
    first_name: str
    last_name: str
    email: str
    phone: Optional[str]
    last_login_at: Optional[str]


@dataclass(frozen=True)
class Ticket:
    reference: str
    subject: str
    created: bool
    # « Suppression compte »: whether the request is verified (the logged-in owner of the
    # address), else a confirmation link went to the address.
    verified: bool = False
