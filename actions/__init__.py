"""Rasa SDK custom actions: thin wrappers around the logic in `bot/`."""
