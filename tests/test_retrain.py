"""`make retrain`'s last step on the running stack (bot/ops/retrain.py): the promoted model
loaded by the Rasa server through `PUT /model`, a customer answered throughout. The gate and
the files are tested without a process in tests/unit/test_retrain.py; the cluster's replicas
one after the other in tests/cluster/test_model_reload.py."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import requests

from bot.config import Settings
from bot.ops.retrain import load_model, reload_servers, serving_urls
from bot.ops.supervisor import free_port
from tests.support.stack import Chatter, send, texts


def model_file(rasa: str, settings: Settings) -> str:
    """The model the Rasa server serves, asked on new connections: every Sanic worker
    (RASA_WORKERS) must name the same one (bot/rasa_ext/workers.py)."""
    served = set()
    for _ in range(4 * settings.rasa_workers):
        response = requests.get(
            f"{rasa}/status",
            params={"token": settings.rasa_auth_token},
            headers={"Connection": "close"},
            timeout=30,
        )
        response.raise_for_status()
        served.add(response.json()["model_file"])
    assert len(served) == 1, f"the workers serve different models: {served}"
    return served.pop()


def test_the_promoted_model_is_loaded_while_the_bot_keeps_answering(
    rasa: str, stack_settings: Settings, tmp_path: Path
):
    promoted = tmp_path / "promoted.tar.gz"
    shutil.copy(stack_settings.model_path, promoted)
    assert model_file(rasa, stack_settings) == stack_settings.model_path.name

    # No cluster on these ports: the single server is the one to reload.
    cluster = dataclasses.replace(stack_settings.cluster, rasa_ports=(free_port(), free_port()))
    assert serving_urls(dataclasses.replace(stack_settings, cluster=cluster)) == [rasa]
    with Chatter(rasa) as chatter:
        reload_servers([rasa], stack_settings.rasa_auth_token, promoted)

    assert model_file(rasa, stack_settings) == "promoted.tar.gz"
    assert chatter.answers, "nothing was sent during the load"
    assert all(status == "200" and said for status, _, said in chatter.answers), chatter.answers
    assert "Bonjour" in texts(send(rasa, "after-reload", "bonjour"))


def test_a_model_the_server_cannot_load_leaves_the_served_one(
    rasa: str, stack_settings: Settings, tmp_path: Path
):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    before = model_file(rasa, stack_settings)

    with pytest.raises(RuntimeError, match="did not load the model: HTTP"):
        load_model(rasa, str(stack_settings.rasa_auth_token), broken)

    assert model_file(rasa, stack_settings) == before
    assert "Bonjour" in texts(send(rasa, "after-broken-load", "bonjour"))
