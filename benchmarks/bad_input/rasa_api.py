"""Hostile requests for Rasa's HTTP API (`rasa run --enable-api`, behind RASA_AUTH_TOKEN).

Only the web server and operators call it, with the token in the `token` query parameter;
in the cluster it listens on nginx's internal API port, never on the public one. Without
the token (or with a wrong one) every route must be refused (401 or 403), the routes that
change conversations or the model included. With the token, these requests stay on the
routes that only read (`/model/parse`, `GET /conversations/<id>/tracker` and `/story`,
`/status`, `/domain`): Rasa must refuse what is not a parse request (400), cap what it
parses, and never answer 5xx. Nothing here writes.
"""

from __future__ import annotations

import random
from typing import Callable, Mapping
from urllib.parse import urlencode

from benchmarks.bad_input.payloads import (
    CONTROL_CHARS,
    DEEP_ARRAY,
    DEEP_OBJECT,
    EMOJI,
    HTML,
    INVALID_UTF8,
    JSON_HEADERS,
    RTL,
    SHELL,
    SQL,
    SURROGATE_ESCAPES,
    TEMPLATES,
    ZERO_WIDTH,
    Parts,
    Table,
    Variant,
    dumps,
    embed,
    inside_words,
    segment,
    sentence,
    text_of_length,
    truncated,
    with_raw_value,
)

