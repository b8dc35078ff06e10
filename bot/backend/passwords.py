"""The « Renouvelez votre mot de passe » request: the reset link, the notice that the
account was deleted after 3 years of inactivity, or nothing — and the caller is never told
which (no account enumeration)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.backend.context import BackendContext
from bot.backend.digests import new_link_token
from bot.backend.emails import render_email
from bot.backend.fields import bounded, normalise_email
from bot.backend.limits import record_email_request
from bot.backend.models import Customer, OutboxMessage, PasswordReset
from bot.backend.purge import inactivity_cutoff, was_purged
from bot.domain.identifiers import MAX_CONVERSATION_ID, mask_email

logger = logging.getLogger(__name__)

RESET_TOKEN_VALIDITY = timedelta(hours=1)


def request_password_email(
    context: BackendContext, email: str, conversation_id: Optional[str] = None
) -> None:
    """Sends what fits the address (reset link, deletion notice or nothing) and says nothing
    about which: the caller must not learn whether an account exists."""
    email = normalise_email(email)
    if conversation_id is not None:
        bounded(conversation_id, "conversation_id", MAX_CONVERSATION_ID)
    now = context.clock()
    with context.sessions.begin() as session:
        record_email_request(session, email, conversation_id, context.settings, now)
        message = _password_message(context, session, email, now)
    if message is not None:
        context.mailer.send_later(message.id)


def _password_message(
    context: BackendContext, session: Session, email: str, now: datetime
) -> Optional[OutboxMessage]:
    shop_url = context.settings.shop_url
    customer = session.scalars(select(Customer).where(Customer.email == email)).one_or_none()
    if customer is not None and customer.last_login_at >= inactivity_cutoff(now):
        token, digest = new_link_token()
        session.add(
            PasswordReset(
                customer_id=customer.id,
                token_hash=digest,
                created_at=now,
                expires_at=now + RESET_TOKEN_VALIDITY,
            )
        )
        link = f"{shop_url}/mot-de-passe/reinitialiser?token={token}"
        logger.info("password e-mail for %s: reset link", mask_email(email))
        return context.mailer.queue(
            session,
            email,
            *render_email("password_reset", first_name=customer.first_name, link=link),
        )
    if customer is not None or was_purged(session, email):
        logger.info("password e-mail for %s: deletion notice", mask_email(email))
        return context.mailer.queue(
            session, email, *render_email("account_purged", shop_url=shop_url)
        )
    logger.info("password e-mail for %s: no account, nothing sent", mask_email(email))
    return None
