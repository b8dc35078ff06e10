"""benchmarks.bad_input: what the soak fires is what it claims to be (no network here; the
run itself is tests/test_bad_input_run.py)."""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from typing import Any, Callable, List, Mapping, Optional
from urllib.parse import unquote

import pytest

from benchmarks.bad_input import (
    WEBHOOK,
    BadRequest,
    WebAccess,
    action_requests,
    backend_requests,
    categories,
    chat_requests,
    rasa_api_requests,
    unexpected,
    web_requests,
)
from benchmarks.bad_input.web import ODD_REFERENCES
from bot.backend.errors import InvalidInput
from bot.backend.fields import normalise_customer_id, normalise_email
from bot.backend.tickets import MAX_TICKET_BODY
from bot.domain.identifiers import MAX_CONVERSATION_ID
from bot.domain.tickets import TICKET_SUBJECTS

SEED = 7
TOKEN = "s3cret-Token_for-tests"
CHAT_CATEGORIES = [
    "empty",
    "whitespace",
    "huge",
    "long",
    "control_chars",
    "null_bytes",
    "zero_width",
    "lone_surrogate_escape",
    "invalid_utf8",
    "emoji",
    "rtl",
    "html_script",
    "sql",
    "shell",
    "format_string",
    "intent_shortcut",
    "malformed_json",
    "nested_deep",
    "wrong_content_type",
    "wrong_types",
    "broken_sender",
    "missing_fields",
    "extra_fields",
    "forged_auth_token",
    "huge_metadata",
    "wrong_method",
    "path_variant",
]
BACKEND_CATEGORIES = [
    "path_sql",
    "path_shell",
    "path_traversal",
    "path_unicode",
    "path_null_bytes",
    "path_long",
    "wrong_types",
    "missing_fields",
    "unknown_subject",
    "huge",
    "invalid_email",
    "invalid_utf8",
    "lone_surrogate_escape",
    "malformed_json",
    "wrong_content_type",
    "nested_deep",
    "wrong_method",
    "auth_missing",
    "auth_malformed",
    "auth_wrong_token",
    "auth_lowercase_scheme",
    "write_ticket_markup",
    "write_ticket_injection",
    "write_ticket_unicode",
    "write_ticket_edge_values",
    "write_ticket_weird_email",
    "write_password_email",
    "write_extra_fields",
    "write_lenient_content_type",
]
BACKEND_ROUTE = re.compile(
    r"/customers/[^/?#]+(/addresses|/orders)?|/tickets|/password-emails"
    r"|/health"
)
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
FORBIDDEN_IN_CHAT_PATHS = ["/model", "/conversations", "/tracker", "/events", "..", "%2e"]


@pytest.fixture(scope="module")
def chat() -> List[BadRequest]:
    return chat_requests(SEED)


@pytest.fixture(scope="module")
def backend() -> List[BadRequest]:
    return backend_requests(TOKEN, SEED)


def of(requests: List[BadRequest], category: str) -> List[BadRequest]:
    found = [request for request in requests if request.category == category]
    assert found, f"no request of category {category}"
    return found


