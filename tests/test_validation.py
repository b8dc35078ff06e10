import pytest

from bot.validation import find_emails, mask_email, parse_customer_id, parse_email


@pytest.mark.parametrize(
    "text, expected",
    [
        ("marie.durand@example.com", "marie.durand@example.com"),
        ("  Marie.Durand@Example.COM ", "marie.durand@example.com"),
        ("mon mail c'est jean-paul+shop@atelier.example.fr.", "jean-paul+shop@atelier.example.fr"),
        ("jean@", None),
        ("jean.dupont", None),
        ("annuler", None),
        ("a@b.c", None),
        ("a@example.com et b@example.com", None),  # two addresses: which one?
        ("<script>@x.fr", None),
        ("x" * 300 + "@example.com", None),
    ],
)
def test_parse_email(text, expected):
    assert parse_email(text) == expected


def test_find_emails_keeps_order_and_drops_repeats():
    assert find_emails("A@example.com, b@example.fr / a@example.com") == ["a@example.com", "b@example.fr"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("C1000001", "C1000001"),
        ("c1000001", "C1000001"),
        ("mon numéro client est 123456", "C123456"),
        ("C 12345678", "C12345678"),
        ("12345", None),
        ("123456789", None),
        ("C1000001 et C1000002", None),
        ("annuler", None),
        ("jean1234567@example.com", None),
    ],
)
def test_parse_customer_id(text, expected):
    assert parse_customer_id(text) == expected


def test_mask_email():
    assert mask_email("marie.durand@example.com") == "m***@example.com"
