"""Hostile requests for the account backend's API (docs/backend-api.md).

Requests that may legitimately write (well-formed ticket or password e-mail requests with
the right token) have categories starting with `write_` and the conversation id
`bad-<seed>-<index>`; every other request should be rejected or only read. Text with a
lone surrogate is not valid Unicode (the API speaks UTF-8), so requests carrying one are
expected to be rejected."""

from __future__ import annotations

import base64
import random
from typing import Callable, Dict, Mapping
from urllib.parse import urlencode

from benchmarks.bad_input.payloads import (
    CONTROL_CHARS,
    DEEP_ARRAY,
    DEEP_OBJECT,
    EMOJI,
    HTML,
    INVALID_UTF8,
    JSON_HEADERS,
    MISSING,
    RTL,
    SHELL,
    SQL,
    SURROGATE_ESCAPES,
    TEMPLATES,
    ZERO_WIDTH,
    Parts,
    Table,
    Variant,
    around,
    dumps,
    embed,
    inside_words,
    multipart,
    random_token,
    resolve,
    segment,
    sentence,
    text_of_length,
    truncated,
    with_raw_value,
    words,
)

TICKET_SUBJECTS = ("Suppression compte", "Autre motif")
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


def _payload(rng: random.Random, ident: str, path: str, **fields: object) -> Dict[str, object]:
    """A valid body for `path` (/tickets or /password-emails), `fields` changed. The address
    is new each time, so that no ticket is merged into an earlier one and no e-mail request
    is rate limited: every well-formed write really reaches the database."""
    payload: Dict[str, object] = {"email": f"{ident}@example.org", "conversation_id": ident}
    if path == "/tickets":
        payload.update(subject=rng.choice(TICKET_SUBJECTS), body=sentence(rng))
    payload.update({name: resolve(rng, value) for name, value in fields.items()})
    return {name: value for name, value in payload.items() if value is not MISSING}


