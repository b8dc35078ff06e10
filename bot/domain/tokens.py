"""Who is logged in: the signed, expiring token the website puts in message metadata.

Only this token identifies a customer. An e-mail address or a customer number
typed in the chat proves nothing and never unlocks personal data.

The REST channel checks the token on every message and keeps only its verdict: the
message's metadata then holds the verified customer number (`VERIFIED_CUSTOMER_KEY`)
and never the token, so that the conversations Rasa stores hold no credential
(issue 12, item 4). The actions read that verdict; the action server answers only the
Rasa server, so nobody else can write it.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, Mapping, Optional

import jwt

from bot.config import TokenSettings
from bot.domain.identifiers import is_canonical_customer_id

logger = logging.getLogger(__name__)

# What the website sends (the token) and what the bot keeps (the verified number).
METADATA_KEY = "auth_token"
VERIFIED_CUSTOMER_KEY = "verified_customer_id"
ALGORITHM = "HS256"
# Tokens are checked with a little leeway for clock skew between web and bot hosts.
LEEWAY_SECONDS = 10


class InvalidToken(Exception):
    pass


def issue_token(customer_id: str, settings: TokenSettings, now: Optional[float] = None) -> str:
    """What the website does at log-in; here for the demo shop and the tests."""
    if not settings.secret:
        raise InvalidToken("CUSTOMER_TOKEN_SECRET is not configured")
    issued = int(time.time() if now is None else now)
    claims = {
        "sub": customer_id,
        "iss": settings.issuer,
        "aud": settings.audience,
        "iat": issued,
        "exp": issued + settings.lifetime_seconds,
    }
    return jwt.encode(claims, settings.secret, algorithm=ALGORITHM)


def verify_token(token: str, settings: TokenSettings) -> str:
    """The customer number the token vouches for; InvalidToken otherwise."""
    if not settings.secret:
        raise InvalidToken("CUSTOMER_TOKEN_SECRET is not configured")
    try:
        claims = jwt.decode(
            token,
            settings.secret,
            algorithms=[ALGORITHM],
            audience=settings.audience,
            issuer=settings.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["sub", "exp", "iat", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(type(error).__name__) from error
    customer_id = claims["sub"]
    if not is_canonical_customer_id(customer_id):
        raise InvalidToken("malformed subject")
    return customer_id


def customer_from_metadata(
    metadata: Optional[Mapping[str, Any]], settings: TokenSettings
) -> Optional[str]:
    """The logged-in customer's number, or None for anonymous (absent, invalid or expired token)."""
    token = (metadata or {}).get(METADATA_KEY)
    if not isinstance(token, str) or not token:
        return None
    try:
        return verify_token(token, settings)
    except InvalidToken as error:
        # Never log the token itself.
        logger.info("customer token refused: %s", error)
        return None


def verified_metadata(
    metadata: Optional[Mapping[str, Any]], settings: TokenSettings
) -> Dict[str, str]:
    """What the channel keeps of a message's metadata: the customer its token vouches for,
    or nothing. Whatever else the client sent, a verified number included, is dropped."""
    customer_id = customer_from_metadata(metadata, settings)
    return {VERIFIED_CUSTOMER_KEY: customer_id} if customer_id else {}


def verified_customer(metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The customer number the channel verified for this message, else None."""
    customer_id = (metadata or {}).get(VERIFIED_CUSTOMER_KEY)
    return customer_id if is_canonical_customer_id(customer_id) else None
