"""Helpers shared by the test tiers (imported, never from conftest)."""