def table(token: str) -> Table:
    """The backend's categories; the small builders below all know the valid `token`."""
    bearer = {"Authorization": f"Bearer {token}"}
    auth = {**JSON_HEADERS, **bearer}

    def post(
        body: Callable[[random.Random, str, str], bytes],
        path: str = "",
        headers: Mapping[str, str] = auth,
        method: str = "POST",
    ) -> Variant:
        """`body(rng, ident, path)` to `path`, or to /tickets or /password-emails."""

        def variant(rng: random.Random, ident: str) -> Parts:
            target = path or rng.choice(("/tickets", "/password-emails"))
            return method, target, dict(headers), body(rng, ident, target)

        return variant

    def changed(path: str = "", **fields: object) -> Variant:
        return post(lambda rng, ident, target: dumps(_payload(rng, ident, target, **fields)), path)

    def raw(piece: bytes) -> Variant:
        def variant(rng: random.Random, ident: str) -> Parts:
            path, field = rng.choice(RAW_TARGETS)
            value = (
                b'"client' + piece + b'@example.org"' if field == "email" else around(rng, piece)
            )
            body = with_raw_value(_payload(rng, ident, path, **{field: MISSING}), field, value)
            return "POST", path, dict(auth), body

        return variant

    def read(value: object) -> Variant:
        def variant(rng: random.Random, ident: str) -> Parts:
            suffix = rng.choice(("", "/addresses", "/orders"))
            return "GET", f"/customers/{segment(resolve(rng, value))}{suffix}", dict(bearer), b""

        return variant

    def caller(
        headers: Callable[[random.Random], Dict[str, str]], reads_only: bool = False
    ) -> Variant:
        """A read, or a well-formed write, with `headers` instead of the right ones."""

        def variant(rng: random.Random, ident: str) -> Parts:
            paths = ("/customers/C1000001", "/tickets", "/password-emails")
            path = paths[0] if reads_only else rng.choice(paths)
            sent = {**JSON_HEADERS, **headers(rng)}
            if path == paths[0]:
                return "GET", path, sent, b""
            return "POST", path, sent, dumps(_payload(rng, ident, path))

        return variant

    def authorization(value: Callable[[random.Random], str], reads_only: bool = False) -> Variant:
        return caller(lambda rng: {"Authorization": value(rng)}, reads_only)

    def wrong(value: str) -> str:
        return value if value.strip() != token else value + "x"

    def ticket(**fields: object) -> Variant:
        return changed("/tickets", **fields)

    def multipart_ticket(rng: random.Random, ident: str) -> Parts:
        body, headers = multipart(_payload(rng, ident, "/tickets"))
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
            read(lambda rng: random_token(rng, 10_000)),
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
                ticket(**{name: MISSING})
                for name in ("subject", "email", "body", "conversation_id")
            ],
            changed("/password-emails", email=MISSING),
        ],
        "unknown_subject": [ticket(subject=subject) for subject in UNKNOWN_SUBJECTS],
        "huge": [
            ticket(body=lambda rng: text_of_length(rng, 100_000)),
            ticket(body=lambda rng: text_of_length(rng, 5_001)),
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
            post(lambda rng, ident, path: truncated(rng, dumps(_payload(rng, ident, path)))),
            post(lambda rng, ident, path: dumps(_payload(rng, ident, path))[:-1] + b", }"),
            post(lambda rng, ident, path: dumps(_payload(rng, ident, path)).replace(b'"', b"'")),
            post(lambda rng, ident, path: sentence(rng).encode("utf-8")),
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
            multipart_ticket,
            post(
                lambda rng, ident, path: f"<ticket><body>{sentence(rng)}</body></ticket>".encode(
                    "utf-8"
                ),
                headers={**auth, "Content-Type": "application/xml"},
            ),
            post(
                lambda rng, ident, path: sentence(rng).encode("utf-8"),
                headers={**auth, "Content-Type": "text/plain"},
            ),
        ],
        "nested_deep": [
            post(lambda rng, ident, path: DEEP_ARRAY),
            post(
                lambda rng, ident, path: with_raw_value(
                    _payload(rng, ident, path, body=MISSING), "body", DEEP_ARRAY
                ),
                "/tickets",
            ),
            post(
                lambda rng, ident, path: with_raw_value(
                    {"conversation_id": ident}, "email", DEEP_OBJECT
                ),
                "/password-emails",
            ),
        ],
        "wrong_method": [
            post(lambda rng, ident, path: dumps(_payload(rng, ident, path)), path, method=method)
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
        + [authorization(lambda rng: "Bearer " + random_token(rng, 10_240))],
        "auth_wrong_token": [authorization(lambda rng: "Bearer " + wrong(random_token(rng, 43)))]
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
        "write_ticket_markup": [ticket(body=lambda rng, p=p: embed(rng, p)) for p in HTML],
        "write_ticket_injection": [
            ticket(body=lambda rng: embed(rng, rng.choice(SQL + SHELL + TEMPLATES)))
        ],
        "write_ticket_unicode": [
            ticket(body=text)
            for text in (
                lambda rng: inside_words(rng, CONTROL_CHARS),
                lambda rng: inside_words(rng, "\x00"),
                lambda rng: inside_words(rng, ZERO_WIDTH),
                lambda rng: rng.choice(RTL),
                lambda rng: " ".join(w + rng.choice(EMOJI) for w in words(rng, 6)),
            )
        ],
        "write_ticket_edge_values": [
            ticket(**fields)
            for fields in (
                {"body": ""},
                {"body": " \n\t\u00a0"},
                {"body": lambda rng: text_of_length(rng, 5_000)},
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
            changed("/password-emails", conversation_id=MISSING),
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
            post(lambda rng, ident, path: dumps(_payload(rng, ident, path)), headers=headers)
            for headers in (
                {**auth, "Content-Type": "text/plain"},
                bearer,
                {**auth, "Content-Type": "application/x-www-form-urlencoded"},
                {**auth, "Content-Type": "APPLICATION/JSON; charset=utf-8"},
                {**auth, "Content-Type": "application/xml"},
            )
        ],
    }
