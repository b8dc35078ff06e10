"""`python -m bot.ops.agents add NAME`: the `name:hash` line of a new agent account, for
AGENT_ACCOUNTS_FILE (or AGENT_ACCOUNTS). The password is asked twice without echo, or made
up with `--generate` and printed once; only its Argon2id hash goes into the line."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from typing import Callable, Optional, Sequence

from bot.domain.agents import MAX_PASSWORD_LENGTH, account_entry

MIN_PASSWORD_LENGTH = 12


def _typed_password(ask: Callable[[str], str]) -> str:
    password = ask("Password: ")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValueError(
            f"a password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    if ask("Password again: ") != password:
        raise ValueError("the two passwords differ")
    return password


def main(argv: Optional[Sequence[str]] = None, ask: Callable[[str], str] = getpass.getpass) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="print the account line of a new agent")
    add.add_argument("name", help="the agent's log-in name (lower case, e.g. camille.martin)")
    add.add_argument("--generate", action="store_true", help="make up a password and print it once")
    args = parser.parse_args(argv)
    try:
        password = secrets.token_urlsafe(15) if args.generate else _typed_password(ask)
        line = account_entry(args.name, password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.generate:
        print(
            f"Password of {args.name} (give it to the agent, it is not kept): {password}",
            file=sys.stderr,
        )
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
