"""The production layout keeps conversations whole, whichever replica answers."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bot.ops.supervisor import Stack
from tests.support.cluster import SEEDED_EMAIL, new_sender, stored_event_count, user_texts
from tests.support.stack import send, texts, tickets_of, tracker


def test_the_balancer_answers_through_the_replicas(balancer):
    replies = send(balancer, new_sender(), "j'ai oublié mon mot de passe")
    assert "Mot de passe oublié ?" in texts(replies)


def test_a_form_continues_on_alternating_replicas(replicas, cluster_settings):
    first, second = replicas
    sender = new_sender()
    assert "adresse e-mail" in texts(send(first, sender, "je veux supprimer mon compte"))
    assert "Confirmez-vous" in texts(send(second, sender, SEEDED_EMAIL))
    # The slot the second replica filled is what the first one now reads.
    assert tracker(first, sender, cluster_settings)["slots"]["email"] == SEEDED_EMAIL
    confirmation = texts(send(first, sender, "oui"))
    tickets = tickets_of(cluster_settings, sender)
    assert [t["subject"] for t in tickets] == ["Suppression compte"]
    # Anonymous: the request waits for the e-mailed link, and no reference is given.
    assert "« Confirmez la suppression de votre compte »" in confirmation
    assert tracker(second, sender, cluster_settings)["active_loop"] == {}


def test_messages_of_one_sender_sent_at_once_are_handled_one_after_the_other(
    replicas, cluster_settings
):
    sender = new_sender()
    messages = ["bonjour", "comment télécharger ma facture ?"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(
            pool.map(lambda pair: send(pair[0], sender, pair[1]), zip(replicas, messages))
        )
    assert all(replies), "each message gets its own answer"
    events = tracker(replicas[0], sender, cluster_settings)["events"]
    assert sorted(user_texts(events)) == sorted(messages)
    # Never interleaved: each user message is followed by its answer before the next one.
    turns = [e["event"] for e in events if e["event"] in {"user", "bot"}]
    first_user, second_user = [i for i, kind in enumerate(turns) if kind == "user"]
    assert "bot" in turns[first_user:second_user]


def test_every_event_is_in_the_postgresql_tracker_store(balancer, rasa_api, cluster_settings):
    sender = new_sender()
    for message in ["bonjour", "comment créer un compte ?", "merci"]:
        send(balancer, sender, message)
    events = tracker(rasa_api, sender, cluster_settings)["events"]
    assert user_texts(events) == ["bonjour", "comment créer un compte ?", "merci"]
    assert stored_event_count(cluster_settings, sender) == len(events)


def test_without_action_servers_the_bot_hands_over_then_recovers(
    balancer, cluster_stack: Stack, cluster_settings
):
    action_servers = [s for s in cluster_stack.services if s.spec.name.startswith("actions-")]
    for service in action_servers:
        service.stop()
    try:
        replies = texts(send(balancer, new_sender(), "je voudrais parler à un conseiller"))
        assert cluster_settings.phone.number in replies
        assert "du lundi au vendredi de 8 h à 19 h" in replies
    finally:
        for service in action_servers:
            service.start()
        for service in action_servers:
            service.wait_ready()
    # nginx rests a failed server for a few seconds (fail_timeout), then uses it again.
    deadline = time.monotonic() + 20
    while "La ligne est ouverte en ce moment." not in texts(
        send(balancer, new_sender(), "je voudrais parler à un conseiller")
    ):
        assert time.monotonic() < deadline, "the action servers are back but not used"
        time.sleep(1)


def test_make_missed_lists_what_the_bot_failed_on(balancer, cluster_settings):
    sender = new_sender()
    send(balancer, sender, "quel est le prix d'un roulement 6204 2RS ?")
    send(balancer, sender, "zxqv wplk")
    # A question the bot hands over on, with an address: a message that is little more than
    # an address reads as `inform` since the NLU masks values (issue 11).
    send(
        balancer,
        sender,
        "zxqv wplk bis, quel est le prix d'un roulement 6204 ? contact: paul.petit@example.com",
    )
    understood = new_sender()
    send(balancer, understood, "comment créer un compte ?")

    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.ops.missed",
            "--url",
            cluster_settings.cluster.tracker_store_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout

    assert "roulement 6204 2RS" in listing and "zxqv wplk" in listing
    assert "p***@example.com" in listing and "paul.petit@example.com" not in listing
    assert "créer un compte" not in listing


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/tracker/events"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/status"),
        ("GET", "/webhooks/rest/webhook/../../status"),
    ],
)
def test_the_public_balancer_forwards_the_webhook_only(
    balancer, rasa_api, cluster_settings, method, path
):
    """Issue 12, item 4: even with Rasa's token, the public port serves no API."""
    token = {"token": cluster_settings.rasa_auth_token}
    refused = requests.request(method, balancer + path, params=token, json={}, timeout=30)
    assert refused.status_code == 404
    if method == "GET" and ".." not in path:
        assert requests.get(rasa_api + path, params=token, timeout=30).status_code == 200
