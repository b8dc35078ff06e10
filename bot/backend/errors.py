"""What the backend's operations refuse, for reasons the caller can act on: the API turns
each into its status (bot/backend/api.py, docs/backend-api.md)."""

from __future__ import annotations


class BackendError(Exception):
    """A request the backend cannot serve, for a reason the caller can act on."""


class InvalidInput(BackendError):
    """A field is missing, of the wrong type, too long or malformed."""


class CustomerNotFound(BackendError):
    pass


class TicketNotFound(BackendError):
    pass


class NotVerified(BackendError):
    """A deletion request nobody has verified yet: it cannot be processed."""


class LinkNotValid(BackendError):
    """A confirmation link that is unknown, already used or expired."""


class ItemNotFound(BackendError):
    """No message of the review queue has this id (labelled by someone else, or never one)."""


class RateLimited(BackendError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry in {retry_after} s")
        self.retry_after = retry_after
