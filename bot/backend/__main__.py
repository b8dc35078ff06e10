"""`python -m bot.backend serve | purge-inactive [--apply]`."""

from __future__ import annotations

import argparse
import logging
import os
from typing import List, Optional

from sqlalchemy.orm import sessionmaker

from bot.backend.api import create_app
from bot.backend.context import BackendContext
from bot.backend.database import create_schema, make_engine, make_session_factory
from bot.backend.mailer import Mailer
from bot.backend.purge import purge_inactive as purge
from bot.backend.seed import seed_demo_data
from bot.config import BackendSettings, load_backend_settings
from bot.domain.identifiers import mask_email

logger = logging.getLogger("bot.backend")


def serve(backend: BackendSettings, sessions: sessionmaker) -> int:
    try:
        app = create_app(backend, sessions)
    except ValueError as error:
        logger.error("cannot serve: %s", error)
        return 2
    if backend.seed_demo_data:
        seed_demo_data(sessions)
    logger.info("account backend on %s", backend.url)
    app.run(host=backend.host, port=backend.port, access_log=False)
    return 0


def purge_inactive(backend: BackendSettings, sessions: sessionmaker, apply: bool) -> int:
    """Prints the accounts (the command's output, for the operator or a cron mail)."""
    context = BackendContext(backend, sessions, Mailer(backend, sessions))
    accounts = purge(context, apply=apply)
    for account in accounts:
        print(
            f"{account.customer_id}\t{mask_email(account.email)}\t"
            f"last login {account.last_login_at:%Y-%m-%d}"
        )
    if apply:
        print(f"{len(accounts)} account(s) deleted.")
    else:
        print(
            f"{len(accounts)} account(s) inactive for more than 3 years "
            "(dry run: nothing deleted; add --apply to delete them)."
        )
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.backend", description="The shop's account backend."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="create the schema, seed the demo data if asked, serve")
    purge = commands.add_parser(
        "purge-inactive", help="list the accounts inactive for more than 3 years"
    )
    purge.add_argument(
        "--apply",
        action="store_true",
        help="delete them (and keep a salted hash of their addresses)",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    backend = load_backend_settings(os.environ)  # once, then handed down
    engine = make_engine(backend.database_url)
    create_schema(engine)
    sessions = make_session_factory(engine)
    if args.command == "serve":
        return serve(backend, sessions)
    return purge_inactive(backend, sessions, args.apply)


if __name__ == "__main__":
    raise SystemExit(main())