PARSE = "/model/parse"
# Every route of Rasa 3.6's API that needs the token, and a body it could take.
GUARDED_ROUTES = (
    ("GET", "/status"),
    ("POST", PARSE),
    ("GET", "/conversations/{id}/tracker"),
    ("POST", "/conversations/{id}/tracker/events"),
    ("PUT", "/conversations/{id}/tracker/events"),
    ("GET", "/conversations/{id}/story"),
    ("POST", "/conversations/{id}/execute"),
    ("POST", "/conversations/{id}/trigger_intent"),
    ("POST", "/conversations/{id}/predict"),
    ("POST", "/conversations/{id}/messages"),
    ("POST", "/model/train"),
    ("POST", "/model/test/intents"),
    ("POST", "/model/predict"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("GET", "/domain"),
)
GUARDED_BODIES = {
    PARSE: {"text": "bonjour"},
    "/tracker/events": [{"event": "restart"}],
    "/execute": {"name": "action_restart"},
    "/trigger_intent": {"name": "delete_account"},
    "/messages": {"text": "je veux supprimer mon compte", "sender": "user"},
    "/model": {"model_path": "/tmp/x.tar.gz"},
}
ODD_CONVERSATION_IDS = (
    "x" * 300,
    "x" * 10_000,
    "../../etc/passwd",
    "..",
    "%00",
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "C1000001\u202e",
    "📦👍",
    " ",
    "a/b/c",
    "\ud800",
)
TRACKER_QUERIES = (
    {"include_events": "GARBAGE"},
    {"include_events": "ALL", "until": "pas-un-nombre"},
    {"until": "-1e999"},
    {"until": "NaN"},
    {"include_events": "AFTER_RESTART" * 1000},
)


def _odd_id(value: str) -> str:
    """A conversation id in a path: encoded (lone surrogates as their UTF-8 escape)."""
    return segment(value.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


# The statuses every request of these categories must get.
REFUSALS = {
    "no_token": (401,),
    # 413 (Sanic) or 414 (nginx): a token too long for a URL.
    "wrong_token": (401, 403, 413, 414),
    "parse_malformed_json": (400,),
    "parse_not_object": (400,),
    "parse_lone_surrogate": (400,),
    "parse_huge": (400, 413),
}


def table(token: str) -> Table:
    """Rasa's API categories; the builders below know the valid `token`."""

    def query(token_value: "str | None", **params: str) -> str:
        pairs = {**({"token": token_value} if token_value is not None else {}), **params}
        return "?" + urlencode(pairs) if pairs else ""

    def send(
        body: Callable[[random.Random, str], bytes],
        path: str = PARSE,
        method: str = "POST",
        headers: Mapping[str, str] = JSON_HEADERS,
        token_value: "str | None" = token,
        **params: str,
    ) -> Variant:
        def variant(rng: random.Random, ident: str) -> Parts:
            target = path.format(id=ident) + query(token_value, **params)
            return method, target, dict(headers), body(rng, ident)

        return variant

    def parse(text: Callable[[random.Random], object]) -> Variant:
        return send(lambda rng, ident: dumps({"text": text(rng)}))

    def guarded(token_value: "str | None", headers: Mapping[str, str] = JSON_HEADERS) -> Variant:
        """Any guarded route, with what it would take, and `token_value` as the token."""

        def variant(rng: random.Random, ident: str) -> Parts:
            method, path = rng.choice(GUARDED_ROUTES)
            body = next((b for end, b in GUARDED_BODIES.items() if path.endswith(end)), None)
            sent = dumps(body) if body is not None and method != "GET" else b""
            target = path.format(id=ident) + query(token_value)
            return method, target, dict(headers), sent

        return variant

    def wrong(value: str) -> str:
        return value if value != token else value + "x"

    def tracker(conversation_id: str, **params: str) -> Variant:
        return send(
            lambda rng, ident: b"",
            f"/conversations/{_odd_id(conversation_id)}/tracker",
            "GET",
            {},
            **params,
        )

    return {
        "no_token": [guarded(None)],
        "wrong_token": [
            guarded(None, {**JSON_HEADERS, "Authorization": f"Bearer {token}"}),
            guarded(""),
            guarded(wrong(token[:-1] or "x")),
            guarded(wrong(token + " ")),
            guarded(wrong(token.upper())),
            guarded(wrong("null")),
            guarded("x" * 10_240),
        ],
        "parse_malformed_json": [
            send(lambda rng, ident: truncated(rng, dumps({"text": sentence(rng)}))),
            send(lambda rng, ident: dumps({"text": sentence(rng)}).replace(b'"', b"'")),
            send(lambda rng, ident: sentence(rng).encode("utf-8")),
            send(lambda rng, ident: b"{"),
            send(lambda rng, ident: b'{"text": "a",}'),
            send(lambda rng, ident: b"\x00" * rng.randint(1, 64)),
            *[
                send(lambda rng, ident, p=p: with_raw_value({}, "text", b'"caf' + p + b'"'))
                for p in INVALID_UTF8[:4]
            ],
            send(lambda rng, ident: DEEP_ARRAY),
            send(lambda rng, ident: with_raw_value({}, "text", DEEP_OBJECT)),
            send(lambda rng, ident: b""),
        ],
        "parse_not_object": [
            send(lambda rng, ident, b=b: b)
            for b in (b"[]", b"null", b"42", b'"bonjour"', b"true", b"NaN", b"[{}]")
        ]
        + [
            send(lambda rng, ident, body=body: dumps(body))
            for body in (
                {},
                {"text": 42},
                {"text": None},
                {"text": ["bonjour"]},
                {"text": {"fr": "bonjour"}},
                {"message": "bonjour"},
            )
        ],
        "parse_lone_surrogate": [
            send(lambda rng, ident, e=e: with_raw_value({}, "text", b'"a' + e + b'"'))
            for e in SURROGATE_ESCAPES
        ],
        "parse_huge": [
            parse(lambda rng, n=n: text_of_length(rng, n))
            for n in (10_001, 20_000, 50_000, 100_000, 300_000)
        ]
        + [parse(lambda rng: rng.choice(EMOJI) * 30_000)],
        "parse_hostile_text": [
            parse(lambda rng, p=p: embed(rng, rng.choice(p)))
            for p in (HTML, SQL, SHELL, TEMPLATES, RTL)
        ]
        + [
            parse(lambda rng: inside_words(rng, CONTROL_CHARS)),
            parse(lambda rng: inside_words(rng, ZERO_WIDTH)),
            parse(lambda rng: text_of_length(rng, 10_000)),
        ],
        "parse_query": [
            send(
                lambda rng, ident: dumps({"text": sentence(rng)}), PARSE, "POST", JSON_HEADERS, **q
            )
            for q in (
                {"emulation_mode": "luis"},
                {"emulation_mode": "wit"},
                {"emulation_mode": "dialogflow"},
                {"emulation_mode": "inconnu"},
                {"emulation_mode": "../../x"},
            )
        ],
        "parse_content_type": [
            send(lambda rng, ident, h=h: dumps({"text": sentence(rng)}), PARSE, "POST", h)
            for h in (
                {},
                {"Content-Type": "text/plain"},
                {"Content-Type": "application/x-www-form-urlencoded"},
                {"Content-Type": "application/json; charset=latin-1"},
            )
        ],
        "tracker_odd_id": [tracker(value) for value in ODD_CONVERSATION_IDS]
        + [tracker("bad-tracker-query", **q) for q in TRACKER_QUERIES],
        "read_routes": [
            send(lambda rng, ident: b"", path, "GET", headers)
            for path, headers in (
                ("/status", {}),
                ("/version", {}),
                ("/", {}),
                ("/domain", {"Accept": "application/json"}),
                ("/domain", {"Accept": "text/html"}),
                ("/domain", {"Accept": "application/x-yaml"}),
                ("/conversations/{id}/story", {}),
                ("/conversations/%2e%2e/story", {}),
            )
        ],
        "wrong_method": [
            send(lambda rng, ident: dumps({"text": "bonjour"}), path, method)
            for method, path in (
                ("GET", PARSE),
                ("PUT", PARSE),
                ("DELETE", "/conversations/{id}/tracker"),
                ("POST", "/status"),
                ("PATCH", "/model"),
            )
        ],
    }
