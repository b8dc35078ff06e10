"""A replica dies: its conversations go on on the other one.

It kills a replica of the session's cluster for good, so its file name sorts
after the other cluster tests (pytest runs files in that order).
"""

from __future__ import annotations

import signal

from bot.ops.supervisor import Stack
from tests.support.cluster import SEEDED_EMAIL, new_sender, user_texts
from tests.support.stack import send, texts, tracker


def test_a_killed_replica_leaves_its_conversations_to_the_other(
    balancer, replicas, cluster_stack: Stack, cluster_settings
):
    sender = new_sender()
    assert "adresse e-mail" in texts(send(replicas[0], sender, "je veux supprimer mon compte"))
    cluster_stack["rasa-1"].process.send_signal(signal.SIGKILL)
    cluster_stack["rasa-1"].process.wait()
    # nginx moves to the replica that is left; the form goes on where it was.
    for _ in range(3):
        send(balancer, new_sender(), "bonjour")
    assert "Confirmez-vous" in texts(send(balancer, sender, SEEDED_EMAIL))
    assert user_texts(tracker(replicas[1], sender, cluster_settings)["events"]) == [
        "je veux supprimer mon compte",
        SEEDED_EMAIL,
    ]
