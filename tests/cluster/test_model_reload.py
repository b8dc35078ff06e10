"""`make retrain` promotes a model: each replica loads it through its own `PUT /model`, one
after the other, while customers keep talking through nginx (bot/ops/retrain.py).

Its file name sorts before test_replica_failure.py, which kills a replica for good."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests

from bot.config import Settings
from bot.ops.retrain import reload_servers, serving_urls
from tests.support.stack import Chatter


def model_files(replicas: list, settings: Settings) -> list:
    return [
        requests.get(
            f"{url}/status", params={"token": settings.rasa_auth_token}, timeout=30
        ).json()["model_file"]
        for url in replicas
    ]


def test_the_replicas_load_the_promoted_model_one_after_the_other(
    balancer: str, replicas: list, cluster_settings: Settings, tmp_path: Path
):
    promoted = tmp_path / "promoted.tar.gz"
    shutil.copy(cluster_settings.model_path, promoted)

    assert serving_urls(cluster_settings) == replicas
    with Chatter(balancer) as chatter:
        reload_servers(replicas, cluster_settings.rasa_auth_token, promoted)

    assert model_files(replicas, cluster_settings) == ["promoted.tar.gz"] * 2
    assert len(chatter.answers) >= 2, chatter.answers
    assert all(status == "200" and said for status, _, said in chatter.answers), chatter.answers
