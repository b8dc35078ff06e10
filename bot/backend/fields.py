"""The fields the operations take and give back: customer numbers and e-mail addresses in
their one stored form (parsed by bot/domain/identifiers.py), bounded strings, instants."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from bot.backend.errors import InvalidInput
from bot.domain.identifiers import customer_id_of, is_email


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


def bounded(value: str, name: str, max_length: int) -> str:
    if not 0 < len(value) <= max_length:
        raise InvalidInput(f"'{name}' must be 1 to {max_length} characters long.")
    return value


def iso(instant: Optional[datetime]) -> Optional[str]:
    return instant.isoformat(timespec="seconds") if instant else None
