"""Helpers for the tests that call the web server as a browser does: a cookie jar sending
the page's origin, the agents' log-in with its CSRF token, GET and POST; and messages the
bot cannot understand."""

from __future__ import annotations

import random

import requests


def gibberish() -> str:
    """Words the model never saw: the fallback, and a text no other test sends."""
    consonants = "bcdfghjklmnpqrstvwxz"
    return " ".join("".join(random.choice(consonants) for _ in range(7)) for _ in range(2))


def browser_like(url: str) -> requests.Session:
    """A cookie jar, as one browser has, sending the page's origin as browsers do on POST."""
    session = requests.Session()
    session.base_url = url
    session.headers["Origin"] = url
    return session


def agent_login(session, username: str, password: str) -> requests.Response:
    """Logs an agent in; later calls carry the session's CSRF token, as agent.js does."""
    response = post(session, "/agent/login", {"username": username, "password": password})
    if response.status_code == 200:
        session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response


def post(session, path, body=None, **kwargs):
    return session.post(
        session.base_url + path, json=body if body is not None else {}, timeout=30, **kwargs
    )


def get(session, path, **kwargs):
    return session.get(session.base_url + path, timeout=30, **kwargs)
