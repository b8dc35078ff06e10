"""Agents' named accounts, as an operator configures them: one `name:hash` entry per
agent (AGENT_ACCOUNTS, AGENT_ACCOUNTS_FILE), the line `python -m bot.ops.agents add NAME`
prints (issue 12, finding 6).

Only Argon2id hashes are kept (argon2-cffi with its RFC 9106 defaults): a leaked
configuration gives no password away, and an entry that is not a hash (a password in
clear, a `change-me` copied from an example) stops the web server at start. A name that is
no account is checked against a dummy hash, so that the answer's timing does not tell
which names exist."""

from __future__ import annotations

import re
from typing import Dict, Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Lower-case letters, digits, dot, dash, underscore: safe in logs and in the entry format.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# Longer inputs are refused before hashing (the hash costs memory and time).
MAX_PASSWORD_LENGTH = 256
HASH_PREFIX = "$argon2id$"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def account_entry(name: str, password: str) -> str:
    """The `name:hash` entry of one agent; ValueError for a name the format cannot hold."""
    if not NAME.fullmatch(name):
        raise ValueError(
            f"agent name {name!r}: 1 to 64 lower-case letters, digits, '.', '-' or '_'"
        )
    return f"{name}:{hash_password(password)}"


def _entries(text: str) -> Iterable[str]:
    """Entries separated by white space or line breaks; `#` starts a comment line."""
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):
            yield from line.split()


class AgentAccounts:
    """The agents who may log in, by name, with their password hashes."""

    def __init__(self, hashes: Dict[str, str]) -> None:
        self._hashes = dict(hashes)
        self._dummy = hash_password("no such agent")

    @classmethod
    def parse(cls, text: str) -> "AgentAccounts":
        """The accounts of `text`; ValueError (naming the entry, never the hash) otherwise."""
        hashes: Dict[str, str] = {}
        for number, entry in enumerate(_entries(text), start=1):
            name, _, encoded = entry.partition(":")
            if not NAME.fullmatch(name) or not encoded.startswith(HASH_PREFIX):
                raise ValueError(
                    f"agent account entry {number} is not 'name:$argon2id$…' "
                    "(make one with: python -m bot.ops.agents add NAME)"
                )
            if name in hashes:
                raise ValueError(f"agent account {name!r} is given twice")
            hashes[name] = encoded
        return cls(hashes)

    @property
    def names(self) -> frozenset:
        return frozenset(self._hashes)

    def verify(self, name: str, password: str) -> bool:
        """Whether `password` is the password of the agent `name`. Slow on purpose."""
        encoded = self._hashes.get(name)
        try:
            return _hasher.verify(encoded or self._dummy, password) and encoded is not None
        except (VerificationError, InvalidHashError):
            return False
