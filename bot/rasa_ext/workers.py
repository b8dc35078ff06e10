"""What the Sanic workers of one Rasa server share: the spaCy model's memory, and the
model they serve.

`make run` starts its Rasa server with several Sanic workers (RASA_WORKERS), processes
sharing one port, forked from Rasa's main process before they load the model.

The spaCy model (fr_core_news_md, about 400 MB resident) is loaded once, in the main
process before the fork (`main_process_start`): the workers inherit it copy-on-write
and the graph's SpacyNLP nodes find it in the cache of bot/rasa_ext/speedups.py instead
of loading a copy each. spaCy runs no thread of its own, so a fork is safe for it; the
rest of the model (TensorFlow's DIET) is still loaded by each worker, since TensorFlow's
thread pools do not survive a fork.

Rasa's `PUT /model` (how `make retrain` loads a promoted model, and an
operator by hand) swaps the agent of the one worker the request reached: the others would
go on answering with the old model, each customer getting one model or the other by chance.

Here the workers follow the one that loaded a model:
- the worker that answered `PUT /model` writes the model's path to the file `target` of a
  directory shared by the workers (MODEL_SYNC_DIR);
- every worker reads that file each second and loads the model it names, in a thread, so
  that it keeps answering while it loads (Rasa's own load blocks the worker);
- each worker writes the model it serves to a file of its own (`worker-<pid>`), and the
  `PUT /model` answers only once every worker serves the new model (or after
  FOLLOW_TIMEOUT_SECONDS, logged): after its 204, no answer comes from the old model, as with
  one worker.

Installed by the REST channel (bot/rasa_ext/rest_channel.py) when MODEL_SYNC_DIR and more
than one SANIC_WORKERS are set (bot/ops/stack.py sets both); a single process, or a
cluster replica, is left as Rasa made it.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import time
from pathlib import Path
from typing import Optional, Tuple

from rasa.core.agent import Agent
from rasa.shared.utils.io import read_yaml_file
from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.config import PROJECT_ROOT
from bot.rasa_ext import speedups

logger = logging.getLogger(__name__)

CONFIG = PROJECT_ROOT / "config.yml"
TARGET = "target"
POLL_SECONDS = 1.0
# A model load takes tens of seconds on two cores; a worker slower than this is stuck.
FOLLOW_TIMEOUT_SECONDS = 300.0


def _worker_file(directory: Path, pid: int) -> Path:
    return directory / f"worker-{pid}"


def _write(path: Path, text: str) -> None:
    """Replaces the file at once: a reader sees the old text or the new one."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def served_model(agent: Optional[Agent]) -> Optional[str]:
    """What a worker serves: the model's id (each training makes a new one), then its path.
    The path alone would not do: `make retrain` promotes a model by renaming it to the
    file already served, models/current.tar.gz."""
    if agent is None or agent.processor is None:
        return None
    return f"{agent.model_id}\n{agent.processor.model_path}"


def model_path_of(served: str) -> str:
    return served.split("\n", 1)[-1]


def with_model(agent: Agent, model_path: str) -> Agent:
    """A copy of `agent` (same stores, action endpoint, generator) serving `model_path`;
    Rasa's `Agent.load_model` on the copy, so that the turns under way end with the old one."""
    loaded = copy.copy(agent)
    loaded.load_model(model_path)
    return loaded


def clear(directory: Path) -> None:
    """Forgets an earlier run's workers (the main process, before the workers start)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        stale.unlink(missing_ok=True)


async def follow(app: Sanic, directory: Path) -> None:
    """Each worker, for its whole life: loads the model `target` names when it serves
    another one, and says what it serves."""
    own = _worker_file(directory, os.getpid())
    failed: Optional[str] = None
    while True:
        target = _read(directory / TARGET)
        serving = served_model(app.ctx.agent)
        if target and target not in (serving, failed):
            path = model_path_of(target)
            try:
                app.ctx.agent = await asyncio.get_running_loop().run_in_executor(
                    None, with_model, app.ctx.agent, path
                )
                serving = served_model(app.ctx.agent)
                logger.info("Worker %d now serves %s.", os.getpid(), Path(path).name)
            except Exception:
                # The worker that answered the PUT loaded this very file: a failure here
                # is this worker's (memory, disk, the file replaced since); it keeps the
                # model it has, and the PUT's wait times out and says so.
                logger.exception("Worker %d could not load %s.", os.getpid(), path)
            if serving != target:
                failed = target
        if serving and _read(own) != serving:
            _write(own, serving)
        await asyncio.sleep(POLL_SECONDS)


def everyone_serves(directory: Path, model: str, workers: int) -> bool:
    records = list(directory.glob("worker-*"))
    return len(records) >= workers and all(_read(p) == model for p in records)


async def announce_and_wait(app: Sanic, directory: Path, workers: int) -> None:
    """After a `PUT /model` this worker answered: the others load the model it loaded."""
    model = served_model(app.ctx.agent)
    if model is None:
        return
    _write(directory / TARGET, model)
    _write(_worker_file(directory, os.getpid()), model)
    deadline = time.monotonic() + FOLLOW_TIMEOUT_SECONDS
    while not everyone_serves(directory, model, workers):
        if time.monotonic() > deadline:
            logger.error("Not every worker loaded %s in time.", Path(model_path_of(model)).name)
            return
        await asyncio.sleep(POLL_SECONDS / 4)


def preload_spacy_models(config: Path) -> None:
    """Loads the spaCy models `config`'s pipeline names into the cache the SpacyNLP nodes
    read (speedups.load_spacy_model_without_ner). A served model trained with another
    config only misses the cache: its worker loads its own copy, as without this."""
    pipeline = read_yaml_file(config).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "SpacyNLP" and component.get("model"):
            speedups.load_spacy_model_without_ner(component["model"])


def install(blueprint: Blueprint, directory: Path, workers: int) -> None:
    """On the REST channel's blueprint, which Rasa registers before it forks its workers:
    the follower in each worker, and the wait after a `PUT /model` on the whole application
    (a blueprint's own middleware would see only the blueprint's routes)."""

    async def after_load(request: Request, response: BaseHTTPResponse) -> Optional[HTTPResponse]:
        route = request.route
        loaded = request.method == "PUT" and response.status == 204
        if loaded and route is not None and route.path == "model":
            await announce_and_wait(request.app, directory, workers)
        return None

    def add_middleware(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.register_middleware(after_load, "response")

    def start_following(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.add_task(follow(app, directory))

    def before_the_fork(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        clear(directory)
        preload_spacy_models(CONFIG)

    blueprint.listener("main_process_start")(before_the_fork)
    blueprint.listener("before_server_start")(add_middleware)
    blueprint.listener("after_server_start")(start_following)


def from_environment() -> Optional[Tuple[Path, int]]:
    """(directory, workers) when this Rasa server runs several workers to keep in step."""
    directory = os.environ.get("MODEL_SYNC_DIR")
    try:
        workers = int(os.environ.get("SANIC_WORKERS", "1"))
    except ValueError:
        return None
    if not directory or workers < 2:
        return None
    return Path(directory), workers
