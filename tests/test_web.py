"""The web server's JSON routes (docs/web-api.md), with the whole bot behind it."""

import dataclasses
import json
import re
import secrets
import time
from urllib.parse import quote

import jwt
import pytest
import requests
import sqlalchemy
from argon2 import PasswordHasher

from bot.domain.messages import MAX_MESSAGE_LENGTH
from bot.domain.tokens import InvalidToken, verify_token
from bot.ops.stack import web_spec
from bot.ops.supervisor import free_port
from bot.web.routes import state_changing_routes
from tests.support.stack import RESULTS, assert_nothing_left, started, texts
from tests.support.web import agent_login, browser_like, get, post


@pytest.fixture
def browser_session(web_url):
    return browser_like(web_url)


def test_pages_are_served_with_a_strict_content_policy(browser_session):
    for path in ("/", "/agent", "/static/widget.js"):
        response = get(browser_session, path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_chat_round_trip_and_history(browser_session):
    replies = post(
        browser_session, "/chat/messages", {"message": "jai oublier mon mot de pass"}
    ).json()
    assert "« Mot de passe oublié ? »" in texts(replies["replies"][:1])
    post(browser_session, "/chat/messages", {"message": "/deny"})
    history = get(browser_session, "/chat/history").json()["messages"]
    assert history[0] == {"from": "user", "text": "jai oublier mon mot de pass"}
    # A clicked button shows as its title, not as its payload.
    assert {"from": "user", "text": "Non, merci"} in history
    assert history[1]["from"] == "bot"


def test_new_conversation_starts_empty(browser_session):
    post(browser_session, "/chat/messages", {"message": "bonjour"})
    assert get(browser_session, "/chat/history").json()["messages"]
    assert post(browser_session, "/chat/reset").status_code == 204
    assert get(browser_session, "/chat/history").json()["messages"] == []


@pytest.mark.parametrize("message", ["", "   ", "x" * (MAX_MESSAGE_LENGTH + 1)])
def test_bad_messages_get_a_clear_answer(browser_session, message):
    response = post(browser_session, "/chat/messages", {"message": message})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and response.json()["message"]


def test_error_sentences_follow_french_typography(browser_session):
    response = post(browser_session, "/chat/messages", {"message": " "})
    assert response.json()["message"] == "Votre message est vide\u00a0: écrivez votre question."
    too_long = post(browser_session, "/chat/messages", {"message": "x" * (MAX_MESSAGE_LENGTH + 1)})
    assert too_long.json()["message"].endswith("Pouvez-vous le raccourcir\u00a0?")
    page = get(browser_session, "/suppression-compte/confirmer?token=abc")
    assert "fermez simplement cette page\u00a0: votre compte" in page.text


@pytest.mark.parametrize("message", ["\u200b", "\u200b\u200d\ufeff \u2060", "\x00\x07"])
def test_a_message_of_invisible_characters_only_is_empty(browser_session, message):
    response = post(browser_session, "/chat/messages", {"message": message})
    assert response.status_code == 400
    assert "Votre message est vide" in response.json()["message"]


def test_form_posts_from_other_sites_are_refused(browser_session):
    response = browser_session.post(
        browser_session.base_url + "/chat/messages", data={"message": "bonjour"}, timeout=30
    )
    assert response.status_code == 415


def test_demo_login_makes_the_bot_personal(browser_session):
    customers = get(browser_session, "/demo/customers").json()["customers"]
    assert {"customer_id": "C1000001", "name": "Marie Durand"} in customers
    assert post(browser_session, "/demo/login", {"customer_id": "C1000001"}).status_code == 200
    assert get(browser_session, "/demo/me").json()["customer"]["customer_id"] == "C1000001"
    replies = post(browser_session, "/chat/messages", {"message": "où est ma facture ?"}).json()
    assert "Voici vos commandes" in "\n".join(r["text"] for r in replies["replies"])
    post(browser_session, "/demo/logout")
    replies = post(browser_session, "/chat/messages", {"message": "où est ma facture ?"}).json()
    assert "Voici vos commandes" not in "\n".join(r["text"] for r in replies["replies"])


@pytest.fixture(scope="module")
def production_web_url(backend, stack_settings):
    """A web server configured as in production: demo mode off (the default)."""
    web = dataclasses.replace(stack_settings.web, port=free_port(), demo_mode=False)
    stack = started([web_spec(dataclasses.replace(stack_settings, web=web))], logs="logs-prod")
    with stack:
        yield web.url
    assert_nothing_left(stack)


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/demo/customers", None),
        ("GET", "/demo/me", None),
        ("POST", "/demo/login", {"customer_id": "C1000001"}),
        ("POST", "/demo/logout", {}),
    ],
)
def test_demo_routes_do_not_exist_outside_demo_mode(production_web_url, method, path, body):
    response = requests.request(
        method, production_web_url + path, json=body, headers={"Origin": production_web_url}
    )
    assert response.status_code == 404
    assert "rb_session" not in response.cookies