def parsed(body: bytes) -> Optional[Any]:
    """The body as Python's strict JSON parser reads it; None when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def text(request: BadRequest) -> str:
    return request.body.decode("utf-8")


def header(request: BadRequest, name: str) -> Optional[str]:
    return next((value for key, value in request.headers.items() if key.lower() == name), None)


def authorised(request: BadRequest) -> bool:
    """The backend's rule: scheme `Bearer` (any case), then the token."""
    scheme, _, token = (header(request, "authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and token.strip() == TOKEN


def string_field(payload: Mapping[str, Any], name: str, required: bool = True) -> Optional[str]:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidInput(name)
    return value


def check_ticket(payload: Mapping[str, Any]) -> None:
    if string_field(payload, "subject") not in TICKET_SUBJECTS:
        raise InvalidInput("subject")
    if len(string_field(payload, "body")) > MAX_TICKET_BODY:
        raise InvalidInput("body")
    normalise_email(string_field(payload, "email"))
    if not 0 < len(string_field(payload, "conversation_id")) <= MAX_CONVERSATION_ID:
        raise InvalidInput("conversation_id")
    customer_id = string_field(payload, "customer_id", required=False)
    if customer_id is not None:
        normalise_customer_id(customer_id)


def check_password_email(payload: Mapping[str, Any]) -> None:
    normalise_email(string_field(payload, "email"))
    conversation_id = string_field(payload, "conversation_id", required=False)
    if conversation_id is not None and not 0 < len(conversation_id) <= MAX_CONVERSATION_ID:
        raise InvalidInput("conversation_id")


def is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_legitimate_write(request: BadRequest) -> bool:
    """A POST to a writing route, with the right token and a body the contract accepts."""
    checks = {"/tickets": check_ticket, "/password-emails": check_password_email}
    if request.method != "POST" or request.path not in checks or not authorised(request):
        return False
    payload = parsed(request.body)
    if not isinstance(payload, dict) or not all(
        is_unicode(value) for value in payload.values() if isinstance(value, str)
    ):
        return False
    try:
        checks[request.path](payload)
    except InvalidInput:
        return False
    return True


def test_counts(chat: List[BadRequest], backend: List[BadRequest]) -> None:
    assert (len(chat), len(backend)) == (1000, 300)
    assert len(chat_requests(SEED, count=1234)) == 1234
    assert chat_requests(SEED, count=0) == []


def test_backend_needs_the_valid_token() -> None:
    with pytest.raises(ValueError):
        backend_requests("")


def test_same_seed_same_requests(chat: List[BadRequest], backend: List[BadRequest]) -> None:
    assert chat_requests(SEED) == chat
    assert backend_requests(TOKEN, SEED) == backend


def test_other_seed_other_requests(chat: List[BadRequest], backend: List[BadRequest]) -> None:
    other_chat, other_backend = chat_requests(SEED + 1), backend_requests(TOKEN, SEED + 1)
    assert categories(other_chat) == categories(chat)
    # Not only the ids: the seeded French words differ too.
    assert [r.body for r in of(other_chat, "huge")] != [r.body for r in of(chat, "huge")]
    assert other_backend != backend


@pytest.mark.parametrize(
    "service, names", [("chat", CHAT_CATEGORIES), ("backend", BACKEND_CATEGORIES)]
)
def test_every_category_present_and_balanced(
    request: pytest.FixtureRequest, service: str, names: List[str]
) -> None:
    counts = categories(request.getfixturevalue(service))
    assert list(counts) == names
    assert max(counts.values()) - min(counts.values()) <= 1


def test_sender_ids(chat: List[BadRequest]) -> None:
    """`bad-<seed>-<index>`, one per request, except where the sender itself is the attack."""
    senders, broken = [], []
    for index, request in enumerate(chat):
        own = f"bad-{SEED}-{index}"
        mentioned = re.findall(rb"bad-%d-\d+" % SEED, request.body)
        assert all(own.encode().startswith(m) for m in mentioned), request  # or truncated
        payload = parsed(request.body)
        sender = payload.get("sender", "missing") if isinstance(payload, dict) else None
        if request.category == "broken_sender":
            assert sender != own
            broken.append(sender)
        elif isinstance(payload, dict):
            assert sender == own, request
            senders.append(sender)
    assert len(senders) == len(set(senders)) >= 700
    assert {"missing", None, 42, ""} <= set(s for s in broken if not isinstance(s, (dict, list)))
    assert max(len(s) for s in broken if isinstance(s, str)) >= 10_000


@pytest.mark.parametrize("category", ["lone_surrogate_escape", "invalid_utf8"])
def test_sender_id_in_raw_bodies(chat: List[BadRequest], category: str) -> None:
    for request in of(chat, category):
        index = chat.index(request)
        assert b'"sender": "bad-%d-%d"' % (SEED, index) in request.body


@pytest.mark.parametrize("category, length", [("huge", 100_000), ("long", 10_000)])
def test_long_messages(chat: List[BadRequest], category: str, length: int) -> None:
    for request in of(chat, category):
        message = parsed(request.body)["message"]
        assert len(message) >= length and len(message.split()) > length // 20


@pytest.mark.parametrize(
    "category, check",
    [
        ("empty", lambda message: message == ""),
        ("whitespace", lambda message: message and not message.strip()),
        ("control_chars", lambda message: any(ord(c) < 0x20 or c == "\x7f" for c in message)),
        ("emoji", lambda message: any(ord(c) > 0xFFFF or c == "\u20e3" for c in message)),
        (
            "rtl",
            lambda message: any(
                unicodedata.bidirectional(c) in ("R", "AL", "RLO", "RLE", "RLI") for c in message
            ),
        ),
        ("html_script", lambda message: "<" in message or "javascript:" in message),
        ("sql", lambda message: re.search(r"DROP|OR 1=1|UNION|DELETE|SLEEP|' OR '", message)),
        ("shell", lambda message: re.search(r"\$\(|`|; cat|\| nc|&&", message)),
        ("format_string", lambda message: re.search(r"[{%$#]", message)),
    ],
)
def test_message_contents(
    chat: List[BadRequest], category: str, check: Callable[[str], Any]
) -> None:
    for request in of(chat, category):
        assert check(parsed(request.body)["message"]), request.body[:200]


@pytest.mark.parametrize(
    "category, needles",
    [
        ("zero_width", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]),
        ("null_bytes", ["\\u0000", "\x00"]),
    ],
)
def test_invisible_characters(chat: List[BadRequest], category: str, needles: List[str]) -> None:
    bodies = [text(request) for request in of(chat, category)]
    assert all(any(needle in body for needle in needles) for body in bodies)
    assert all(any(needle in body for body in bodies) for needle in needles)


@pytest.mark.parametrize("service", ["chat", "backend"])
def test_lone_surrogate_bodies(request: pytest.FixtureRequest, service: str) -> None:
    for bad in of(request.getfixturevalue(service), "lone_surrogate_escape"):
        assert SURROGATE_ESCAPE.search(bad.body), bad.body
        text(bad)  # the body itself is valid UTF-8: only the escape is wrong
        strings = [v for v in parsed(bad.body).values() if isinstance(v, str)]
        assert not all(map(is_unicode, strings))


@pytest.mark.parametrize("service", ["chat", "backend"])
def test_invalid_utf8_bodies(request: pytest.FixtureRequest, service: str) -> None:
    for bad in of(request.getfixturevalue(service), "invalid_utf8"):
        with pytest.raises(UnicodeDecodeError):
            text(bad)


def test_deep_nesting(chat: List[BadRequest], backend: List[BadRequest]) -> None:
    for request in of(chat, "nested_deep") + of(backend, "nested_deep"):
        assert b"[" * 10_000 in request.body or b'{"a": ' * 10_000 in request.body


def test_chat_content_types(chat: List[BadRequest]) -> None:
    types = {
        (header(r, "content-type") or "none").split(";")[0] for r in of(chat, "wrong_content_type")
    }
    assert types == {
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "none",
        "application/xml",
        "application/json",
    }


def test_forged_auth_tokens(chat: List[BadRequest]) -> None:
    tokens = [parsed(r.body)["metadata"]["auth_token"] for r in of(chat, "forged_auth_token")]
    headers = [
        json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "=="))
        for t in tokens
        if isinstance(t, str) and t.count(".") == 2 and len(t) > 20
    ]
    assert {"alg": "none", "typ": "JWT"} in headers
    assert max(len(t) for t in tokens if isinstance(t, str)) >= 100_000


