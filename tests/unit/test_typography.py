"""French typography in every text a customer reads (bot/domain/typography.py)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import List, Optional, Tuple

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


# --- the web pages' own strings (bot/web/static) -------------------------------------------

STATIC = PROJECT_ROOT / "bot" / "web" / "static"
# After these, a `/` starts a regular expression literal, not a division.
_REGEX_BEFORE = set("(,=:[!&|?{};") | {""}


def js_strings(source: str) -> List[str]:
    """The string and template literals of a script, escapes decoded, comments and
    regular expressions skipped (enough of JavaScript's grammar for our own files)."""
    strings, i, previous = [], 0, ""
    while i < len(source):
        char, pair = source[i], source[i : i + 2]
        if pair == "//":
            i = source.find("\n", i) % (len(source) + 1) or len(source)
        elif pair == "/*":
            i = source.index("*/", i) + 2
        elif char in "\"'`":
            end = i + 1
            while source[end] != char:
                end += 2 if source[end] == "\\" else 1
            literal = source[i + 1 : end]
            strings.append(literal.encode("latin-1", "backslashreplace").decode("unicode_escape"))
            i, previous = end + 1, char
        elif char == "/" and previous in _REGEX_BEFORE:
            end = i + 1
            in_class = False
            while source[end] != "/" or in_class:
                in_class = (in_class or source[end] == "[") and source[end] != "]"
                end += 2 if source[end] == "\\" else 1
            i, previous = end + 1, "/"
        else:
            if not char.isspace():
                previous = char
            i += 1
    return strings


class _PageText(HTMLParser):
    """Text nodes and the attributes a person reads (placeholder, label, title)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: List[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self._skip += tag in {"script", "style"}
        self.texts += [v for k, v in attrs if k in {"placeholder", "aria-label", "title"} and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"script", "style"}

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            # Line breaks in the source are spaces on the page.
            self.texts.append(re.sub(r"[ \t\r\n]+", " ", data))


def page_strings(path: Path) -> List[str]:
    if path.suffix == ".js":
        return js_strings(path.read_text(encoding="utf-8"))
    parser = _PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.texts


STATIC_TEXTS = [
    (path.name, text)
    for path in sorted(STATIC.glob("*.js")) + sorted(STATIC.glob("*.html"))
    for text in page_strings(path)
]


@pytest.mark.parametrize("name, text", STATIC_TEXTS, ids=[f"{n}:{t[:20]}" for n, t in STATIC_TEXTS])
def test_every_string_of_the_widget_and_the_pages_has_french_typography(name, text):
    assert french(text) == text


def test_the_string_reader_finds_what_the_widget_says():
    widget = [t for n, t in STATIC_TEXTS if n == "widget.js"]
    assert f"Besoin d'aide{NBSP}?" in widget
    assert f"du lundi au vendredi de 8{NBSP}h à 19{NBSP}h" in widget
    assert js_strings("const re = /[\"']/g; f('a ?') // it's\n") == ["a ?"]
