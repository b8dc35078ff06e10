"""`make run`: start every process of the bot, supervise them until Ctrl-C.

`--shell` starts the action server and chats with the bot in this terminal.
`--cluster` (`make cluster`) starts the production layout: Rasa replicas and action
servers behind nginx, PostgreSQL and Redis (bot/ops/cluster.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time

from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.domain.tokens import issue_token
from bot.ops import cluster
from bot.ops.stack import (
    action_server_spec,
    action_server_url,
    action_token_env,
    backend_spec,
    bot_stages,
    demo_settings,
    venv_bin,
    with_run_secrets,
)
from bot.ops.supervisor import ServiceError, Stack

# Seeded by the backend (docs/backend-api.md): an active customer with invoices.
DEMO_CUSTOMER = "C1000001"

logger = logging.getLogger("bot.ops.run")


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop everything, even when started in the background
    (where the shell makes the process ignore SIGINT)."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _agent_credentials(config: Settings) -> str:
    web = config.web
    if web.agent_password is None:
        return "the agents of AGENT_ACCOUNTS / AGENT_ACCOUNTS_FILE"
    return f"user {web.agent_username!r}, password {web.agent_password!r}"


def _banner(config: Settings, started: float, settings: Settings) -> str:
    """`settings` as configured, `config` with what the run made up."""
    url = f"{config.rasa_url}/webhooks/rest/webhook"
    demo_token = issue_token(DEMO_CUSTOMER, config.tokens)
    return (
        f"\nThe bot is ready ({time.monotonic() - started:.0f} s). Talk to it:\n"
        f'  curl -s {url} -d \'{{"sender":"me","message":"bonjour"}}\'\n'
        f"As the logged-in demo customer {DEMO_CUSTOMER} (token valid "
        f"{config.tokens.lifetime_seconds // 60} min):\n"
        f'  curl -s {url} -d \'{{"sender":"marie","message":"où est ma facture ?",'
        f'"metadata":{{"auth_token":"{demo_token}"}}}}\'\n'
        f"Open {config.web.url} for the demo shop and its chat widget"
        f"{' (demo log-in on the page)' if config.web.demo_mode else ''}.\n"
        f"Agents' answer assistant and dashboard: {config.web.url}/agent "
        f"({_agent_credentials(config)}).\n"
        f"Prometheus metrics: curl -s -H 'Authorization: Bearer {config.web.metrics_token}' "
        f"{config.web.url}/metrics\n"
        f"{retrain_hint(settings)}"
        f"Press Ctrl-C to stop every process.\n"
    )


def retrain_hint(settings: Settings) -> str:
    """What `make retrain` needs to reach this run, when it is missing: it runs in another
    shell, so it knows only the tokens both read from .env, not the ones made up here."""
    missing = [
        name
        for name, value in (
            ("BACKEND_API_TOKEN", settings.backend.api_token),
            ("RASA_AUTH_TOKEN", settings.rasa_auth_token),
        )
        if not value
    ]
    if not missing:
        return ""
    return (
        f"`make retrain` cannot reach this run: {' and '.join(missing)} made up for it. "
        'Set them in .env (README, "The review queue and `make retrain`") and restart.\n'
    )


def serve(settings: Settings) -> int:
    started = time.monotonic()
    config = demo_settings(settings)
    with Stack(bot_stages(config)) as stack:
        print(_banner(config, started, settings), flush=True)
        stack.supervise()
    return 0


def serve_cluster(settings: Settings) -> int:
    started = time.monotonic()
    config = with_run_secrets(settings)
    cluster.prepare(config)
    workdir = PROJECT_ROOT / "var" / "cluster"
    stages = cluster.cluster_stages(config, workdir / "nginx")
    with Stack(stages, log_dir=workdir / "logs") as stack:
        print(_banner(config, started, settings), flush=True)
        print(
            f"{len(config.cluster.rasa_ports)} Rasa replicas and "
            f"{len(config.cluster.action_ports)} "
            f"action servers behind nginx; logs in {workdir / 'logs'}.\n",
            flush=True,
        )
        stack.supervise()
    return 0


def shell(settings: Settings) -> int:
    config = with_run_secrets(settings)
    with Stack([backend_spec(config), action_server_spec(config)]):
        return subprocess.call(
            [
                venv_bin("rasa"),
                "shell",
                "--model",
                str(config.model_path),
                "--endpoints",
                str(PROJECT_ROOT / "endpoints.yml"),
            ],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                **action_token_env(config),
                "ACTION_ENDPOINT_URL": action_server_url(config),
                "TRACKER_SQLITE_PATH": str(config.tracker_db),
                "LOCK_SQLITE_PATH": str(config.lock_db),
            },
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--shell", action="store_true", help="chat in the terminal")
    mode.add_argument(
        "--cluster", action="store_true", help="replicas behind nginx on PostgreSQL and Redis"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    _stop_on_signals()
    try:
        settings = load_settings()  # once: every process started gets its part explicitly
        if args.shell:
            return shell(settings)
        return serve_cluster(settings) if args.cluster else serve(settings)
    except KeyboardInterrupt:
        logger.info("stopped")
        return 0
    except (ServiceError, cluster.MissingDependency, FileNotFoundError, ValueError) as error:
        logger.error("%s", error)
        return 1


if __name__ == "__main__":
    sys.exit(main())