def test_chat_methods(chat: List[BadRequest]) -> None:
    assert {r.method for r in of(chat, "wrong_method")} == {"GET", "PUT", "DELETE", "PATCH"}
    assert {r.method for r in chat if r.category != "wrong_method"} == {"POST"}


@pytest.mark.parametrize("fragment", FORBIDDEN_IN_CHAT_PATHS)
def test_chat_never_leaves_the_webhook(chat: List[BadRequest], fragment: str) -> None:
    for request in chat:
        assert fragment not in request.path.lower()
        route = re.sub("/+", "/", unquote(request.path.split("?", 1)[0])).rstrip("/")
        assert route == WEBHOOK, request.path


def test_backend_only_targets_its_routes(backend: List[BadRequest]) -> None:
    for request in backend:
        assert BACKEND_ROUTE.fullmatch(request.path), request.path[:200]
        assert not {".", ".."} & set(request.path.split("/")), request.path


@pytest.mark.parametrize("service", ["chat", "backend"])
def test_sendable_as_is(request: pytest.FixtureRequest, service: str) -> None:
    """Paths are encoded ASCII and headers latin-1 on one line, as http.client needs them."""
    for bad in request.getfixturevalue(service):
        assert bad.path.startswith("/") and bad.path.isascii()
        assert bad.path.isprintable() and " " not in bad.path
        for name, value in bad.headers.items():
            value.encode("latin-1")
            assert not re.search(r"[\r\n]", name + value)


