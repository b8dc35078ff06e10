"""The web server's JSON routes (docs/web-api.md), with the whole bot behind it."""

import dataclasses
import re

import pytest
import requests
import sqlalchemy

from bot.domain.messages import MAX_MESSAGE_LENGTH
from bot.ops.stack import web_spec
from bot.ops.supervisor import free_port
from tests.support.stack import assert_nothing_left, started, texts


@pytest.fixture
def browser_session(web_url):
    """A cookie jar, as one browser has."""
    session = requests.Session()
    session.base_url = web_url
    return session


def post(session, path, body=None, **kwargs):
    return session.post(
        session.base_url + path, json=body if body is not None else {}, timeout=30, **kwargs
    )


def get(session, path, **kwargs):
    return session.get(session.base_url + path, timeout=30, **kwargs)


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
    response = requests.request(method, production_web_url + path, json=body, timeout=30)
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
    login = {
        "username": stack_settings.web.agent_username,
        "password": stack_settings.web.agent_password,
    }
    assert post(browser_session, "/agent/login", login).status_code == 200
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


def test_agent_low_confidence_is_shown_as_such(browser_session, stack_settings):
    login = {
        "username": stack_settings.web.agent_username,
        "password": stack_settings.web.agent_password,
    }
    post(browser_session, "/agent/login", login)
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
    login = {
        "username": stack_settings.web.agent_username,
        "password": stack_settings.web.agent_password,
    }
    post(browser_session, "/agent/login", login)
    process = f"/agent/api/tickets/{ticket['reference']}/process"
    refused = post(browser_session, process)
    assert refused.status_code == 409 and "« non vérifiée »" in refused.json()["message"]

    link = deletion_link_sent_to(stack_settings, address)
    customer = requests.Session()
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
