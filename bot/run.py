"""`make run`: start every process of the bot, supervise them until Ctrl-C.

`--shell` starts the action server and chats with the bot in this terminal.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time

from bot.config import PROJECT_ROOT, settings
from bot.stack import action_server_spec, action_server_url, bot_services, rasa_url, venv_bin
from bot.supervisor import ServiceError, Stack

logger = logging.getLogger("bot.run")


def _stop_on_sigterm() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def _banner(started: float) -> str:
    url = rasa_url(settings())
    return (
        f"\nThe bot is ready ({time.monotonic() - started:.0f} s). Talk to it:\n"
        f"  curl -s {url}/webhooks/rest/webhook -d '{{\"sender\":\"me\",\"message\":\"bonjour\"}}'\n"
        f"Press Ctrl-C to stop every process.\n"
    )


def serve() -> int:
    started = time.monotonic()
    with Stack(bot_services(settings())) as stack:
        print(_banner(started), flush=True)
        stack.supervise()
    return 0


def shell() -> int:
    config = settings()
    with Stack([action_server_spec(config)]):
        return subprocess.call(
            [venv_bin("rasa"), "shell", "--model", str(config.model_path),
             "--endpoints", str(PROJECT_ROOT / "endpoints.yml")],
            cwd=PROJECT_ROOT,
            env={**os.environ, "ACTION_ENDPOINT_URL": action_server_url(config)},
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in the terminal")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    _stop_on_sigterm()
    try:
        return shell() if args.shell else serve()
    except KeyboardInterrupt:
        logger.info("stopped")
        return 0
    except (ServiceError, FileNotFoundError, ValueError) as error:
        logger.error("%s", error)
        return 1


if __name__ == "__main__":
    sys.exit(main())