def test_the_browser_cannot_choose_its_identity(browser_session):
    assert post(browser_session, "/demo/login", {"customer_id": "C9999999"}).status_code == 404
    browser_session.cookies.set("rb_session", "eyJhbGciOiJub25lIn0.eyJjdXN0b21lcl90b2tlbiI6IngifQ.")
    replies = post(browser_session, "/chat/messages", {"message": "où est ma facture ?"}).json()
    assert "Connectez-vous à votre compte client" in "\n".join(
        r["text"] for r in replies["replies"]
    )


def test_agent_assistant_requires_a_login(browser_session, stack_settings):
    body = {"message": "je trouve pas ma facture"}
    assert post(browser_session, "/agent/api/suggest", body).status_code == 401
    wrong = {"username": stack_settings.web.agent_username, "password": "wrong"}
    assert post(browser_session, "/agent/login", wrong).status_code == 401
    assert post(browser_session, "/agent/api/suggest", body).status_code == 401


def test_agent_gets_ranked_personalised_suggestions(browser_session, stack_settings):
    web = stack_settings.web
    assert agent_login(browser_session, web.agent_username, web.agent_password).status_code == 200
    data = post(
        browser_session,
        "/agent/api/suggest",
        {"message": "je trouve pas ma facture", "customer_id": "c1000001"},
    ).json()
    suggestions = data["suggestions"]
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0]["intent"] == "find_invoices" and not suggestions[0]["low_confidence"]
    assert suggestions[0]["topic"] == "Mes factures"
    assert all(s["confidence"] >= 0.02 for s in suggestions[1:])
    confidences = [s["confidence"] for s in suggestions]
    assert confidences == sorted(confidences, reverse=True)
    assert (
        "« Mes factures »" in texts(suggestions[:1])
        and "/mon-compte/factures/" in suggestions[0]["text"]
    )
    assert data["account"]["name"] == "Marie Durand" and data["account"]["last_login_at"]
    assert "02 808 18 02" in data["handover"] and "ouverte en ce moment" in data["handover"]


@pytest.mark.parametrize(
    "reference", ["..", "T-1' OR '1'='1", "<script>alert(1)</script>", "x" * 5_000, "t-00000000"]
)
def test_a_reference_that_is_no_ticket_reference_is_404(browser_session, stack_settings, reference):
    """The backend refused these with 400, which the web server told the agent as « service
    unavailable » (503): no ticket bears them."""
    web = stack_settings.web
    assert agent_login(browser_session, web.agent_username, web.agent_password).status_code == 200
    # Dots encoded too, so that no client folds ".." away before the server sees it.
    segment = quote(reference, safe="").replace(".", "%2E")
    response = post(browser_session, f"/agent/api/tickets/{segment}/process")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_assistant_takes_as_many_characters_as_its_page(browser_session, stack_settings):
    """The page's field holds 5,000 characters, as the error message says; the server took
    10,000, and Rasa's /model/parse no more than 5,000 (bot/rasa_ext/api_guard.py)."""
    web = stack_settings.web
    assert agent_login(browser_session, web.agent_username, web.agent_password).status_code == 200
    accepted = post(browser_session, "/agent/api/suggest", {"message": "facture " * 625})
    assert accepted.status_code == 200
    refused = post(browser_session, "/agent/api/suggest", {"message": "facture " * 626})
    assert refused.status_code == 400
    assert "5\u00a0000 caractères au plus" in refused.json()["message"]


def test_a_request_too_big_to_read_gets_an_answer(browser_session):
    """A request line or header over Sanic's 8 KB: the same-origin check refused Sanic's
    stand-in request while it answered, and the connection was dropped without a word."""
    response = get(browser_session, "/suppression-compte/confirmer?token=" + "x" * 9_000)
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/static/", "/static/widget.js%00.png", "/favicon.ico%00"])
def test_a_path_that_is_no_static_file_is_404(browser_session, path):
    """Sanic's static handler let a directory and a NUL byte through as a 500."""
    response = get(browser_session, path)
    assert response.status_code == 404


