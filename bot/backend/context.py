"""What every operation of the account backend needs, built once per process (the API's
app factory, the purge command) and passed to the operations.

The operations live in one module per concern — `accounts`, `tickets`, `deletion`,
`passwords`, `gdpr`, `purge` — as functions of a `BackendContext`. Each is one unit of
work: it opens its own session and transaction, so that concurrent requests never share
one. Problems the caller can act on are raised as `errors.BackendError`s; the API turns
them into answers (docs/backend-api.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from bot.backend.mailer import Mailer
from bot.backend.models import utcnow
from bot.clients.conversations import ConversationStore
from bot.config import BackendSettings


class BackendContext:
    def __init__(
        self,
        settings: BackendSettings,
        sessions: sessionmaker,
        mailer: Mailer,
        clock: Callable[[], datetime] = utcnow,
        conversations: Optional[ConversationStore] = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.mailer = mailer
        self.clock = clock
        # Rasa's tracker store, where the GDPR erasure deletes conversations; None when
        # the backend is not told where it is.
        self.conversations = conversations or (
            ConversationStore(settings.tracker_store_url) if settings.tracker_store_url else None
        )

    def health(self) -> None:
        """Raises the database's error when it cannot answer."""
        with self.sessions() as session:
            session.execute(text("SELECT 1"))
