"""One client per external service the served processes call: the account backend over
HTTP, Rasa's tracker-store database for erasure and reports."""
