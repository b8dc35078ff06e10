"""French typography in every text a customer reads (bot/domain/typography.py)."""

import pytest
import yaml

from bot.config import PROJECT_ROOT, PhoneLine
from bot.domain.hours import describe_hours, format_clock
from bot.domain.typography import NBSP, french

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
TEXTS = [
    (name, text)
    for name, variants in DOMAIN["responses"].items()
    for variant in variants
    for text in [variant.get("text", "")] + [b["title"] for b in variant.get("buttons", [])]
]


@pytest.mark.parametrize("name, text", TEXTS, ids=[f"{n}:{t[:20]}" for n, t in TEXTS])
def test_every_response_is_written_with_french_typography(name, text):
    assert french(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Le souhaitez-vous ?", f"Le souhaitez-vous{NBSP}?"),
        ("encart « Mes achats »", f"encart «{NBSP}Mes achats{NBSP}»"),
        ("Attention : définitive !", f"Attention{NBSP}: définitive{NBSP}!"),
        ("de 8h à 19h30", f"de 8{NBSP}h à 19{NBSP}h{NBSP}30"),
        ("https://www.123roulement.com/a?b=1", "https://www.123roulement.com/a?b=1"),
        ("C1234567 FA-240117", "C1234567 FA-240117"),
    ],
)
def test_french(text, expected):
    assert french(text) == expected
    assert french(expected) == expected


def test_hours_facts_are_typographic():
    assert describe_hours(PhoneLine()) == f"du lundi au vendredi de 8{NBSP}h à 19{NBSP}h"
    assert french(describe_hours(PhoneLine())) == describe_hours(PhoneLine())
    assert format_clock(PhoneLine().closes) == f"19{NBSP}h"
