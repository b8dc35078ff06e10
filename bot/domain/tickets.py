"""The tickets the bot opens for the service: their subjects are the contact form's motives
(FAQ), spelled exactly as the agents filter them."""

DELETION_SUBJECT = "Suppression compte"
OTHER_SUBJECT = "Autre motif"
TICKET_SUBJECTS = (DELETION_SUBJECT, OTHER_SUBJECT)
