"""What a customer's rating may be: one home for the widget's routes (bot/web/feedback.py)
and the backend that stores it (bot/backend/feedback.py)."""

RATINGS = ("up", "down")
# The conversation's rating: 1 (pas du tout satisfait) to 5 (très satisfait).
SCORES = range(1, 6)
# The optional comment after a 👎, in characters.
MAX_COMMENT = 500
