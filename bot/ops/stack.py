"""The processes that make up the bot, as `make run` and the tests start them."""

from __future__ import annotations

import dataclasses
import secrets
import sys
from pathlib import Path
from typing import Dict, List

from bot.config import PROJECT_ROOT, Settings, refuse_placeholder
from bot.domain.agents import account_entry
from bot.ops.supervisor import ServiceSpec, free_port


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def action_server_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.action_port}/webhook"


def with_run_secrets(settings: Settings) -> Settings:
    """Secrets that are not configured are made up for this run only.

    The backend credential only has to be shared by processes started together;
    the customer-token secret must be shared with the website in production,
    where it is configured; the metrics token is printed with the run's banner.
    Without configured agent accounts, the demo agent (AGENT_USERNAME, password
    AGENT_PASSWORD or made up) is the run's one account.
    """
    backend, tokens, web = settings.backend, settings.tokens, settings.web
    for name, value in (
        ("BACKEND_API_TOKEN", backend.api_token),
        ("CUSTOMER_TOKEN_SECRET", tokens.secret),
        ("WEB_SESSION_SECRET", web.session_secret),
        ("AGENT_PASSWORD", web.agent_password),
        ("AGENT_ACCOUNTS", web.agent_accounts),
        ("AGENT_API_TOKEN", web.agent_api_token),
        ("METRICS_TOKEN", web.metrics_token),
        ("RASA_AUTH_TOKEN", settings.rasa_auth_token),
        ("ACTION_SERVER_TOKEN", settings.action_server_token),
    ):
        refuse_placeholder(name, value)
    if not backend.api_token:
        backend = dataclasses.replace(backend, api_token=secrets.token_urlsafe(32))
    if not tokens.secret:
        tokens = dataclasses.replace(tokens, secret=secrets.token_urlsafe(32))
    if not web.session_secret:
        web = dataclasses.replace(web, session_secret=secrets.token_urlsafe(32))
    if not web.metrics_token:
        web = dataclasses.replace(web, metrics_token=secrets.token_urlsafe(32))
    if not web.agent_accounts:
        password = web.agent_password or secrets.token_urlsafe(12)
        web = dataclasses.replace(
            web,
            agent_password=password,
            agent_accounts=account_entry(web.agent_username, password),
        )
    # Rasa's HTTP API reads and rewrites conversations: never open, even on the loopback.
    rasa_auth_token = settings.rasa_auth_token or secrets.token_urlsafe(32)
    # The action server runs trackers it is sent: only the Rasa server may send them.
    action_server_token = settings.action_server_token or secrets.token_urlsafe(32)
    return dataclasses.replace(
        settings,
        backend=backend,
        tokens=tokens,
        web=web,
        rasa_auth_token=rasa_auth_token,
        action_server_token=action_server_token,
    )


def demo_settings(settings: Settings) -> Settings:
    """`make run`'s configuration: secrets made up for the run and the demo log-in on.
    Nothing else turns the demo log-in on (it logs anyone in without a password)."""
    web = dataclasses.replace(settings.web, demo_mode=True)
    return with_run_secrets(dataclasses.replace(settings, web=web))


def isolated_settings(settings: Settings, workdir: Path) -> Settings:
    """A whole stack of its own, as `make run` starts it: free loopback ports, a fresh demo
    database in `workdir`, secrets made up for the run, the demo log-in on (tests and
    benchmarks)."""
    web = dataclasses.replace(settings.web, port=free_port())
    backend = dataclasses.replace(
        settings.backend,
        port=free_port(),
        database_url=f"sqlite:///{workdir / 'backend.db'}",
        public_web_url=web.url,
    )
    return demo_settings(
        dataclasses.replace(
            settings,
            rasa_port=free_port(),
            action_port=free_port(),
            backend=backend,
            web=web,
            tracker_db=workdir / "tracker.db",
        )
    )


def shared_env(settings: Settings) -> Dict[str, str]:
    """What every child process must agree on, passed as environment variables."""
    return {
        "RASA_PORT": str(settings.rasa_port),
        "ACTION_SERVER_PORT": str(settings.action_port),
        "BACKEND_HOST": settings.backend.host,
        "BACKEND_PORT": str(settings.backend.port),
        "BACKEND_API_TOKEN": settings.backend.api_token or "",
        "CUSTOMER_TOKEN_SECRET": settings.tokens.secret or "",
        "DATABASE_URL": settings.backend.database_url,
        "TRACKER_SQLITE_PATH": str(settings.tracker_db),
        "WEB_PUBLIC_URL": settings.backend.public_web_url,
    }


def backend_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="backend",
        argv=[sys.executable, "-m", "bot.backend", "serve"],
        health_url=f"{settings.backend.url}/health",
        # The GDPR erasure deletes conversations from the tracker store Rasa writes.
        env={**shared_env(settings), "BACKEND_TRACKER_STORE_URL": settings.tracker_store_url},
        cwd=PROJECT_ROOT,
        ready_timeout=60,
    )


