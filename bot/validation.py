"""Reading the values a customer types when a form asks for them."""
from __future__ import annotations

import re
from typing import List, Optional

# Deliberately simple: the backend validates again, and the reset e-mail itself
# proves the address. Long enough to refuse garbage, short enough for any real address.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}")
CUSTOMER_ID = re.compile(r"(?<![\w])[Cc]?\s?(\d{6,8})(?![\w])")
MAX_EMAIL_LENGTH = 254


def find_emails(text: str) -> List[str]:
    """Every e-mail address in the text, lower-cased, in order, without repeats."""
    found: List[str] = []
    for match in EMAIL.finditer(text or ""):
        address = match.group(0).lower().strip(".")
        if len(address) <= MAX_EMAIL_LENGTH and address not in found:
            found.append(address)
    return found


def parse_email(text: str) -> Optional[str]:
    """The one address of the text; None when there is none or several."""
    emails = find_emails(text)
    return emails[0] if len(emails) == 1 else None


def parse_customer_id(text: str) -> Optional[str]:
    """A customer number as the backend stores it (C + digits), from 6 to 8 digits."""
    if find_emails(text):
        text = EMAIL.sub(" ", text)
    numbers = CUSTOMER_ID.findall(text or "")
    return f"C{numbers[0]}" if len(numbers) == 1 else None


def mask_email(address: str) -> str:
    """For logs: m***@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
