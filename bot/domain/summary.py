"""The short summary of a conversation an agent reads with a message left for them."""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping

from bot.domain.repair import topic_list

MAX_SUMMARY_TOPICS = 8


def asked_topics(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """The FAQ topics the customer asked about, in order (from the tracker's events)."""
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name", "")
        for event in events
        if event.get("event") == "user"
    ]
    return topic_list(intents)[:MAX_SUMMARY_TOPICS]


def message_ticket_body(message: str, events: Iterable[Mapping[str, Any]]) -> str:
    """The customer's message first, then what the conversation was about."""
    events = list(events)
    topics = asked_topics(events)
    answers = sum(1 for event in events if event.get("event") == "bot")
    lines = [
        "Message laissé dans le chat pendant la fermeture de la ligne :",
        message.strip(),
        "",
        "Résumé de la conversation :",
        f"- sujets abordés : {', '.join(topics) if topics else 'aucun sujet du compte client'} ;",
        f"- réponses de l'assistant : {answers}.",
    ]
    return "\n".join(lines)
