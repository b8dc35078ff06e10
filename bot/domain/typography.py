"""French typography for the texts customers read: a non-breaking space (U+00A0) before
« ? », « ! », « : », « ; » and inside « », so that punctuation never wraps alone onto the
next line, and hours written « 8 h », « 19 h 30 ».

domain.yml's responses are written that way (tests/unit/test_typography.py checks every
one); the facts code fills in (hours, reopening days) go through `french`.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_BEFORE = re.compile(r"[ \u202f]+([?!:;»])")
_AFTER = re.compile(r"«[ \u202f]+")
# « 8h », « 19h30 », « 8 h » with an ordinary space; never inside a word or a URL.
_HOURS = re.compile(r"(?<![\w/])(\d{1,2})[ ]?h(\d{2})?(?![\w])")


def french(text: str) -> str:
    """The text with French typography; idempotent."""
    text = _BEFORE.sub(NBSP + r"\1", text)
    text = _AFTER.sub("«" + NBSP, text)
    return _HOURS.sub(_hour, text)


def _hour(match: re.Match[str]) -> str:
    hours, minutes = match.group(1), match.group(2)
    return f"{hours}{NBSP}h{NBSP + minutes if minutes else ''}"
