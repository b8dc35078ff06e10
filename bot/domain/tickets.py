"""The tickets the bot opens for the service: their subjects are the contact form's motives
(FAQ), spelled exactly as the agents filter them."""

import re

DELETION_SUBJECT = "Suppression compte"
OTHER_SUBJECT = "Autre motif"
TICKET_SUBJECTS = (DELETION_SUBJECT, OTHER_SUBJECT)

# Where the link of the « Confirmez la suppression de votre compte » e-mail leads, on the
# web server (bot/web/deletion.py); the backend builds the link, the web server serves it.
DELETION_CONFIRM_PATH = "/suppression-compte/confirmer"
# A deletion ticket's verification: only a verified one can be processed (issue 12).
VERIFIED, PENDING = "verified", "pending"

# A ticket's reference: `T-` and 8 Crockford base32 characters (bot/backend/tickets.py
# draws them). Anything else names no ticket, and is not sent to the backend.
CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TICKET_REFERENCE = re.compile(f"T-[{CROCKFORD_BASE32}]{{8}}")


def is_ticket_reference(text: str) -> bool:
    return TICKET_REFERENCE.fullmatch(text) is not None
