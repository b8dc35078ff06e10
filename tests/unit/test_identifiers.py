import pytest

from bot.domain.identifiers import (
    customer_id_of,
    find_customer_ids,
    find_emails,
    is_canonical_customer_id,
    is_email,
    is_spelled_email,
    mask_email,
    parse_customer_id,
    parse_email,
)


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
        # Spelled out in words.
        ("paul point lemoine62 arobase gmail point com", "paul.lemoine62@gmail.com"),
        (
            "c'est s point bernard arobase atelier-bernard point example point fr",
            "s.bernard@atelier-bernard.example.fr",
        ),
        ("le point de vente arobase", None),
    ],
)
def test_parse_email(text, expected):
    assert parse_email(text) == expected


def test_find_emails_keeps_order_and_drops_repeats():
    assert find_emails("A@example.com, b@example.fr / a@example.com") == [
        "a@example.com",
        "b@example.fr",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("C1000001", "C1000001"),
        ("c1000001", "C1000001"),
        ("mon numéro client est 123456", "C0123456"),
        ("C 12345678", "C12345678"),
        ("12345", None),
        ("123456789", None),
        ("C1000001 et C1000002", None),
        ("annuler", None),
        ("jean1234567@example.com", None),
        # Typed in groups, as a number is read out, after a C.
        ("C 1000 002", "C1000002"),
        ("mon numéro c'est le c1.000.002 merci", "C1000002"),
        # Grouped by thousands, as French writes large numbers.
        ("mon numéro client c'est le 1 000 003", "C1000003"),
        ("n° 12 345 678", "C12345678"),
        ("1 000 €", None),
        # Without the C, groups of digits are a phone number.
        ("appelez-moi au 02 808 18 02", None),
        ("C 1000 002 34 56", None),
        # An order or an invoice number is no customer number.
        ("CMD-240355", None),
        ("ma facture FA-240117", None),
        ("C-1000005", "C1000005"),
        # Dictated digit by digit.
        ("c'est c un zéro zéro zéro zéro zéro quatre", "C1000004"),
        ("un, zero, zero, zero, zero, zero, deux", "C1000002"),
        ("j'ai un compte et deux adresses", None),
    ],
)
def test_parse_customer_id(text, expected):
    assert parse_customer_id(text) == expected


def test_mask_email():
    assert mask_email("marie.durand@example.com") == "m***@example.com"


def test_find_customer_ids_lists_every_number_canonical():
    assert find_customer_ids("C1234567 et 7654321, encore c1234567") == ["C1234567", "C7654321"]
    grouped = "Mes numéros clients sont le 1 000 003 et le 1 000 004."
    assert find_customer_ids(grouped) == ["C1000003", "C1000004"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("C1000001", "C1000001"),
        (" 1000001 ", "C1000001"),
        ("123456", "C0123456"),
        ("c12345678", "C12345678"),
        ("C1000001 et C1000002", None),
        ("12345", None),
        ("numéro C1000001", None),
    ],
)
def test_customer_id_of_a_whole_value(value, expected):
    assert customer_id_of(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("C1000001", True), ("C12345678", True), ("C123456", False), ("1000001", False), (7, False)],
)
def test_canonical_customer_ids_are_what_tokens_carry(value, expected):
    assert is_canonical_customer_id(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("a@example.com", True),
        ("'or'1'='1'@example.org", True),
        ("a@example.com b@example.com", False),
        ("a@b", False),
    ],
)
def test_is_email(value, expected):
    assert is_email(value) is expected


@pytest.mark.parametrize(
    "text, spelled",
    [
        ("isabelle point renard arobase free point fr", True),
        ("jean arrobase orange", True),
        ("jean.dupont at gmail point com", True),
        ("jean.dupont@free.fr", False),
        ("je regarde ça au point de vente", False),
        ("on se voit at home", False),
        ("thomas.girard.gmail.com", True),  # the at sign forgotten
        ("ok faites le, sylvie.blanc.gmail.com", True),  # inside a sentence too
        ("c'est sur gmail.com", False),
        ("www.123roulement.com", False),
        # The at sign disguised, as against robots.
        ("sophie.bernard(at)example.com et s.bernard(at)atelier-bernard.example.fr", True),
        ("j.roy [at] videotron.ca", True),
        ("rendez-vous (at) home", False),
    ],
)
def test_an_address_written_out_is_recognised(text, spelled):
    assert is_spelled_email(text) is spelled


@pytest.mark.parametrize(
    "text, emails",
    [
        ("oui svp c'est jp.roy @ videotron.ca", ["jp.roy@videotron.ca"]),
        ("marc@ gmail.com", ["marc@gmail.com"]),
        ("je suis @ la maison. mon mail: x@y.fr", ["x@y.fr"]),
    ],
)
def test_spaces_around_the_at_sign_are_ignored(text, emails):
    assert find_emails(text) == emails
