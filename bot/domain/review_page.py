"""Which slice of the agents' review queue a request asks for (issue 13): the customer
messages of the last `days` days, `limit` of the queue's items at a time, newest first.

The queue is computed from Rasa's tracker store, where a busy shop writes thousands of
messages a day: reading the whole table per request (as the first version did) grows
without bound. A page is read by position (keyset paging): `before` is the position of
the last message the previous page decided on — its timestamp, then its event's row id,
so that messages stamped at the same instant are neither repeated nor skipped when a
page ends between them. The database filters and orders by that position
(bot/clients/conversations.py), with an index on the events' timestamp
(bot/rasa_ext/tracker_store.py).

The same rules serve the web server (which answers the agent's page) and the account
backend (which computes the queue); a wrong value is refused with a French sentence
naming the parameter, shown to the agent as is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, Optional

DEFAULT_DAYS = 14
MAX_DAYS = 90
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
DAY_SECONDS = 86400

_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
# A timestamp as Python writes a float (repr) and a row id: « 1764237600.123456_4521 ».
_POSITION = re.compile(r"([0-9]{1,12}(?:\.[0-9]{1,20})?)_([0-9]{1,18})")


class BadPage(ValueError):
    """A parameter of the queue's request that cannot be read; the text says why, in French."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True, order=True)
class Position:
    """Where a customer message sits in the queue's order: its timestamp (seconds since
    the epoch, as Rasa stores it), then its event's row id for messages of the same instant."""

    at: float
    event_id: int

    def token(self) -> str:
        """The text of `before` in the next page's request (repr keeps the float exact)."""
        return f"{self.at!r}_{self.event_id}"

    @classmethod
    def parse(cls, text: str) -> "Position":
        found = _POSITION.fullmatch(text)
        at = float(found.group(1)) if found else math.nan
        if found is None or not math.isfinite(at):
            raise BadPage(
                "before",
                "Le paramètre «\u00a0before\u00a0» doit être la valeur «\u00a0next\u00a0» "
                "de la page précédente.",
            )
        return cls(at, int(found.group(2)))


@dataclass(frozen=True)
class PageRequest:
    days: int = DEFAULT_DAYS
    before: Optional[Position] = None
    limit: int = DEFAULT_LIMIT

    def since(self, now: float) -> float:
        """The first instant of the window (POSIX seconds)."""
        return now - self.days * DAY_SECONDS

    def query(self) -> Dict[str, str]:
        """The request as query parameters (the web server's call to the backend)."""
        query = {"days": str(self.days), "limit": str(self.limit)}
        if self.before is not None:
            query["before"] = self.before.token()
        return query


def _whole_number(text: Optional[str], name: str, default: int, most: int, unit: str) -> int:
    if text is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(text) or not 1 <= int(text) <= most:
        raise BadPage(
            name, f"Le paramètre «\u00a0{name}\u00a0» doit être un nombre de {unit} de 1 à {most}."
        )
    return int(text)


def page_from_query(
    days: Optional[str], before: Optional[str], limit: Optional[str]
) -> PageRequest:
    """The request of `?days=&before=&limit=` (each optional)."""
    return PageRequest(
        days=_whole_number(days, "days", DEFAULT_DAYS, MAX_DAYS, "jours"),
        before=Position.parse(before) if before is not None else None,
        limit=_whole_number(limit, "limit", DEFAULT_LIMIT, MAX_LIMIT, "messages"),
    )
