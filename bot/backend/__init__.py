"""The reference account backend of the shop (contract: docs/backend-api.md).

Run with `python -m bot.backend serve`; the bot's actions reach it over HTTP only.
"""