@pytest.mark.parametrize(
    "category, path_check",
    [
        ("path_null_bytes", lambda path: "%00" in path),
        ("path_long", lambda path: len(path) > 10_000),
        ("path_traversal", lambda path: re.search(r"\.\.|/etc/", unquote(unquote(path)))),
        ("path_unicode", lambda path: re.search(r"%[C-F][0-9A-F]", path)),
        ("path_sql", lambda path: re.search("'|;|UNION", unquote(path))),
    ],
)
def test_backend_path_attacks(
    backend: List[BadRequest], category: str, path_check: Callable[[str], Any]
) -> None:
    for request in of(backend, category):
        assert request.method == "GET" and authorised(request)
        assert path_check(request.path), request.path[:200]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer ",
        "Bearer",
        f"Bearer {TOKEN}\x00",
        f"Token {TOKEN}",
        "Basic " + base64.b64encode(f"api:{TOKEN}".encode()).decode(),
        f"bearer {TOKEN}",
    ],
)
def test_auth_attacks(backend: List[BadRequest], authorization: Optional[str]) -> None:
    sent = [header(r, "authorization") for r in backend if r.category.startswith("auth_")]
    assert authorization in sent


def test_auth_attacks_rejected_or_read_only(backend: List[BadRequest]) -> None:
    for request in backend:
        if request.category == "auth_lowercase_scheme":
            assert authorised(request) and request.method == "GET"
            assert request.path.startswith("/customers/")
            assert not header(request, "authorization").startswith("Bearer ")
        elif request.category.startswith("auth_"):
            assert not authorised(request), request.headers
    longest = max(len(header(r, "authorization") or "") for r in of(backend, "auth_malformed"))
    assert longest >= 10_240


def test_write_categories_are_exactly_the_legitimate_writes(backend: List[BadRequest]) -> None:
    for index, request in enumerate(backend):
        assert is_legitimate_write(request) == request.category.startswith("write_"), (
            request.category,
            request.method,
            request.path,
            request.body[:300],
        )
        if request.category.startswith("write_"):
            conversation_id = parsed(request.body).get("conversation_id")
            if request.path == "/tickets" or conversation_id is not None:
                assert conversation_id == f"bad-{SEED}-{index}"


def test_writes_have_hostile_content(backend: List[BadRequest]) -> None:
    bodies = [parsed(r.body)["body"] for r in of(backend, "write_ticket_markup")]
    assert any("<script>" in body for body in bodies)
    emails = {parsed(r.body)["email"] for r in of(backend, "write_ticket_weird_email")}
    assert "<script>alert(1)</script>@example.org" in emails


# --- the web server, the action server and Rasa's HTTP API ---------------------------------

ACCESS = WebAccess("http://127.0.0.1:8000", "agent-cookie", "csrf-token-0123", "helpdesk-0123")
RASA_TOKEN, ACTION_TOKEN = "rasa-token-0123", "action-token-0123"
WRITING_ACTIONS = {
    "action_open_deletion_ticket",
    "action_open_duplicate_ticket",
    "action_leave_message",
    "action_send_password_email",
}
RASA_READ_ROUTES = re.compile(
    r"/model/parse|/status|/version|/|/domain|/conversations/[^/]+/(tracker|story)"
)


@pytest.fixture(scope="module")
def services() -> Mapping[str, List[BadRequest]]:
    return {
        "web": web_requests(ACCESS, SEED),
        "actions": action_requests(ACTION_TOKEN, SEED),
        "rasa_api": rasa_api_requests(RASA_TOKEN, SEED),
    }