def test_agent_low_confidence_is_shown_as_such(browser_session, stack_settings):
    agent_login(
        browser_session, stack_settings.web.agent_username, stack_settings.web.agent_password
    )
    data = post(browser_session, "/agent/api/suggest", {"message": "zzkq"}).json()
    assert data["suggestions"]
    assert all(s["low_confidence"] == (s["confidence"] < 0.4) for s in data["suggestions"])


def deletion_link_sent_to(stack_settings, address: str) -> str:
    """The path and query of the last confirmation link e-mailed to `address`."""
    engine = sqlalchemy.create_engine(stack_settings.backend.database_url)
    with engine.connect() as connection:
        body = connection.execute(
            sqlalchemy.text('SELECT body FROM outbox WHERE "to" = :to ORDER BY id DESC LIMIT 1'),
            {"to": address},
        ).scalar_one()
    engine.dispose()
    return re.search(r"https?://[^/]+(/suppression-compte/confirmer\?token=[\w-]+)", body).group(1)


def test_a_deletion_is_processed_only_once_confirmed_by_the_e_mailed_link(
    browser_session, stack_settings
):
    address = "s.bernard@atelier-bernard.example.fr"
    ticket = requests.post(
        f"{stack_settings.backend.url}/tickets",
        json={
            "subject": "Suppression compte",
            "email": address,
            "body": "Demande",
            "conversation_id": "web-deletion-link",
        },
        headers={"Authorization": f"Bearer {stack_settings.backend.api_token}"},
        timeout=10,
    ).json()
    agent_login(
        browser_session, stack_settings.web.agent_username, stack_settings.web.agent_password
    )
    process = f"/agent/api/tickets/{ticket['reference']}/process"
    refused = post(browser_session, process)
    assert refused.status_code == 409 and "«\u00a0non vérifiée\u00a0»" in refused.json()["message"]

    link = deletion_link_sent_to(stack_settings, address)
    customer = browser_like(stack_settings.web.url)
    page = customer.get(stack_settings.web.url + link, timeout=10)
    assert page.status_code == 200 and 'id="confirm-deletion"' in page.text
    assert post(browser_session, process).status_code == 409, "opening the link verifies nothing"

    token = link.partition("token=")[2]
    confirm = stack_settings.web.url + "/suppression-compte/confirmer"
    done = customer.post(confirm, data={"token": token}, timeout=10)
    assert done.status_code == 200 and "Suppression confirmée" in done.text
    assert ticket["reference"] in done.text
    assert customer.post(confirm, data={"token": token}, timeout=10).status_code == 410
    processed = post(browser_session, process)
    assert processed.status_code == 200 and processed.json()["account_erased"] is True


# --- issue 12: session fixation, CSRF, agents' accounts ---------------------------------


def history_of(session) -> list:
    return get(session, "/chat/history").json()["messages"]


def test_log_in_and_log_out_each_start_a_new_conversation(browser_session):
    post(browser_session, "/chat/messages", {"message": "bonjour"})
    assert post(browser_session, "/demo/login", {"customer_id": "C1000001"}).status_code == 200
    assert history_of(browser_session) == [], "the conversation before the log-in is not hers"
    replies = post(browser_session, "/chat/messages", {"message": "où est ma facture ?"}).json()
    assert "Voici vos commandes" in texts(replies["replies"])
    assert history_of(browser_session)
    assert post(browser_session, "/demo/logout", {}).status_code == 204
    assert history_of(browser_session) == [], "her invoices are gone from the browser"
    assert post(browser_session, "/demo/login", {"customer_id": "C1000002"}).status_code == 200
    assert history_of(browser_session) == []


def test_a_cookie_copied_before_the_log_out_is_worth_nothing_after_it(web_url, stack_settings):
    """Someone who copied the cookies (a shared computer, a stolen cookie) before the
    customer or the agent logged out cannot use them after."""
    session = browser_like(web_url)
    post(session, "/demo/login", {"customer_id": "C1000001"})
    post(session, "/chat/messages", {"message": "où est ma facture ?"})
    web = stack_settings.web
    agent_login(session, web.agent_username, web.agent_password)
    copied = session.cookies.copy()
    assert post(session, "/demo/logout", {}).status_code == 204
    assert post(session, "/agent/logout", {}).status_code == 204
    replay = browser_like(web_url)
    replay.cookies = copied
    assert get(replay, "/demo/me").json()["customer"] is None
    assert history_of(replay) == []
    assert get(replay, "/agent/api/me").status_code == 401


