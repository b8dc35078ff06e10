"""The processes that make up the bot, as `make run` and the tests start them."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List

from bot.config import PROJECT_ROOT, Settings
from bot.supervisor import ServiceSpec

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def action_server_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.action_port}/webhook"


def rasa_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.rasa_port}"


def action_server_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="actions",
        argv=[venv_bin("rasa"), "run", "actions", "--actions", "actions",
              "--port", str(settings.action_port)],
        health_url=f"http://{settings.host}:{settings.action_port}/health",
        # rasa_sdk binds 0.0.0.0 unless told otherwise.
        env={"SANIC_HOST": settings.host},
        cwd=PROJECT_ROOT,
        ready_timeout=60,
    )


def rasa_server_spec(settings: Settings) -> ServiceSpec:
    if not settings.model_path.is_file():
        raise FileNotFoundError(f"no trained model at {settings.model_path}: run `make train`")
    if settings.host not in LOOPBACK_HOSTS and not settings.rasa_auth_token:
        raise ValueError("Rasa's HTTP API beyond the loopback needs RASA_AUTH_TOKEN")
    argv = [venv_bin("rasa"), "run", "--enable-api",
            "--interface", settings.host, "--port", str(settings.rasa_port),
            "--model", str(settings.model_path),
            "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
            "--credentials", str(PROJECT_ROOT / "credentials.yml")]
    if settings.rasa_auth_token:
        argv += ["--auth-token", settings.rasa_auth_token]
    return ServiceSpec(
        name="rasa",
        argv=argv,
        health_url=f"{rasa_url(settings)}/",
        env={"ACTION_ENDPOINT_URL": action_server_url(settings)},
        cwd=PROJECT_ROOT,
        ready_timeout=240,
    )


def bot_services(settings: Settings) -> List[ServiceSpec]:
    """Every process of the bot, in start order."""
    return [action_server_spec(settings), rasa_server_spec(settings)]
