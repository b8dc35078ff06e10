"""The actions reach the backend over kept-alive connections: one TCP connection serves
many calls (a client per call opened one per call, issue 14's action-server profile)."""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actions.common import ActionContext
from bot.config import load_settings


class Backend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Sanic answers
    connections = 0

    def setup(self) -> None:
        super().setup()
        type(self).connections += 1

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps(
            {
                "customer_id": "C1000001",
                "first_name": "Marie",
                "last_name": "Durand",
                "email": "marie.durand@example.com",
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def backend():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    Backend.connections = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_calls_of_one_action_server_share_a_connection(backend):
    settings = load_settings({})
    context = ActionContext.from_settings(settings)
    context = dataclasses.replace(
        context, backend=dataclasses.replace(settings.backend, host="127.0.0.1", port=backend)
    )
    for _ in range(5):
        assert context.account_client().customer("C1000001").first_name == "Marie"
    assert Backend.connections == 1
