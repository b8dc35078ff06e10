"""The Sanic workers of one Rasa server agree on the model they serve
(bot/rasa_ext/workers.py); the whole path, `PUT /model` on a running server with two
workers, is tests/test_retrain.py."""

from __future__ import annotations

import pytest
from rasa.nlu.utils.spacy_utils import SpacyNLP

from bot.rasa_ext import speedups, workers


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({"MODEL_SYNC_DIR": "/x", "SANIC_WORKERS": "2"}, ("/x", 2)),
        ({"MODEL_SYNC_DIR": "/x", "SANIC_WORKERS": "1"}, None),
        ({"MODEL_SYNC_DIR": "/x"}, None),
        ({"SANIC_WORKERS": "2"}, None),
        ({"MODEL_SYNC_DIR": "/x", "SANIC_WORKERS": "two"}, None),
    ],
)
def test_only_several_workers_with_a_shared_directory_follow_each_other(
    monkeypatch, environment, expected
):
    for name in ("MODEL_SYNC_DIR", "SANIC_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    found = workers.from_environment()
    assert (found and (str(found[0]), found[1])) == expected


def test_the_put_waits_until_every_worker_serves_the_model(tmp_path):
    workers.clear(tmp_path)
    (tmp_path / "worker-1").write_text("models/new.tar.gz")
    assert not workers.everyone_serves(tmp_path, "models/new.tar.gz", workers=2)
    (tmp_path / "worker-2").write_text("models/old.tar.gz")
    assert not workers.everyone_serves(tmp_path, "models/new.tar.gz", workers=2)
    (tmp_path / "worker-2").write_text("models/new.tar.gz")
    assert workers.everyone_serves(tmp_path, "models/new.tar.gz", workers=2)


def test_a_new_run_forgets_the_workers_of_the_last_one(tmp_path):
    (tmp_path / "worker-99").write_text("models/old.tar.gz")
    (tmp_path / "target").write_text("models/old.tar.gz")
    workers.clear(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_spacy_model_is_loaded_once_before_the_fork(tmp_path, monkeypatch):
    """The main process loads what config.yml's SpacyNLP names; each worker's graph then
    finds it in the cache instead of loading its own copy."""
    # As the REST channel's module installs it in every Rasa server (speedups.install).
    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(speedups.load_spacy_model_without_ner))
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n- name: SpacyNLP\n  model: fr_core_news_md\n- name: SpacyTokenizer\n",
        encoding="utf-8",
    )
    speedups.load_spacy_model_without_ner.cache_clear()
    workers.preload_spacy_models(config)
    before = speedups.load_spacy_model_without_ner.cache_info()
    SpacyNLP.load_model("fr_core_news_md")
    after = speedups.load_spacy_model_without_ner.cache_info()
    assert (before.misses, after.misses, after.hits) == (1, 1, before.hits + 1)


class _Agent:
    """What workers reads of a Rasa agent: its model's id and its processor's path."""

    def __init__(self, model_id: str, path: str) -> None:
        self.model_id = model_id
        self.processor = type("Processor", (), {"model_path": path})()


def test_a_model_promoted_over_the_served_file_is_another_model():
    """`make retrain` renames the new model to models/current.tar.gz, the file already
    served: the followers tell it by the model's id, not by its path."""
    old = workers.served_model(_Agent("id-1", "models/current.tar.gz"))  # type: ignore[arg-type]
    new = workers.served_model(_Agent("id-2", "models/current.tar.gz"))  # type: ignore[arg-type]
    assert old != new
    assert workers.model_path_of(new or "") == "models/current.tar.gz"