def rasa_token_env(settings: Settings) -> Dict[str, str]:
    """The Rasa server reads its API token from `--auth-token`; our checks on its parse route
    (bot/rasa_ext/api_guard.py) read the same one here, as deploy/env/rasa.env gives it."""
    return {"RASA_AUTH_TOKEN": settings.rasa_auth_token or ""}


def action_token_env(settings: Settings) -> Dict[str, str]:
    """The secret the Rasa server presents to the action server (endpoints.yml), given to
    those two processes only."""
    if not settings.action_server_token:
        raise ValueError("the action server needs ACTION_SERVER_TOKEN (with_run_secrets sets one)")
    return {"ACTION_SERVER_TOKEN": settings.action_server_token}


def action_server_argv(port: int) -> List[str]:
    return [sys.executable, "-m", "bot.rasa_ext.action_server", "--port", str(port)]


def action_server_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="actions",
        argv=action_server_argv(settings.action_port),
        health_url=f"http://{settings.host}:{settings.action_port}/health",
        env={**shared_env(settings), **action_token_env(settings), "SANIC_HOST": settings.host},
        cwd=PROJECT_ROOT,
        ready_timeout=60,
    )


def rasa_argv(settings: Settings, port: int, endpoints: Path) -> List[str]:
    """`rasa run` with the HTTP API, always behind its auth token (`with_run_secrets` makes
    one up when RASA_AUTH_TOKEN is not set)."""
    if not settings.model_path.is_file():
        raise FileNotFoundError(f"no trained model at {settings.model_path}: run `make train`")
    if not settings.rasa_auth_token:
        raise ValueError("Rasa's HTTP API needs RASA_AUTH_TOKEN (with_run_secrets sets one)")
    refuse_placeholder("RASA_AUTH_TOKEN", settings.rasa_auth_token)
    argv = [
        venv_bin("rasa"),
        "run",
        "--enable-api",
        "--interface",
        settings.host,
        "--port",
        str(port),
        "--model",
        str(settings.model_path),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        # One argument: a token starting with '-' would be read as an option otherwise.
        f"--auth-token={settings.rasa_auth_token}",
    ]
    return argv


def rasa_server_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="rasa",
        argv=rasa_argv(settings, settings.rasa_port, PROJECT_ROOT / "endpoints.yml"),
        health_url=f"{settings.rasa_url}/",
        env={
            **shared_env(settings),
            **action_token_env(settings),
            **rasa_token_env(settings),
            "ACTION_ENDPOINT_URL": action_server_url(settings),
            "LOCK_SQLITE_PATH": str(settings.lock_db),
            # Rasa's own variable (rasa.core.utils.number_of_sanic_workers).
            "SANIC_WORKERS": str(settings.rasa_workers),
            # Where the workers agree on the model they serve (bot/rasa_ext/workers.py).
            "MODEL_SYNC_DIR": str(settings.lock_db.with_name("rasa-workers")),
        },
        cwd=PROJECT_ROOT,
        ready_timeout=240,
    )


def web_spec(settings: Settings) -> ServiceSpec:
    web = settings.web
    return ServiceSpec(
        name="web",
        argv=[sys.executable, "-m", "bot.web"],
        health_url=f"{web.url}/health",
        env={
            **shared_env(settings),
            "WEB_HOST": web.host,
            "WEB_PORT": str(web.port),
            "WEB_SESSION_SECRET": web.session_secret or "",
            # The file's lines are in AGENT_ACCOUNTS already.
            "AGENT_ACCOUNTS": web.agent_accounts,
            "AGENT_ACCOUNTS_FILE": "",
            "AGENT_API_TOKEN": web.agent_api_token or "",
            "METRICS_TOKEN": web.metrics_token or "",
            "CUSTOMER_TOKEN_LIFETIME_SECONDS": str(settings.tokens.lifetime_seconds),
            "DEMO_MODE": "1" if web.demo_mode else "0",
            "RASA_AUTH_TOKEN": settings.rasa_auth_token or "",
        },
        cwd=PROJECT_ROOT,
        ready_timeout=60,
    )


def bot_services(settings: Settings) -> List[ServiceSpec]:
    """Every process of the bot; `settings` must carry its secrets."""
    return [
        backend_spec(settings),
        action_server_spec(settings),
        rasa_server_spec(settings),
        web_spec(settings),
    ]


def bot_stages(settings: Settings) -> List[List[ServiceSpec]]:
    """The bot's processes as `make run` starts them: all at once, one stage. None needs
    another to start (they call each other per request, and each answers a dead
    neighbour with the hand-over), so the bot is ready when the Rasa server is, not after
    the sum of all start times (issue 14: 17.0 s in sequence, 15.0 s for Rasa alone)."""
    return [bot_services(settings)]
