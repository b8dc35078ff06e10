"""Input checks in front of Rasa's `POST /model/parse` (issue 12, Low list).

Rasa 3.6 answers 500 to a parse request whose body is not JSON or not an object
(`emulator.normalise_request_json` fails inside a catch-all), and parses any length: the
bad-input run measured a 300,000-character text holding a Rasa server for over 60 s, every
other request of that replica waiting behind it (docs/SOAK.md). Only callers with
RASA_AUTH_TOKEN reach the route (the web server, operators), but a mistake there should
cost a 400, not a stuck replica. Here, before Rasa's handler:
- a body over MAX_PARSE_BODY_BYTES is 413 (nginx's `client_max_body_size` in the cluster,
  so that both layouts refuse the same);
- a body that is not a JSON object with a `text` string of valid Unicode is 400;
- a text over MAX_PASTED_LENGTH characters (what the agents' assistant sends at most) is
  400.
The checks only run for a request that carries the right token: any other is left to
Rasa, which refuses it (401) as before, whatever its body.

Installed by the REST channel (bot/rasa_ext/rest_channel.py), which every Rasa server of
ours loads, as a request middleware on Rasa's Sanic application, with the RASA_AUTH_TOKEN
of the settings the channel was built with.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Callable, Coroutine, Optional

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.domain.messages import MAX_PASTED_LENGTH

PARSE_ROUTE = "model/parse"
MAX_PARSE_BODY_BYTES = 256 * 1024


def _refusal(status: int, reason: str, message: str) -> HTTPResponse:
    """Rasa's own error shape (rasa.server.ErrorResponse)."""
    return json_response(
        {"version": "", "status": "failure", "message": message, "reason": reason, "code": status},
        status=status,
    )


def _text(body: bytes) -> Any:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload.get("text") if isinstance(payload, dict) else None


def parse_problem(body: bytes) -> Optional[HTTPResponse]:
    """The refusal a parse request's body deserves; None when Rasa may parse it."""
    if len(body) > MAX_PARSE_BODY_BYTES:
        return _refusal(413, "PayloadTooLarge", f"The body is over {MAX_PARSE_BODY_BYTES} bytes.")
    text = _text(body)
    if not isinstance(text, str):
        return _refusal(400, "BadRequest", 'Send a JSON object with a "text" string.')
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _refusal(400, "BadRequest", 'The "text" is not valid Unicode.')
    if len(text) > MAX_PASTED_LENGTH:
        return _refusal(400, "BadRequest", f"The text is over {MAX_PASTED_LENGTH} characters.")
    return None


def _authenticated(request: Request, token: Optional[str]) -> bool:
    """Rasa's own rule (rasa.server.requires_auth): the `token` query parameter."""
    provided = request.args.get("token")
    if not token or not provided:
        return False
    return hmac.compare_digest(provided.encode("utf-8", "surrogatepass"), token.encode())


Middleware = Callable[[Request], Coroutine[Any, Any, Optional[HTTPResponse]]]


def guard(token: Optional[str]) -> Middleware:
    """The middleware checking the parse requests that carry `token`."""

    async def check(request: Request) -> Optional[HTTPResponse]:
        # The route Sanic matched, whatever spelling of the path led to it.
        route = request.route
        if request.method != "POST" or route is None or route.path != PARSE_ROUTE:
            return None
        if not _authenticated(request, token):
            return None
        return parse_problem(request.body)

    return check


def install(app: Sanic, token: Optional[str]) -> None:
    """Adds the checks to Rasa's application (before any of its handlers runs); `token` is
    the RASA_AUTH_TOKEN Rasa's API requires."""
    app.register_middleware(guard(token), "request")