def test_the_browser_holds_no_customer_token(browser_session, stack_settings):
    """The session cookie is signed, not encrypted: a customer token in it could be copied
    and used on Rasa's webhook until it expired, log-out or not."""
    assert post(browser_session, "/demo/login", {"customer_id": "C1000001"}).status_code == 200
    claims = jwt.decode(browser_session.cookies["rb_session"], options={"verify_signature": False})
    for value in json.dumps(claims).split('"'):
        with pytest.raises(InvalidToken):
            verify_token(value, stack_settings.tokens)


@pytest.mark.parametrize(
    "path", ["/chat/history", "/chat/messages", "/demo/me", "/agent/api/me", "/agent/api/suggest"]
)
def test_personal_data_is_never_cached(browser_session, stack_settings, path):
    web = stack_settings.web
    agent_login(browser_session, web.agent_username, web.agent_password)
    post(browser_session, "/demo/login", {"customer_id": "C1000001"})
    if path in ("/chat/messages", "/agent/api/suggest"):
        response = post(browser_session, path, {"message": "où est ma facture ?"})
    else:
        response = get(browser_session, path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain; application/json",
        "text/plain",
        "application/json-patch+json",
        "application/jsonx",
        "application/json; charset=latin-1",
        "application/json, text/plain",
        "multipart/form-data; boundary=application/json",
    ],
)
def test_only_json_bodies_are_accepted(browser_session, content_type):
    response = browser_session.post(
        browser_session.base_url + "/chat/messages",
        data=b'{"message": "bonjour"}',
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/json; charset=UTF-8"]
)
def test_json_with_or_without_its_charset_is_accepted(browser_session, content_type):
    response = browser_session.post(
        browser_session.base_url + "/chat/messages",
        data='{"message": "bonjour"}'.encode(),
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/chat/reset", "/demo/logout"])
def test_bodiless_posts_are_refused(browser_session, path):
    response = browser_session.post(browser_session.base_url + path, timeout=30)
    assert response.status_code == 415


# Every route of the app that changes something (bot/web/routes.py), the demo's included.
@pytest.mark.parametrize("path", state_changing_routes())
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
        {},
    ],
    ids=["other-origin", "null-origin", "cross-site", "same-site", "origin-wins", "no-header"],
)
def test_state_changing_requests_from_other_sites_are_refused(
    web_url, stack_settings, path, headers
):
    session = browser_like(web_url)
    web = stack_settings.web
    agent_login(session, web.agent_username, web.agent_password)
    post(session, "/demo/login", {"customer_id": "C1000001"})
    del session.headers["Origin"]
    response = session.post(
        web_url + path, json={"message": "bonjour", "customer_id": "C1000002"}, headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_same_origin_requests_are_recognised_by_either_header(web_url):
    for headers in ({"Origin": web_url}, {"Sec-Fetch-Site": "same-origin"}):
        response = requests.post(
            web_url + "/chat/messages", json={"message": "bonjour"}, headers=headers, timeout=30
        )
        assert response.status_code == 200, headers


def test_agent_routes_need_the_csrf_token_of_the_session(browser_session, stack_settings):
    web = stack_settings.web
    login = post(
        browser_session,
        "/agent/login",
        {"username": web.agent_username, "password": web.agent_password},
    )
    token = login.json()["csrf_token"]
    assert len(token) >= 32
    assert get(browser_session, "/agent/api/me").json()["csrf_token"] == token
    body = {"message": "je trouve pas ma facture"}
    assert post(browser_session, "/agent/api/suggest", body).status_code == 403
    forged = {"X-CSRF-Token": "x" * len(token)}
    assert post(browser_session, "/agent/api/suggest", body, headers=forged).status_code == 403
    for path in ("/agent/api/tickets/T-00000000/process", "/agent/logout"):
        assert post(browser_session, path).status_code == 403, path
    right = {"X-CSRF-Token": token}
    assert post(browser_session, "/agent/api/suggest", body, headers=right).status_code == 200
    assert post(browser_session, "/agent/logout", headers=right).status_code == 204


def test_a_lone_surrogate_in_the_agent_log_in_is_a_bad_request(browser_session):
    for body in (
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "a", "password": "\\udfff"}',
    ):
        response = browser_session.post(
            browser_session.base_url + "/agent/login",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 400, body


CAMILLE, DOMINIQUE = (
    "camille-" + secrets.token_urlsafe(12),
    "dominique-" + secrets.token_urlsafe(12),
)
HELPDESK_TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def agents_web(backend, bot_stack, stack_settings):
    """A web server of its own (its rate limits are its own) as an operator configures it:
    two named agents given by their password hashes, a help-desk token, 3-second log-ins."""
    hasher = PasswordHasher()
    web = dataclasses.replace(stack_settings.web, port=free_port())
    spec = web_spec(dataclasses.replace(stack_settings, web=web))
    spec = dataclasses.replace(
        spec,
        env={
            **spec.env,
            "AGENT_ACCOUNTS": f"camille:{hasher.hash(CAMILLE)} dominique:{hasher.hash(DOMINIQUE)}",
            "AGENT_API_TOKEN": HELPDESK_TOKEN,
            "CUSTOMER_TOKEN_LIFETIME_SECONDS": "3",
        },
    )
    stack = started([spec], logs="logs-agents")
    with stack:
        yield web.url
    assert_nothing_left(stack)


def test_an_expired_log_in_starts_a_new_conversation(agents_web):
    session = browser_like(agents_web)
    post(session, "/demo/login", {"customer_id": "C1000001"})
    post(session, "/chat/messages", {"message": "où est ma facture ?"})
    assert history_of(session)
    time.sleep(4)
    assert get(session, "/demo/me").json()["customer"] is None
    assert history_of(session) == []


def test_agents_log_in_with_their_own_names_and_their_actions_carry_them(
    agents_web, stack_settings
):
    session = browser_like(agents_web)
    assert agent_login(session, "camille", DOMINIQUE).status_code == 401
    # A password typed in the name field: refused, and never written to the log.
    assert agent_login(session, CAMILLE, "").status_code == 401
    assert agent_login(session, "camille", CAMILLE).status_code == 200
    assert get(session, "/agent/api/me").json()["agent"] == "camille"
    assert post(session, "/agent/api/suggest", {"message": "facture"}).status_code == 200
    ticket = requests.post(
        f"{stack_settings.backend.url}/tickets",
        json={
            "subject": "Autre motif",
            "email": "paul.petit@example.com",
            "body": "Deux comptes",
            "conversation_id": "web-named-agent",
        },
        headers={"Authorization": f"Bearer {stack_settings.backend.api_token}"},
        timeout=10,
    ).json()
    process = post(session, f"/agent/api/tickets/{ticket['reference']}/process")
    assert process.status_code == 200
    log = (RESULTS / "logs-agents" / "web.log").read_text(encoding="utf-8")
    assert f"agent camille processed ticket {ticket['reference']}" in log
    assert "agent camille asked for suggestions" in log
    assert "agent camille logged in" in log
    assert "agent log-in refused for camille" in log
    assert CAMILLE.lower() not in log.lower()


def test_help_desk_tools_call_the_api_with_the_bearer_token_and_no_browser_header(agents_web):
    response = requests.post(
        agents_web + "/agent/api/suggest",
        json={"message": "je trouve pas ma facture"},
        headers={"Authorization": f"Bearer {HELPDESK_TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 200


def test_agent_log_in_is_rate_limited_per_account_and_per_address(agents_web):
    """Run last on this server: it locks its loopback address out."""
    session = browser_like(agents_web)
    guesses = [agent_login(session, "dominique", f"guess-{i}") for i in range(12)]
    assert guesses[0].status_code == 401
    limited = [r for r in guesses if r.status_code == 429]
    assert limited, [r.status_code for r in guesses]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in limited)
    assert "Trop de tentatives" in limited[0].json()["message"]
    # Locked: even the right password waits, so guessing gains nothing.
    assert agent_login(session, "dominique", DOMINIQUE).status_code == 429
    # Spreading guesses over names: the address is limited too.
    statuses = [agent_login(session, f"nom{i}", "guess").status_code for i in range(30)]
    assert 429 in statuses
    assert agent_login(session, "camille", CAMILLE).status_code == 429
