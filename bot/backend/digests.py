"""What the backend stores instead of a secret or an address: SHA-256 digests. A leaked
table gives no usable link (reset, deletion confirmation) and no purged customer's address."""

from __future__ import annotations

import hashlib
import secrets
from typing import Tuple


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_link_token() -> Tuple[str, str]:
    """A secret for an e-mailed link, and the digest the database keeps in its place."""
    token = secrets.token_urlsafe(32)
    return token, sha256_hex(token)


def salted_digest(value: str) -> Tuple[str, str]:
    """A salt of its own and the digest of `value` under it: equal values give different
    rows, so a list of digests cannot be checked against a list of addresses at once."""
    salt = secrets.token_hex(16)
    return salt, sha256_hex(salt + value)
