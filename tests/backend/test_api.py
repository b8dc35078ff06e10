"""The HTTP API, through a real `python -m bot.backend serve` process (one per database)."""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
from sqlalchemy import func, select

from bot.backend.digests import sha256_hex
from bot.backend.models import EmailRequest, OutboxMessage, Ticket
from tests.support.backend import SHOP_URL, RunningBackend, running_backend

MARIE = "marie.durand@example.com"
JEAN = "jean.martin@example.com"
REFERENCE = r"T-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}"


@pytest.fixture(scope="module")
def server(module_database_url: str, tmp_path_factory) -> Iterator[RunningBackend]:
    with running_backend(module_database_url, tmp_path_factory.mktemp("logs")) as running:
        yield running


def unique(prefix: str) -> str:
    """Tests share one server: their tickets and addresses must not meet."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def ticket(**fields: Any) -> Dict[str, Any]:
    payload = {
        "subject": "Autre motif",
        "email": f"{unique('client')}@example.com",
        "customer_id": "C1000001",
        "body": "Ma commande est incomplète.",
        "conversation_id": unique("conversation"),
    }
    return {name: value for name, value in {**payload, **fields}.items() if value is not None}


def assert_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == code
    assert "Traceback" not in response.text


def test_health_needs_no_token(server: RunningBackend) -> None:
    response = requests.get(f"{server.url}/health", timeout=10)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("typed", ["C1000001", "c1000001", "1000001"])
def test_customer(server: RunningBackend, typed: str) -> None:
    response = server.call("GET", f"/customers/{typed}")
    assert response.status_code == 200
    customer = response.json()
    assert set(customer) == {
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "created_at",
        "last_login_at",
        "status",
    }
    assert (
        customer["customer_id"],
        customer["first_name"],
        customer["email"],
        customer["status"],
    ) == ("C1000001", "Marie", MARIE, "active")
    for field in ("created_at", "last_login_at"):
        assert datetime.fromisoformat(customer[field]).utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "customer_id, kinds",
    [
        ("C1000001", ["delivery", "billing"]),
        ("C1000003", []),
        ("C1000005", ["delivery"]),
    ],
)
def test_addresses(server: RunningBackend, customer_id: str, kinds: List[str]) -> None:
    response = server.call("GET", f"/customers/{customer_id}/addresses")
    assert response.status_code == 200
    addresses = response.json()["addresses"]
    assert [address["kind"] for address in addresses] == kinds
    for address in addresses:
        assert set(address) == {
            "id",
            "kind",
            "name",
            "line1",
            "line2",
            "postcode",
            "city",
            "country",
        }


@pytest.mark.parametrize(
    "customer_id, shipped",
    [
        ("C1000001", [False, True]),
        ("C1000002", [True]),
        ("C1000003", [True]),
        ("C1000004", [False]),
        ("C1000005", []),
    ],
)
def test_orders(server: RunningBackend, customer_id: str, shipped: List[bool]) -> None:
    response = server.call("GET", f"/customers/{customer_id}/orders")
    assert response.status_code == 200
    orders = response.json()["orders"]
    assert [order["shipped_at"] is not None for order in orders] == shipped
    placed = [datetime.fromisoformat(order["placed_at"]) for order in orders]
    assert placed == sorted(placed, reverse=True)
    for order in orders:
        assert order["total_eur"].count(".") == 1 and len(order["total_eur"].split(".")[1]) == 2
        invoice = order["invoice"]
        if order["shipped_at"] is None:
            assert invoice is None
        else:
            assert invoice["url"] == f"{SHOP_URL}/mon-compte/factures/{invoice['number']}.pdf"
            assert invoice["issued_at"][:10] == order["shipped_at"][:10]


@pytest.mark.parametrize("suffix", ["", "/addresses", "/orders"])
def test_unknown_customer(server: RunningBackend, suffix: str) -> None:
    assert_error(server.call("GET", f"/customers/C9999999{suffix}"), 404, "not_found")


@pytest.mark.parametrize("typed", ["abc", "C12", "C1000001x", "D1000001"])
def test_malformed_customer_number(server: RunningBackend, typed: str) -> None:
    assert_error(server.call("GET", f"/customers/{typed}"), 400, "bad_request")


def test_unknown_route(server: RunningBackend) -> None:
    assert_error(server.call("GET", "/customers"), 404, "not_found")
    assert_error(server.call("GET", "/nowhere"), 404, "not_found")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/tickets"),
        ("GET", "/password-emails"),
        ("DELETE", "/customers/C1000001"),
        ("POST", "/health"),
    ],
)
def test_wrong_method(server: RunningBackend, method: str, path: str) -> None:
    assert_error(server.call(method, path), 405, "method_not_allowed")


PROTECTED = [
    ("GET", "/customers/C1000001"),
    ("GET", "/customers/C1000001/addresses"),
    ("GET", "/customers/C1000001/orders"),
    ("POST", "/tickets"),
    ("POST", "/password-emails"),
]


@pytest.mark.parametrize("method, path", PROTECTED)
@pytest.mark.parametrize(
    "authorization, status, code",
    [
        (None, 401, "unauthorized"),
        ("Basic dXNlcjpwYXNz", 401, "unauthorized"),
        ("Bearer", 401, "unauthorized"),
        ("Bearer not-the-token", 403, "forbidden"),
    ],
)
def test_authentication(
    server: RunningBackend,
    method: str,
    path: str,
    authorization: Optional[str],
    status: int,
    code: str,
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.request(
        method, server.url + path, headers=headers, json=ticket(), timeout=10
    )
    assert_error(response, status, code)


@pytest.mark.parametrize(
    "path, body",
    [
        pytest.param("/tickets", "[1, 2]", id="JSON not an object"),
        pytest.param("/tickets", "{not json", id="not JSON"),
        pytest.param("/tickets", "", id="no body"),
        pytest.param("/tickets", ticket(subject=None), id="missing subject"),
        pytest.param("/tickets", ticket(subject="Réclamation"), id="unknown subject"),
        pytest.param("/tickets", ticket(email="marie.durand@"), id="invalid e-mail"),
        pytest.param("/tickets", ticket(email=["a@b.fr"]), id="e-mail not a string"),
        pytest.param("/tickets", ticket(customer_id="X1000001"), id="bad customer number"),
        pytest.param("/tickets", ticket(customer_id=1000001), id="customer number not a string"),
        pytest.param("/tickets", ticket(body="x" * 5001), id="body too long"),
        pytest.param("/tickets", ticket(conversation_id="c" * 201), id="conversation id too long"),
        pytest.param(
            "/password-emails", '"marie.durand@example.com"', id="address not in an object"
        ),
        pytest.param("/password-emails", {"email": "pas-une-adresse"}, id="invalid address"),
        pytest.param("/password-emails", {}, id="missing address"),
        pytest.param(
            "/password-emails",
            {"email": MARIE, "conversation_id": 12},
            id="conversation id not a string",
        ),
    ],
)
def test_bad_request(server: RunningBackend, path: str, body: Any) -> None:
    sent = {"data": body.encode()} if isinstance(body, str) else {"json": body}
    assert_error(server.call("POST", path, **sent), 400, "bad_request")


@pytest.mark.parametrize(
    "path, raw",
    [
        pytest.param(
            "/tickets",
            b'{"subject": "Autre motif", "email": "a@b.fr", "body": "\\ud800", '
            b'"conversation_id": "c"}',
            id="lone surrogate escape",
        ),
        pytest.param(
            "/tickets",
            b'{"subject": "Autre motif", "email": "a@b.fr", "body": "a\\u0000b", '
            b'"conversation_id": "c"}',
            id="NUL character",
        ),
        pytest.param("/password-emails", b'{"email": "\xff\xfe@b.fr"}', id="invalid UTF-8"),
        pytest.param("/password-emails", b"[" * 100_000 + b"]" * 100_000, id="nested too deep"),
    ],
)
def test_bodies_the_database_could_not_store_are_refused(
    server: RunningBackend, path: str, raw: bytes
) -> None:
    assert_error(server.call("POST", path, data=raw), 400, "bad_request")


def test_ticket_is_opened_once_per_conversation_and_subject(server: RunningBackend) -> None:
    payload = ticket(body="x" * 5000)
    first = server.call("POST", "/tickets", json=payload)
    assert first.status_code == 201
    opened = first.json()
    assert set(opened) == {
        "reference",
        "subject",
        "status",
        "created_at",
        "verification",
        "created",
    }
    assert (opened["subject"], opened["status"], opened["created"]) == ("Autre motif", "open", True)
    assert re.fullmatch(REFERENCE, opened["reference"])

    again = server.call("POST", "/tickets", json=payload)
    assert again.status_code == 200
    assert again.json() == {**opened, "created": False}
    # Another conversation never learns the reference of a ticket it did not open.
    same_address = server.call("POST", "/tickets", json={**payload, "conversation_id": "other"})
    assert same_address.status_code == 201
    assert same_address.json()["reference"] != opened["reference"]

    deletion = server.call(
        "POST", "/tickets", json={**payload, "subject": "Suppression compte", "customer_id": None}
    )
    assert deletion.status_code == 201 and deletion.json()["reference"] != opened["reference"]


def test_concurrent_identical_requests_open_one_ticket(server: RunningBackend) -> None:
    payload = ticket(subject="Suppression compte")
    start = threading.Barrier(20)

    def post(_: int) -> requests.Response:
        start.wait(timeout=10)
        return server.call("POST", "/tickets", json=payload)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))
    assert sorted(response.status_code for response in responses) == [200] * 19 + [201]
    assert len({response.json()["reference"] for response in responses}) == 1
    with server.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.conversation_id == payload["conversation_id"])
        )
    assert count == 1


def request_password_email(server: RunningBackend, email: str) -> requests.Response:
    return server.call(
        "POST", "/password-emails", json={"email": email, "conversation_id": unique("conversation")}
    )


def test_password_answers_do_not_tell_whether_an_account_exists(server: RunningBackend) -> None:
    answers = [
        request_password_email(server, email)
        for email in (MARIE, JEAN, f"{unique('nobody')}@example.com")
    ]
    comparable = {(r.status_code, r.reason, tuple(r.headers.items()), r.content) for r in answers}
    assert len(comparable) == 1
    assert (answers[0].status_code, answers[0].json()) == (202, {"status": "accepted"})


def outbox_after(server: RunningBackend, message_id: int) -> List[OutboxMessage]:
    with server.sessions() as session:
        return session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > message_id).order_by(OutboxMessage.id)
        ).all()


@pytest.mark.parametrize(
    "email, subject, phrases",
    [
        pytest.param(
            MARIE,
            "Renouvelez votre mot de passe",
            ["Bonjour Marie,", f"{SHOP_URL}/mot-de-passe/reinitialiser?token="],
            id="active account",
        ),
        pytest.param(
            "Jean.Martin@Example.com",
            "Votre compte 123Roulement",
            ["3 ans d'inactivité", "RGPD", "« Connectez-vous »", "« nouveau client »"],
            id="inactive account",
        ),
        pytest.param("personne@example.com", None, [], id="no account"),
    ],
)
def test_password_email_sent(
    server: RunningBackend, email: str, subject: Optional[str], phrases: List[str]
) -> None:
    with server.sessions() as session:
        last_id = session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    assert request_password_email(server, email).status_code == 202
    messages = outbox_after(server, last_id)
    if subject is None:
        assert messages == []
        return
    [message] = messages
    assert (message.to, message.subject, message.sent_at) == (email.lower(), subject, None)
    for phrase in phrases:
        assert phrase in message.body


def test_rate_limit(server: RunningBackend) -> None:
    email = f"{unique('limit')}@example.com"
    assert [request_password_email(server, email).status_code for _ in range(3)] == [202] * 3
    limited = request_password_email(server, email.upper())
    assert_error(limited, 429, "rate_limited")
    assert 3500 <= int(limited.headers["Retry-After"]) <= 3600


def test_rate_limit_holds_under_concurrent_requests(server: RunningBackend) -> None:
    email = f"{unique('burst')}@example.com"
    start = threading.Barrier(10)

    def post(_: int) -> int:
        start.wait(timeout=10)
        return request_password_email(server, email).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(post, range(10)))
    assert statuses == [202] * 3 + [429] * 7
    with server.sessions() as session:
        counted = session.scalar(
            select(func.count())
            .select_from(EmailRequest)
            .where(EmailRequest.email_hash == sha256_hex(email))
        )
    assert counted == 3


def test_unavailable_database(tmp_path) -> None:
    """The SQLite folder disappears under a running server: new connections fail."""
    folder = tmp_path / "database"
    with running_backend(f"sqlite:///{folder / 'backend.db'}", tmp_path / "logs") as server:
        shutil.rmtree(folder)
        assert_error(requests.get(f"{server.url}/health", timeout=10), 503, "unavailable")
        assert_error(server.call("GET", "/customers/C1000001"), 503, "unavailable")