def test_the_other_tables_need_their_credentials() -> None:
    with pytest.raises(ValueError):
        action_requests("")
    with pytest.raises(ValueError):
        rasa_api_requests("")
    with pytest.raises(ValueError):
        web_requests(WebAccess("http://127.0.0.1:8000", "c", "", "t"))


def test_the_other_tables_are_seeded_and_balanced(services) -> None:
    assert [len(r) for r in services.values()] == [400, 300, 300]
    assert web_requests(ACCESS, SEED) == services["web"]
    assert action_requests(ACTION_TOKEN, SEED) == services["actions"]
    assert rasa_api_requests(RASA_TOKEN, SEED) == services["rasa_api"]
    assert action_requests(ACTION_TOKEN, SEED + 1) != services["actions"]
    for requests_ in services.values():
        counts = categories(requests_)
        assert max(counts.values()) - min(counts.values()) <= 1


@pytest.mark.parametrize(
    "service, category, allowed",
    [
        ("actions", "no_token", (401,)),
        ("actions", "not_json", (400,)),
        ("rasa_api", "no_token", (401,)),
        ("rasa_api", "parse_malformed_json", (400,)),
        ("web", "cross_site", (403, 404)),
        ("web", "agent_csrf", (403,)),
    ],
)
def test_refusals_are_attached_to_their_requests(services, service, category, allowed) -> None:
    for request in of(services[service], category):
        assert request.allowed == allowed
        assert unexpected(request, 500) and unexpected(request, 200)
        assert not unexpected(request, allowed[0])
    assert all(not r.allowed for r in of(services["web"], "write_chat_message"))


def token_of(request: BadRequest) -> Optional[str]:
    match = re.search(r"[?&]token=([^&]*)", request.path)
    return unquote(match.group(1)) if match else None


def test_rasa_api_gets_its_token_on_reading_routes_only(services) -> None:
    for request in services["rasa_api"]:
        if token_of(request) == RASA_TOKEN:
            route = request.path.split("?")[0]  # still encoded: an odd id is one segment
            assert RASA_READ_ROUTES.fullmatch(route) or request.category == "wrong_method", route
            assert request.method in {"GET", "POST", "PUT", "DELETE", "PATCH"}
            if request.method in {"PUT", "DELETE", "PATCH"}:
                assert request.category == "wrong_method"
        if request.category in {"no_token", "wrong_token"}:
            assert token_of(request) != RASA_TOKEN


def test_action_calls_with_the_token_never_name_a_writing_action(services) -> None:
    for request in services["actions"]:
        payload = parsed(request.body)
        if isinstance(payload, dict) and isinstance(payload.get("next_action"), str):
            assert payload["next_action"].strip() not in WRITING_ACTIONS
        if request.category in {"no_token", "wrong_token"}:
            assert header(request, "authorization") != f"Bearer {ACTION_TOKEN}"


def test_the_web_table_processes_no_real_ticket(services) -> None:
    for request in services["web"]:
        match = re.fullmatch(r"/agent/api/tickets/([^/]+)/process", request.path)
        if match:
            assert unquote(match.group(1)) in {"T-00000000", *ODD_REFERENCES}, request.path
    own = [r for r in of(services["web"], "write_chat_message")]
    assert all(header(r, "origin") == ACCESS.origin for r in own)
    for request in of(services["web"], "cross_site"):
        from_our_page = header(request, "origin") in (ACCESS.origin, None) and header(
            request, "sec-fetch-site"
        ) in ("same-origin", None)
        valid_bearer = header(request, "authorization") == f"Bearer {ACCESS.api_token}"
        assert not (from_our_page and valid_bearer), request.headers


@pytest.mark.parametrize("service", ["web", "actions", "rasa_api"])
def test_the_other_tables_are_sendable_as_is(services, service) -> None:
    for bad in services[service]:
        assert bad.path.startswith("/") and bad.path.isascii()
        assert bad.path.isprintable() and " " not in bad.path
        for name, value in bad.headers.items():
            value.encode("latin-1")
            assert not re.search(r"[\r\n]", name + value)
