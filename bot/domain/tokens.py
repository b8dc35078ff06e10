"""Who is logged in: the signed, expiring token the website puts in message metadata.

Only this token identifies a customer. An e-mail address or a customer number
typed in the chat proves nothing and never unlocks personal data.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Mapping, Optional

import jwt

from bot.config import TokenSettings
from bot.domain.identifiers import is_canonical_customer_id

logger = logging.getLogger(__name__)

METADATA_KEY = "auth_token"
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
