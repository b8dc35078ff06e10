"""Customer numbers and e-mail addresses in their one stored form; the others refused."""

from __future__ import annotations

import pytest

from bot.backend.errors import InvalidInput
from bot.backend.fields import normalise_customer_id, normalise_email
from bot.domain.identifiers import mask_email

MARIE = "marie.durand@example.com"


@pytest.mark.parametrize(
    "typed, number",
    [
        ("C1000001", "C1000001"),
        ("c1000001", "C1000001"),
        ("1000001", "C1000001"),
        (" C1000001 ", "C1000001"),
        ("100001", "C0100001"),
        ("01000001", "C1000001"),
    ],
)
def test_customer_numbers_are_normalised(typed: str, number: str) -> None:
    assert normalise_customer_id(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "C", "C12345", "C123456789", "D1000001", "C10000O1", "C-1000001", "1000 001"]
)
def test_malformed_customer_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_customer_id(typed)


@pytest.mark.parametrize(
    "typed, email",
    [
        ("Marie.Durand@Example.COM", MARIE),
        ("  marie.durand@example.com ", MARIE),
        ("s.bernard@atelier-bernard.example.fr", "s.bernard@atelier-bernard.example.fr"),
    ],
)
def test_emails_are_stored_lower_case(typed: str, email: str) -> None:
    assert normalise_email(typed) == email


@pytest.mark.parametrize(
    "typed",
    [
        "marie",
        "marie@",
        "@example.com",
        "marie@example",
        "marie durand@example.com",
        "marie@@example.com",
        "a" * 245 + "@example.fr",
    ],
)
def test_malformed_emails_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_email(typed)


def test_masked_emails_keep_the_first_letter_and_the_domain() -> None:
    assert mask_email(MARIE) == "m***@example.com"
