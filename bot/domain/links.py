"""Links a reply carries beside its text: invoice downloads, the contact form.

A chat widget shows them as buttons; the text stays for every other client of the REST
channel (with the raw URLs where the customer needs them). They travel as the message's
Rasa `custom` payload, built here by the actions and checked here again by the web server
before the widget sees them (bot/web/chat.py): one home for the shape on both sides.

    {"type": "links", "links": [{"label": "…", "url": "https://…"}], "text": "…"}

`text`, when given, is the message as the widget shows it, without the URLs the buttons
already carry.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

PAYLOAD_TYPE = "links"
MAX_LINKS = 20
MAX_LABEL = 120
MAX_TEXT = 4000


def link(label: str, url: str) -> Dict[str, str]:
    return {"label": label, "url": url}


def links_payload(links: Sequence[Mapping[str, str]], text: Optional[str] = None) -> Dict[str, Any]:
    payload: Dict[str, Any] = {"type": PAYLOAD_TYPE, "links": [dict(item) for item in links]}
    if text is not None:
        payload["text"] = text
    return payload


def _is_web_url(url: str) -> bool:
    if len(url) > 2000 or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _valid_link(item: Any) -> Optional[Dict[str, str]]:
    if not isinstance(item, dict):
        return None
    label, url = item.get("label"), item.get("url")
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
        return None
    return link(label.strip(), url) if isinstance(url, str) and _is_web_url(url) else None


def read_links_payload(custom: Any) -> Optional[Dict[str, Any]]:
    """The payload's checked links and text, or None when it is not a links payload.
    Links that are not http(s) or have no label are dropped, never passed on."""
    if not isinstance(custom, dict) or custom.get("type") != PAYLOAD_TYPE:
        return None
    raw = custom.get("links")
    links: List[Dict[str, str]] = []
    for item in raw[:MAX_LINKS] if isinstance(raw, list) else []:
        valid = _valid_link(item)
        if valid:
            links.append(valid)
    text = custom.get("text")
    return {
        "links": links,
        "text": text if isinstance(text, str) and len(text) <= MAX_TEXT else None,
    }
