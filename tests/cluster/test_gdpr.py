"""GDPR: erasing an account erases the conversations kept about its customer.

Runs on the cluster because only there does Rasa keep conversations in a database
(the default in-memory tracker store forgets them when Rasa stops).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests
import sqlalchemy

from bot.config import PROJECT_ROOT, Settings
from bot.domain.tokens import issue_token
from bot.ops import cluster
from tests.support.cluster import new_sender, stored_event_count
from tests.support.stack import RESULTS, send, texts, tickets_of

# Seeded customers (docs/backend-api.md): Marie is active with two addresses, Jean
# inactive for 38 months, Sophie's account must survive both.
MARIE, MARIE_EMAIL = "C1000001", "marie.durand@example.com"
JEAN, JEAN_EMAIL = "C1000002", "jean.martin@example.com"
SOPHIE, SOPHIE_EMAIL = "C1000004", "s.bernard@atelier-bernard.example.fr"


def backend_get(settings: Settings, path: str) -> requests.Response:
    return requests.get(
        f"{settings.backend.url}{path}",
        timeout=10,
        headers={"Authorization": f"Bearer {settings.backend.api_token}"},
    )


def address_count(settings: Settings) -> int:
    engine = sqlalchemy.create_engine(settings.cluster.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sqlalchemy.text("SELECT count(*) FROM addresses")
            ).scalar_one()
    finally:
        engine.dispose()


def agent_session(settings: Settings) -> requests.Session:
    """An agent's browser: its page's origin on every request, the CSRF token once in."""
    session = requests.Session()
    session.headers["Origin"] = settings.web.url
    response = session.post(
        f"{settings.web.url}/agent/login",
        timeout=10,
        json={"username": settings.web.agent_username, "password": settings.web.agent_password},
    )
    assert response.status_code == 200, response.text
    session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return session


def test_processing_a_deletion_ticket_erases_the_account_and_its_conversations(
    balancer, cluster_settings
):
    logged_in = new_sender()
    send(
        balancer,
        logged_in,
        "où sont mes factures ?",
        {"auth_token": issue_token(MARIE, cluster_settings.tokens)},
    )
    mentions_number = new_sender()
    send(balancer, mentions_number, f"bonjour, mon numéro client est {MARIE}")
    # Logged in as Marie: the request is verified at once (otherwise the e-mailed link).
    asks_deletion, as_marie = (
        new_sender(),
        {"auth_token": issue_token(MARIE, cluster_settings.tokens)},
    )
    send(balancer, asks_deletion, "je veux supprimer mon compte", as_marie)
    send(balancer, asks_deletion, MARIE_EMAIL, as_marie)
    assert not tickets_of(cluster_settings, asks_deletion), "no ticket before the confirmation"
    assert "référence" in texts(send(balancer, asks_deletion, "oui", as_marie))
    reference = tickets_of(cluster_settings, asks_deletion)[0]["reference"]
    unrelated = new_sender()
    send(balancer, unrelated, f"mon adresse est {SOPHIE_EMAIL}")
    addresses_before = address_count(cluster_settings)

    agent = agent_session(cluster_settings)
    processed = agent.post(
        f"{cluster_settings.web.url}/agent/api/tickets/{reference}/process", json={}, timeout=30
    )
    assert processed.status_code == 200, processed.text
    assert processed.json()["account_erased"] is True
    assert processed.json()["conversations_erased"] > 0

    assert backend_get(cluster_settings, f"/customers/{MARIE}").status_code == 404
    assert address_count(cluster_settings) < addresses_before
    for sender in (logged_in, mentions_number, asks_deletion):
        assert stored_event_count(cluster_settings, sender) == 0, sender
    assert stored_event_count(cluster_settings, unrelated) > 0
    assert backend_get(cluster_settings, f"/customers/{SOPHIE}").status_code == 200
    # The ticket stays as the record of the request, without the address.
    assert tickets_of(cluster_settings, asks_deletion)[0]["email"] != MARIE_EMAIL

    again = agent.post(
        f"{cluster_settings.web.url}/agent/api/tickets/{reference}/process", json={}, timeout=30
    )
    assert again.status_code == 200 and again.json()["account_erased"] is False
    unknown = agent.post(
        f"{cluster_settings.web.url}/agent/api/tickets/T-NOPE0000/process", json={}, timeout=30
    )
    assert unknown.status_code == 404


def test_only_agents_process_tickets(cluster_settings, cluster_stack):
    # From the agents' own page (same origin), but nobody logged in.
    response = requests.post(
        f"{cluster_settings.web.url}/agent/api/tickets/T-ANY/process",
        json={},
        headers={"Origin": cluster_settings.web.url},
        timeout=10,
    )
    assert response.status_code == 401


def test_the_three_year_purge_erases_the_conversations_too(balancer, cluster_settings):
    logged_in = new_sender()
    send(balancer, logged_in, "bonjour", {"auth_token": issue_token(JEAN, cluster_settings.tokens)})
    typed = new_sender()
    send(balancer, typed, f"j'ai oublié le mot de passe de {JEAN_EMAIL}")
    assert stored_event_count(cluster_settings, typed) > 0

    env = {**os.environ, **cluster.cluster_env(cluster_settings)}
    purge = subprocess.run(
        [sys.executable, "-m", "bot.backend", "purge-inactive", "--apply"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert purge.returncode == 0, purge.stderr
    assert JEAN in purge.stdout and JEAN_EMAIL not in purge.stdout

    assert backend_get(cluster_settings, f"/customers/{JEAN}").status_code == 404
    assert stored_event_count(cluster_settings, logged_in) == 0
    assert stored_event_count(cluster_settings, typed) == 0


def test_no_customer_address_in_any_log(cluster_settings):
    """Runs after the conversations above typed the seeded addresses."""
    logs = sorted(Path(RESULTS / "logs" / "cluster").glob("*.log"))
    assert logs
    for log in logs:
        content = log.read_text(encoding="utf-8", errors="replace")
        for address in (MARIE_EMAIL, JEAN_EMAIL, SOPHIE_EMAIL, "marie.dupont@example.com"):
            assert address not in content, f"{address} in {log.name}"
