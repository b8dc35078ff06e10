"""Hostile requests for Rasa's REST channel (`POST /webhooks/rest/webhook`).

They go to the webhook or a harmless variant of its path, never to a state-changing Rasa
route, with the sender id `bad-<seed>-<index>`. In the `broken_sender` category the sender
is missing, not a string, or that id with garbage appended. No message carries an e-mail
address, so no single turn can make the bot write to the backend."""

from __future__ import annotations

import json
import random
from typing import Callable, List, Mapping, Sequence
from urllib.parse import quote, urlencode

from benchmarks.bad_input.payloads import (
    CONTROL_CHARS,
    DEEP_ARRAY,
    DEEP_OBJECT,
    EMOJI,
    FRENCH_WORDS,
    HTML,
    INVALID_UTF8,
    JSON_HEADERS,
    RTL,
    SHELL,
    SQL,
    SURROGATE_ESCAPES,
    TEMPLATES,
    WEBHOOK,
    WHITESPACE,
    ZERO_WIDTH,
    Table,
    Variant,
    around,
    dumps,
    embed,
    inside_words,
    jwt,
    multipart,
    random_token,
    request,
    sentence,
    text_of_length,
    truncated,
    with_raw_value,
    words,
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


def _chat(sender: object, message: object, metadata: object = None, **extra: object) -> bytes:
    return dumps(
        {
            "sender": sender,
            "message": message,
            "metadata": {} if metadata is None else metadata,
            **extra,
        }
    )


def _say(text: Callable[[random.Random], str]) -> Variant:
    return lambda rng, sender: request(_chat(sender, text(rng)))


def _say_each(payloads: Sequence[str]) -> List[Variant]:
    return [_say(lambda rng, payload=payload: embed(rng, payload)) for payload in payloads]


def _raw_message(piece: bytes) -> Variant:
    return lambda rng, sender: request(
        with_raw_value({"sender": sender, "metadata": {}}, "message", around(rng, piece))
    )


def _chat_variant(
    body: Callable[[random.Random, str], bytes],
    headers: Mapping[str, str] = JSON_HEADERS,
    method: str = "POST",
    path: str = WEBHOOK,
) -> Variant:
    return lambda rng, sender: request(body(rng, sender), headers, method, path)


def _with_fields(fields: Mapping[str, object]) -> Variant:
    """A normal chat body with some fields replaced or added."""
    return _chat_variant(
        lambda rng, sender: dumps(
            {"sender": sender, "message": sentence(rng), "metadata": {}, **fields}
        )
    )


def _only(*names: str) -> Variant:
    return _chat_variant(
        lambda rng, sender: dumps(
            {
                name: value
                for name, value in (
                    ("sender", sender),
                    ("message", sentence(rng)),
                    ("metadata", {}),
                    ("text", sentence(rng)),
                )
                if name in names
            }
        )
    )


def _sender(sender: Callable[[str], object]) -> Variant:
    return _chat_variant(lambda rng, s: _chat(sender(s), sentence(rng)))


def _forged_token(token: Callable[[random.Random], object]) -> Variant:
    return _chat_variant(lambda rng, s: _chat(s, sentence(rng), {"auth_token": token(rng)}))


def _typed(headers: Mapping[str, str], encoding: str = "utf-8") -> Variant:
    return _chat_variant(
        lambda rng, s: json.dumps(
            {"sender": s, "message": "où est ma facture ? " + sentence(rng)}, ensure_ascii=False
        ).encode(encoding),
        headers,
    )


def _normal(method: str = "POST", path: str = WEBHOOK) -> Variant:
    return _chat_variant(lambda rng, s: _chat(s, sentence(rng)), method=method, path=path)


def table() -> Table:
    return {
        "empty": [_say(lambda rng: "")],
        "whitespace": [_say(lambda rng, w=w: w * rng.randint(1, 20)) for w in WHITESPACE],
        "huge": [_say(lambda rng: text_of_length(rng, 100_000))],
        "long": [_say(lambda rng: text_of_length(rng, 10_000))],
        "control_chars": [
            _say(lambda rng: inside_words(rng, CONTROL_CHARS)),
            _say(lambda rng: CONTROL_CHARS),
            _say(lambda rng: "\x1b[31mALERTE\x1b[0m " + sentence(rng)),
            _say(lambda rng: sentence(rng) + "\r" + "\x08" * 40 + sentence(rng)),
        ],
        "null_bytes": [
            _say(lambda rng: inside_words(rng, "\x00")),
            _raw_message(b"\x00"),
            _chat_variant(lambda rng, s: _chat(s, sentence(rng)) + b"\x00" * rng.randint(1, 64)),
            _chat_variant(lambda rng, s: b"\x00" * rng.randint(1, 4096)),
            _chat_variant(lambda rng, s: _chat(s, sentence(rng), {"auth\x00token": "x\x00y"})),
        ],
        "zero_width": [
            _say(lambda rng: inside_words(rng, ZERO_WIDTH)),
            _say(lambda rng: ZERO_WIDTH * 20),
            _chat_variant(lambda rng, s: b"\xef\xbb\xbf" + _chat(s, sentence(rng))),
        ],
        "lone_surrogate_escape": [_raw_message(escape) for escape in SURROGATE_ESCAPES],
        "invalid_utf8": [_raw_message(piece) for piece in INVALID_UTF8],
        "emoji": [
            _say(lambda rng: "".join(rng.choices(EMOJI, k=rng.randint(1, 12)))),
            _say(lambda rng: " ".join(w + rng.choice(EMOJI) for w in words(rng, 6))),
            _say(lambda rng: rng.choice(EMOJI) * 2000),
        ],
        "rtl": _say_each(RTL),
        "html_script": _say_each(HTML),
        "sql": _say_each(SQL),
        "shell": _say_each(SHELL),
        "format_string": _say_each(TEMPLATES),
        "intent_shortcut": [_say(lambda rng, i=i: i) for i in INTENT_SHORTCUTS],
        "malformed_json": [
            _chat_variant(lambda rng, s: truncated(rng, _chat(s, sentence(rng)))),
            _chat_variant(lambda rng, s: _chat(s, sentence(rng))[:-1] + b", }"),
            _chat_variant(lambda rng, s: _chat(s, sentence(rng)).replace(b'"', b"'")),
            _chat_variant(lambda rng, s: sentence(rng).encode("utf-8")),
            _chat_variant(lambda rng, s: with_raw_value({"sender": s}, "message", rb'"\qa \u12"')),
            _chat_variant(lambda rng, s: _chat(s, "a") + _chat(s, "b")),
            _chat_variant(lambda rng, s: b'{"sender": ' + dumps(s) + b', // a\n"message": ""}'),
            *[
                _chat_variant(lambda rng, s, b=b: b)
                for b in (b"[]", b"null", b'"bonjour"', b"42", b"-1e999", b"NaN", b"true", b"")
            ],
        ],
        "nested_deep": [
            _chat_variant(lambda rng, s: DEEP_ARRAY),
            _chat_variant(lambda rng, s: with_raw_value({"sender": s}, "message", DEEP_ARRAY)),
            _chat_variant(
                lambda rng, s: with_raw_value(
                    {"sender": s, "message": sentence(rng)}, "metadata", DEEP_OBJECT
                )
            ),
        ],
        "wrong_content_type": [
            _typed({"Content-Type": "text/plain"}),
            _typed({}),
            _typed({"Content-Type": "application/json; charset=latin-1"}, "latin-1"),
            _typed({"Content-Type": "application/json; charset=utf-16"}, "utf-16"),
            _chat_variant(
                lambda rng, s: urlencode({"sender": s, "message": sentence(rng)}).encode("ascii"),
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            lambda rng, s: request(*multipart({"sender": s, "message": sentence(rng)})),
            _chat_variant(
                lambda rng, s: (
                    f"<message><sender>{s}</sender><text>{sentence(rng)}</text></message>".encode(
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
            _forged_token(lambda rng: random_token(rng, rng.randint(1, 64))),
            _forged_token(lambda rng: jwt({"alg": "none", "typ": "JWT"}, FORGED_CLAIMS, "")),
            _forged_token(lambda rng: jwt({"alg": "HS256"}, FORGED_CLAIMS, random_token(rng, 43))),
            _forged_token(
                lambda rng: jwt(
                    {"alg": "HS256"}, {**FORGED_CLAIMS, "sub": SQL[2]}, random_token(rng, 43)
                )
            ),
            _forged_token(lambda rng: random_token(rng, 100_000)),
            *[
                _forged_token(lambda rng, v=v: v)
                for v in ("", 42, ["x"], {"token": "x"}, "null", "a.b.c", "\x00")
            ],
        ],
        "huge_metadata": [
            _chat_variant(
                lambda rng, s: _chat(
                    s, sentence(rng), {f"cle_{n}": rng.choice(FRENCH_WORDS) for n in range(10_000)}
                )
            ),
            _chat_variant(
                lambda rng, s: _chat(s, sentence(rng), {"note": text_of_length(rng, 200_000)})
            ),
        ],
        "wrong_method": [
            *[_normal(method) for method in ("GET", "PUT", "DELETE", "PATCH")],
            _chat_variant(lambda rng, s: b"", {}, "GET"),
        ],
        "path_variant": [_normal(path=path) for path in PATH_VARIANTS],
    }
