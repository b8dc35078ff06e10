"""The e-mails the backend sends, one text file each under `emails/`: the first line is
`Subject: …`, then a blank line, then the body with `{placeholders}`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Tuple

TEMPLATES = Path(__file__).with_name("emails")


@lru_cache(maxsize=None)
def _template(name: str) -> Tuple[str, str]:
    header, _, body = (TEMPLATES / f"{name}.txt").read_text(encoding="utf-8").partition("\n\n")
    if not header.startswith("Subject: "):
        raise ValueError(f"{name}.txt must start with 'Subject: '")
    return header.removeprefix("Subject: ").strip(), body


def render_email(name: str, **values: str) -> Tuple[str, str]:
    """(subject, body) of the named e-mail, its placeholders filled in."""
    subject, body = _template(name)
    return subject, body.format(**values)
