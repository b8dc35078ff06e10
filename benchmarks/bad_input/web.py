"""Hostile requests for the web server's public routes (docs/web-api.md).

The shop page and static files, the widget's chat routes, the agents' log-in and API
(with the session cookie and its CSRF token, with the help-desk bearer token, or with
neither), the demo log-in (404 when the demo flag is off, as in the cluster) and the
deletion confirmation link, plus path traversal under /static.

What may legitimately write: a well-formed chat message from our own origin opens a new
conversation in the tracker store (categories `write_…`, one conversation each, its id
made by the server). Ticket processing is only asked for references no ticket has;
agents' log-ins that fail only count in the web server's memory (the back-off).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional
from urllib.parse import quote, urlencode

from benchmarks.bad_input.payloads import (
    CONTROL_CHARS,
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
    ZERO_WIDTH,
    Parts,
    Table,
    Variant,
    dumps,
    embed,
    inside_words,
    jwt,
    multipart,
    random_token,
    segment,
    sentence,
    text_of_length,
    truncated,
    with_raw_value,
)
from bot.domain.tickets import DELETION_CONFIRM_PATH
from bot.web.routes import state_changing_routes

SESSION_COOKIE, AGENT_COOKIE = "rb_session", "rb_agent"
DELETION_LINK = DELETION_CONFIRM_PATH
STATIC_PATHS = (
    "/",
    "/static/widget.js",
    "/static/widget.css",
    "/static/agent.js",
    "/favicon.ico",
    "/agent",
    "/health",
    "/chat/config",
    "/static/inconnu.js",
    "/static/",
    "/static",
    "/index.html",
    "/.env",
    "/robots.txt",
)
TRAVERSALS = (
    "/static/../app.py",
    "/static/../../config.py",
    "/static/..%2f..%2fconfig.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/....//....//pyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..%5c..%5capp.py",
    "/static/widget.js%00.png",
    "/static/%252e%252e/%252e%252e/app.py",
    "/favicon.ico/../app.py",
    "/static/..%c0%af..%c0%afapp.py",
    "/../../../etc/passwd",
)
# Every route that changes something, the demo's included (404 where the demo is off), as
# the web server mounts them (bot/web/routes.py).
POST_ROUTES = tuple(state_changing_routes())
ODD_REFERENCES = (
    "T-00000000",
    "..",
    ".",
    "../../customers/C1000001",
    "T-1' OR '1'='1",
    "<script>alert(1)</script>",
    "x" * 5_000,
    "T-00000000\x00",
    "%2e%2e",
    "📦",
)
ODD_CUSTOMER_IDS = (
    "C9999999",
    "c1000001",
    "C1000001 ",
    "C1000001' OR '1'='1",
    "../C1000001",
    42,
    None,
    ["C1000001"],
    {"id": "C1000001"},
    "x" * 10_000,
)
FORGED_CLAIMS = (
    {"conv": "bad-forged", "customer": {"customer_id": "C1000001", "name": "Marie"}},
    {"agent": "agent", "csrf": "x"},
    {"conv": "x" * 5_000},
)
# The statuses every request of these categories must get (404: the demo routes, off).
REFUSALS = {
    "path_traversal": (400, 403, 404),
    "chat_bad_message": (400,),
    "cross_site": (403, 404),
    "wrong_content_type": (415,),
    "agent_csrf": (403,),
    "agent_process_odd_reference": (400, 404, 405),
}


@dataclass(frozen=True)
class WebAccess:
    """What a legitimate caller of the web server holds: its own origin (the page's), an
    agent's session cookie with its CSRF token, the help-desk tools' bearer token."""

    origin: str
    agent_cookie: str
    csrf_token: str
    api_token: str


def _cookie(name: str, value: str) -> Dict[str, str]:
    return {"Cookie": f"{name}={value}"}


def _forged_cookie(rng: random.Random) -> str:
    """A session or agent cookie the server never signed."""
    claims = rng.choice(FORGED_CLAIMS)
    return rng.choice(
        (
            jwt({"alg": "none", "typ": "JWT"}, claims, ""),
            jwt({"alg": "HS256", "typ": "JWT"}, claims, random_token(rng, 43)),
            random_token(rng, rng.randint(1, 200)),
            "",
            "a.b.c",
            quote("<script>alert(1)</script>", safe=""),
        )
    )


def table(access: WebAccess) -> Table:
    """The web server's categories; the builders below know the valid `access`."""
    own = {**JSON_HEADERS, "Origin": access.origin}
    agent = {**own, **_cookie(AGENT_COOKIE, access.agent_cookie), "X-CSRF-Token": access.csrf_token}
    tool = {**JSON_HEADERS, "Authorization": f"Bearer {access.api_token}"}

    def send(
        body: Callable[[random.Random, str], bytes],
        path: str,
        headers: Mapping[str, str] = own,
        method: str = "POST",
    ) -> Variant:
        return lambda rng, ident: (method, path, dict(headers), body(rng, ident))

    def get(path: str, headers: Optional[Mapping[str, str]] = None) -> Variant:
        return send(lambda rng, ident: b"", path, headers or {}, "GET")

    def message(text: Callable[[random.Random], object]) -> Variant:
        return send(lambda rng, ident: dumps({"message": text(rng)}), "/chat/messages")

    def raw_message(piece: bytes) -> Variant:
        return send(
            lambda rng, ident: with_raw_value({}, "message", b'"bonjour ' + piece + b'"'),
            "/chat/messages",
        )

    def suggest(body: Callable[[random.Random], object], headers: Mapping[str, str]) -> Variant:
        return send(lambda rng, ident: dumps(body(rng)), "/agent/api/suggest", headers)

    def login(username: object, password: object) -> Variant:
        return send(
            lambda rng, ident: dumps({"username": username, "password": password}), "/agent/login"
        )

    def cross_site(headers: Dict[str, Optional[str]]) -> Variant:
        """A well-formed POST to any state-changing route, from elsewhere than our pages."""

        def variant(rng: random.Random, ident: str) -> Parts:
            path = rng.choice(POST_ROUTES)
            sent = {**agent, **tool, **headers}
            body = dumps({"message": sentence(rng), "customer_id": "C1000001"})
            return "POST", path, {k: v for k, v in sent.items() if v is not None}, body

        return variant

    def typed(content_type: Optional[str], body: Callable[[random.Random], bytes]) -> Variant:
        headers = {"Origin": access.origin}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return send(lambda rng, ident: body(rng), "/chat/messages", headers)

    def forged(path: str, cookie: str) -> Variant:
        return lambda rng, ident: ("GET", path, _cookie(cookie, _forged_cookie(rng)), b"")

    def process(reference: str, headers: Mapping[str, str] = agent) -> Variant:
        path = f"/agent/api/tickets/{segment(reference)}/process"
        return send(lambda rng, ident: b"{}", path, headers)

    def confirmation(token: object, method: str = "GET") -> Variant:
        if method == "GET":
            return get(f"{DELETION_LINK}?{urlencode({'token': token})}")
        form = {"Origin": access.origin, "Content-Type": "application/x-www-form-urlencoded"}
        return send(lambda rng, ident: urlencode({"token": token}).encode(), DELETION_LINK, form)

    return {
        "static": [get(path) for path in STATIC_PATHS]
        + [send(lambda rng, ident: b"", "/", {}, "HEAD")],
        "path_traversal": [get(path) for path in TRAVERSALS],
        "chat_bad_message": [
            message(lambda rng: ""),
            message(lambda rng: " \t\n\u00a0" * rng.randint(1, 20)),
            message(lambda rng: ZERO_WIDTH * 10),
            message(lambda rng: CONTROL_CHARS),
            message(lambda rng: text_of_length(rng, 2_000) + "x"),
            message(lambda rng: text_of_length(rng, 100_000)),
            *[message(lambda rng, v=v: v) for v in (42, None, ["bonjour"], {"text": "x"}, True)],
            send(lambda rng, ident: dumps({"texte": sentence(rng)}), "/chat/messages"),
            send(lambda rng, ident: b"[]", "/chat/messages"),
            send(lambda rng, ident: b"", "/chat/messages"),
            send(
                lambda rng, ident: truncated(rng, dumps({"message": sentence(rng)})),
                "/chat/messages",
            ),
            *[raw_message(piece) for piece in INVALID_UTF8[:4]],
        ],
        "write_chat_message": [
            message(lambda rng, p=p: embed(rng, rng.choice(p)))
            for p in (HTML, SQL, SHELL, TEMPLATES, RTL)
        ]
        + [
            message(lambda rng: inside_words(rng, CONTROL_CHARS)),
            message(lambda rng: inside_words(rng, ZERO_WIDTH)),
            message(lambda rng: " ".join(w + rng.choice(EMOJI) for w in FRENCH_WORDS[:6])),
            message(lambda rng: text_of_length(rng, 2_000)),
            *[raw_message(escape) for escape in SURROGATE_ESCAPES[:3]],
        ],
        "cross_site": [
            cross_site(headers)
            for headers in (
                {"Origin": "https://evil.example"},
                {"Origin": "null"},
                {"Origin": access.origin + ".evil.example"},
                {"Origin": None, "Sec-Fetch-Site": "cross-site"},
                {"Origin": None, "Sec-Fetch-Site": "same-site"},
                {"Origin": access.origin, "Sec-Fetch-Site": "cross-site"},
                {"Origin": None, "Authorization": None},
                {"Origin": None, "Authorization": "Bearer " + access.api_token[::-1]},
            )
        ],
        "wrong_content_type": [
            typed(content_type, lambda rng: dumps({"message": sentence(rng)}))
            for content_type in (
                None,
                "text/plain",
                "text/plain; application/json",
                "application/x-www-form-urlencoded",
                "application/json; charset=latin-1",
                "application/json; charset=utf-8; x=y",
                "application/jsonx",
            )
        ]
        + [
            typed(
                "multipart/form-data; boundary=b0undary",
                lambda rng: multipart({"message": sentence(rng)})[0],
            )
        ],
        "forged_cookie": [
            forged(path, cookie)
            for path, cookie in (
                ("/chat/history", SESSION_COOKIE),
                ("/demo/me", SESSION_COOKIE),
                ("/agent/api/me", AGENT_COOKIE),
            )
        ]
        + [
            get("/agent/api/me", _cookie(AGENT_COOKIE, "x" * 7_000)),
            get("/chat/history", {"Cookie": "; ".join(f"c{n}=x" for n in range(300))}),
        ],
        "agent_login": [
            login("agent", "mauvais-mot-de-passe"),
            login("inconnu", "x"),
            login("' OR 1=1 --", "' OR 1=1 --"),
            login("agent", 42),
            login(["agent"], "x"),
            login("agent", None),
            login("agent", "x" * 257),
            login("x" * 10_000, "x"),
            send(
                lambda rng, ident: with_raw_value({"username": "agent"}, "password", b'"\\ud800"'),
                "/agent/login",
            ),
            send(lambda rng, ident: b"{}", "/agent/login"),
            send(lambda rng, ident: b"[]", "/agent/login"),
        ],
        "agent_csrf": [
            suggest(lambda rng: {"message": sentence(rng)}, headers)
            for headers in (
                {**own, **_cookie(AGENT_COOKIE, access.agent_cookie)},
                {**agent, "X-CSRF-Token": access.csrf_token[::-1]},
                {**agent, "X-CSRF-Token": ""},
                {**agent, "X-CSRF-Token": "x" * 5_000},
                {**agent, "X-CSRF-Token": "\u00e9\u00e9"},
            )
        ],
        "agent_api": [
            suggest(lambda rng, b=b: b, agent)
            for b in (
                {},
                {"message": 42},
                {"message": ""},
                {"message": "x" * 10_001},
                {"message": "facture", "customer_id": "C1000001' OR '1'='1"},
                {"message": "facture", "customer_id": ["C1000001"]},
                {"message": "facture", "customer_id": "../C1000001"},
            )
        ]
        + [
            suggest(lambda rng, p=p: {"message": embed(rng, rng.choice(p))}, agent)
            for p in (HTML, SQL, TEMPLATES)
        ]
        + [
            suggest(lambda rng: {"message": text_of_length(rng, 10_000)}, agent),
            suggest(lambda rng: {"message": "mes factures", "customer_id": "C9999999"}, agent),
            get("/agent/api/me", _cookie(AGENT_COOKIE, access.agent_cookie)),
        ],
        "agent_process_odd_reference": [process(reference) for reference in ODD_REFERENCES],
        "agent_bearer": [
            suggest(lambda rng: {"message": sentence(rng)}, tool),
            suggest(lambda rng: {"message": 42}, tool),
            lambda rng, ident: (
                "POST",
                "/agent/api/suggest",
                {**JSON_HEADERS, "Authorization": "Bearer " + random_token(rng, 43)},
                dumps({"message": sentence(rng)}),
            ),
            suggest(
                lambda rng: {"message": sentence(rng)},
                {**JSON_HEADERS, "Authorization": access.api_token},
            ),
            process("T-00000000", tool),
            process("..", tool),
        ],
        "demo": [
            get("/demo/customers"),
            get("/demo/me"),
            *[
                send(lambda rng, ident, c=c: dumps({"customer_id": c}), "/demo/login")
                for c in ODD_CUSTOMER_IDS
            ],
            send(lambda rng, ident: dumps({"customer_id": "C1000001"}), "/demo/login"),
            send(lambda rng, ident: b"{}", "/demo/logout"),
        ],
        "deletion_link": [
            confirmation(token)
            for token in ("", "x", "x" * 101, "x" * 10_000, "<script>alert(1)</script>", "\x00")
        ]
        + [
            get(DELETION_LINK),
            get(f"{DELETION_LINK}?token=a&token=b"),
        ]
        + [confirmation(token, "POST") for token in ("", "x" * 43, "x" * 10_000, "' OR 1=1 --")]
        + [send(lambda rng, ident: dumps({"token": "x"}), DELETION_LINK)],
        "wrong_method": [
            send(lambda rng, ident: dumps({"message": sentence(rng)}), path, own, method)
            for method, path in (
                ("GET", "/chat/messages"),
                ("PUT", "/chat/messages"),
                ("DELETE", "/chat/history"),
                ("POST", "/chat/history"),
                ("POST", "/static/widget.js"),
                ("PATCH", "/agent/login"),
                ("DELETE", "/agent/api/tickets/T-00000000/process"),
                ("OPTIONS", "/chat/messages"),
            )
        ],
    }
