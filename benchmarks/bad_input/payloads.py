"""What every table of hostile requests shares: the request, the seeded generator, the
payloads (French words, markup, injections, broken Unicode) and the builders of bodies."""

from __future__ import annotations

import base64
import json
import random
import string
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

WEBHOOK = "/webhooks/rest/webhook"
JSON_HEADERS = {"Content-Type": "application/json"}
FRENCH_WORDS = (
    "bonjour",
    "commande",
    "facture",
    "livraison",
    "compte",
    "adresse",
    "colis",
    "merci",
    "roulement",
    "retour",
    "numéro",
    "où",
    "est",
    "ma",
    "mon",
    "changer",
    "télécharger",
    "problème",
    "connexion",
    "s'il",
    "vous",
    "plaît",
    "déjà",
    "reçu",
    "été",
    "à",
    "ça",
    "prénom",
    "client",
    "aidez-moi",
)
DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a": ' * 10_000 + b"{}" + b"}" * 10_000

WHITESPACE = (" ", "\t", "\n", "\r\n", "\u00a0", " \t\n\u00a0", "\u2003\u3000", "\u2028\u2029")
CONTROL_CHARS = "".join(map(chr, range(0x20))) + "\x7f"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
SURROGATE_ESCAPES = (
    rb"\ud800",
    rb"\udfff\ud800",
    rb"\udc00",
    rb"\ud83d",
    rb"\ud800\u0041",
    rb"\udbff\udbff",
    rb"\ud83d\ude00\ud83d",
)
INVALID_UTF8 = (
    b"\xff\xfe",
    b"caf\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\x80\x80",
    b"\xf8\x88\x80\x80\x80",
)
EMOJI = ("😀", "👍", "🇫🇷", "👨‍👩‍👧‍👦", "👋🏽", "1️⃣", "🤬", "📦", "🧾")
RTL = (
    "مرحبا، أين طلبي؟",
    "שלום, איפה ההזמנה שלי?",
    "commande \u202bمرحبا\u202c n° 42",
    "\u2067שלום\u2069 compte",
    "\u200fbonjour\u200f",
    "\u202eerutcaf am tse úo",
)
HTML = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    '<a href="javascript:alert(1)">facture</a>',
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<iframe src=javascript:alert(1)></iframe>",
    "[facture](javascript:alert(1))",
)
SQL = (
    "'; DROP TABLE customers; --",
    "' OR 1=1 --",
    "C1000001' OR '1'='1",
    "' AND SLEEP(5) --",
    "' UNION SELECT number, email FROM customers --",
    "1; DELETE FROM tickets",
)
SHELL = (
    "$(rm -rf /)",
    "`id`",
    "; cat /etc/passwd",
    "| nc 127.0.0.1 4444 -e /bin/sh",
    "&& shutdown -h now",
    "$(curl http://127.0.0.1/x | sh)",
)
TEMPLATES = (
    "{0}",
    "%s%s%s%n",
    "${jndi:ldap://x/a}",
    "{{7*7}}",
    "{email}",
    "%(customer_id)s",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{config}}",
    "${7*7}",
)

MISSING = object()
Parts = Tuple[str, str, Dict[str, str], bytes]  # method, path, headers, body
Variant = Callable[[random.Random, str], Parts]  # (rng, "bad-<seed>-<index>") -> parts
Table = Dict[str, Sequence[Variant]]


@dataclass(frozen=True)
class BadRequest:
    """One hostile request; `body` is sent byte for byte, `path` is already encoded.
    `allowed`: the only statuses a right answer may have (a refusal); empty: any but 5xx."""

    category: str
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    allowed: Tuple[int, ...] = ()


def categories(requests: Sequence[BadRequest]) -> Dict[str, int]:
    return dict(Counter(request.category for request in requests))


def generate(
    table: Table,
    seed: int,
    count: int,
    refusals: Optional[Mapping[str, Tuple[int, ...]]] = None,
) -> List[BadRequest]:
    """Category `index % n`; within it, its variants in turn, filled in by the seeded rng.
    `refusals`: the statuses every request of a category must get."""
    rng = random.Random(seed)
    names = list(table)
    requests = []
    for index in range(count):
        name = names[index % len(names)]
        variant = table[name][(index // len(names)) % len(table[name])]
        parts = variant(rng, f"bad-{seed}-{index}")
        requests.append(BadRequest(name, *parts, allowed=(refusals or {}).get(name, ())))
    return requests


def unexpected(request: BadRequest, status: int) -> bool:
    """A 5xx (or no answer), or a status its category must not get."""
    return not 0 < status < 500 or bool(request.allowed and status not in request.allowed)


# --- text and bodies ----------------------------------------------------------------------


def words(rng: random.Random, count: int) -> List[str]:
    return [rng.choice(FRENCH_WORDS) for _ in range(count)]


def sentence(rng: random.Random) -> str:
    return " ".join(words(rng, rng.randint(3, 9)))


def text_of_length(rng: random.Random, length: int) -> str:
    """French words repeated, cut at exactly `length` characters."""
    text = ""
    while len(text) < length:
        text += " ".join(words(rng, 500)) + " "
    return text[:length]


def embed(rng: random.Random, payload: str) -> str:
    """The payload alone or among French words, at a random position."""
    if rng.random() < 0.5:
        return payload
    chosen = words(rng, rng.randint(2, 6))
    chosen.insert(rng.randint(0, len(chosen)), payload)
    return " ".join(chosen)


def inside_words(rng: random.Random, alphabet: str) -> str:
    """French words, each with a character of `alphabet` somewhere inside it."""
    cuts = ((word, rng.randint(1, len(word))) for word in words(rng, rng.randint(3, 8)))
    return " ".join(word[:cut] + rng.choice(alphabet) + word[cut:] for word, cut in cuts)


def random_token(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=length))


def dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def with_raw_value(fields: Mapping[str, object], name: str, raw_json: bytes) -> bytes:
    """`fields` as a JSON object plus `"name": <raw_json>`, pasted byte for byte."""
    head = dumps(dict(fields))[:-1] + (b", " if fields else b"")
    return head + dumps(name) + b": " + raw_json + b"}"


def around(rng: random.Random, piece: bytes) -> bytes:
    """A raw JSON string: `piece` among (escaped) French words."""
    escaped = [dumps(word)[1:-1] for word in words(rng, rng.randint(2, 6))]
    escaped.insert(rng.randint(0, len(escaped)), piece)
    return b'"' + b" ".join(escaped) + b'"'


def truncated(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randint(1, len(body) - 1)]


def multipart(fields: Mapping[str, object]) -> Tuple[bytes, Dict[str, str]]:
    parts = "".join(
        f'--b0undary\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    return (
        (parts + "--b0undary--\r\n").encode("utf-8"),
        {"Content-Type": "multipart/form-data; boundary=b0undary"},
    )


def jwt(header: Mapping[str, object], claims: Mapping[str, object], signature: str) -> str:
    parts = (base64.urlsafe_b64encode(dumps(dict(part))).rstrip(b"=") for part in (header, claims))
    return b".".join(parts).decode("ascii") + "." + signature


def request(
    body: bytes,
    headers: Mapping[str, str] = JSON_HEADERS,
    method: str = "POST",
    path: str = WEBHOOK,
) -> Parts:
    return method, path, dict(headers), body


def resolve(rng: random.Random, value: object) -> object:
    """A value, or a function of the rng giving it."""
    return value(rng) if callable(value) else value


def segment(value: str) -> str:
    """One path segment, fully encoded: no raw "/" and no "." that could make a dot segment."""
    return quote(value, safe="").replace(".", "%2E")
