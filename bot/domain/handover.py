"""What the bot says when it hands the customer over to the phone line."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict

from bot.config import PhoneLine, Settings
from bot.domain.hours import describe_hours, describe_reopening, line_status
from bot.domain.links import link, links_payload


def current_time(settings: Settings) -> datetime:
    """Now, unless the configuration fixes the clock (tests, demos)."""
    if settings.fixed_now_file and settings.fixed_now_file.is_file():
        return datetime.fromisoformat(settings.fixed_now_file.read_text().strip())
    return settings.fixed_now or datetime.now(timezone.utc)


def unavailable_text(settings: Settings) -> str:
    """The hand-over when the bot itself cannot work (nginx with no replica or action
    server left, a failed turn): the phone line and its hours, without the "open right
    now" that only the hand-over action tells."""
    line = settings.phone
    return (
        "Je ne peux pas traiter votre demande pour le moment. "
        f"Appelez nos conseillers au {line.number}, {describe_hours(line)}."
    )


def contact_form_links(line: PhoneLine) -> Dict[str, Any]:
    """The contact form the hand-over text mentions, as a link the widget shows as a button."""
    return links_payload([link("Ouvrir le formulaire de contact", line.contact_form_url)])


def handover_response(now: datetime, line: PhoneLine) -> Dict[str, str]:
    """The domain response to utter and the values it is filled with.

    The French wording lives in domain.yml (`utter_handover_open` and
    `utter_handover_closed`); only the facts come from here.
    """
    facts = {"phone": line.number, "hours": describe_hours(line)}
    status = line_status(now, line)
    if status.is_open:
        return {"response": "utter_handover_open", **facts}
    assert status.reopens_at is not None, "a closed line always reopens"
    return {
        "response": "utter_handover_closed",
        "reopening": describe_reopening(now, status.reopens_at),
        **facts,
    }
