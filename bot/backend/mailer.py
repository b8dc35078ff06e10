"""E-mails of the account backend.

Every message is first written to the `outbox` table, in the transaction of the
operation that wants it sent: the record exists even when SMTP is down or not
configured. When SMTP_HOST is set, the message is then sent from a background
thread, after the commit and after the HTTP answer, so that the time an answer
takes does not tell whether an address has an account.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Callable, Optional

from sqlalchemy.orm import Session, sessionmaker

from bot.backend.models import OutboxMessage, utcnow
from bot.config import BackendSettings
from bot.domain.identifiers import mask_email

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10.0


class Mailer:
    def __init__(
        self,
        settings: BackendSettings,
        sessions: sessionmaker,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        # One thread: sends stay in order and never open many SMTP connections at once.
        self._executor: Optional[ThreadPoolExecutor] = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtp")
            if settings.smtp_host
            else None
        )

    def queue(self, session: Session, to: str, subject: str, body: str) -> OutboxMessage:
        """Adds the message to the outbox within the caller's transaction."""
        message = OutboxMessage(to=to, subject=subject, body=body, created_at=self._clock())
        session.add(message)
        session.flush()
        return message

    def send_later(self, message_id: int) -> None:
        """Sends a committed outbox message by SMTP in the background, if SMTP is configured."""
        if self._executor is not None:
            self._executor.submit(self.send, message_id)

    def send(self, message_id: int) -> bool:
        """Sends one outbox message now and marks it sent; a failure is logged, the message
        stays in the outbox with `sent_at` null."""
        with self._sessions.begin() as session:
            message = session.get(OutboxMessage, message_id)
            email = self._email(message)
        try:
            self._deliver(email)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning(
                "could not send e-mail %s to %s: %s", message_id, mask_email(message.to), error
            )
            return False
        with self._sessions.begin() as session:
            session.get(OutboxMessage, message_id).sent_at = self._clock()
        logger.info("sent e-mail %s to %s", message_id, mask_email(message.to))
        return True

    def _email(self, message: OutboxMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self._settings.mail_from
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(message.created_at.timestamp())
        email["Message-ID"] = make_msgid(domain=self._settings.mail_from.partition("@")[2] or None)
        email.set_content(message.body)
        return email

    def _deliver(self, email: EmailMessage) -> None:
        settings = self._settings
        assert settings.smtp_host, "only called when SMTP_HOST is set"
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(email)
