"""The action server: rasa_sdk's, answering only the Rasa server (issue 12, item 5).

`rasa run actions` runs any tracker anybody posts to /webhook: a forged call opened a
deletion ticket and sent a reset e-mail without the conversation ever asking. Here the
same rasa_sdk application only answers a caller that presents the shared
ACTION_SERVER_TOKEN, which the Rasa server sends with every call
(`Authorization: Bearer …`, set in endpoints.yml). Also, unlike rasa_sdk's defaults:
- no CORS headers (no browser has anything to do here);
- a body that is not an action call as the Rasa server sends it (a JSON object naming the
  action, with a tracker whose fields have their types) gets 400 and is never echoed back
  or logged: rasa_sdk answered 500 to a missing tracker, a list as the slots or a number
  as the action's name (the bad-input run, docs/SOAK.md);
- an action that fails gets 500 with its name only, not the tracker it was given.

The actions get the configuration from their constructor: `main` reads the settings once,
builds an `ActionContext` (the backend client's settings, the phone line, the clock;
actions/common.py) and one instance of every action with it (actions/registry.py), and
registers those instances with rasa_sdk's own `ActionExecutor`. That is why the routes
are declared here rather than by rasa_sdk's `create_app`: `create_app` builds its executor
inside and fills it with `register_package`, which constructs every `Action` subclass it
finds with no argument, so an action could only reach its settings through a process-wide
global. The routes are rasa_sdk 3.6's (`/health`, `/webhook`, `/actions`, its CORS setup
with no origin allowed), minus what the gate above already refused (a body that is not an
action call, compressed ones included).

Started as `python -m bot.rasa_ext.action_server --port 5055` by `make run`, the
cluster and deploy/docker-compose.yml."""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
from typing import Any, Dict, Optional, Sequence, Tuple

from rasa_sdk import Action, utils
from rasa_sdk.endpoint import configure_cors
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from actions.common import ActionContext
from actions.registry import all_actions
from bot.config import load_settings, refuse_placeholder

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
# Paths that run or list actions; /health stays open for supervisors and load balancers.
PROTECTED_PATHS = ("/webhook", "/actions")

logger = logging.getLogger(__name__)


def bearer_matches(header: str, token: str) -> bool:
    """Whether an Authorization header carries exactly `token` (compared in constant time)."""
    scheme, _, presented = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode("utf-8", "surrogatepass"), token.encode()
    )


# The tracker's fields rasa_sdk's Tracker.from_dict reads, and the types they may have.
TRACKER_FIELDS = {
    "sender_id": (str,),
    "slots": (dict,),
    "latest_message": (dict, type(None)),
    "events": (list,),
    "paused": (bool,),
    "followup_action": (str, type(None)),
    "active_loop": (dict, type(None)),
    "latest_action_name": (str, type(None)),
}
# Of the call itself, besides the tracker.
CALL_FIELDS = {"next_action": (str,), "domain": (dict,), "version": (str, type(None))}


def action_call(body: bytes) -> Optional[Dict[str, Any]]:
    """The action call `body` holds, if it has the shape the Rasa server sends."""
    try:
        call = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(call, dict) or not isinstance(call.get("tracker"), dict):
        return None
    tracker = call["tracker"]
    shaped = (
        isinstance(call.get("next_action"), str)
        and "sender_id" in tracker
        and _fields_typed(call, CALL_FIELDS)
        and _fields_typed(tracker, TRACKER_FIELDS)
        and all(isinstance(event, dict) for event in tracker.get("events", []))
    )
    return call if shaped else None


def _fields_typed(values: Dict[str, Any], types: Dict[str, Tuple[type, ...]]) -> bool:
    return all(isinstance(values[name], kinds) for name, kinds in types.items() if name in values)


def action_app(actions: Sequence[Action]) -> Sanic:
    """rasa_sdk's action server application (rasa_sdk.endpoint.create_app), running these
    action instances."""
    executor = ActionExecutor()
    for action in actions:
        executor.register_action(action)
    app = Sanic("rasa_sdk", configure_logging=False)
    configure_cors(app, None)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json_response({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        call = request.json
        utils.check_version_compatibility(call.get("version"))
        try:
            return json_response(await executor.run(call))
        except ActionExecutionRejection as error:
            logger.debug(error)
            return json_response({"error": error.message, "action_name": error.action_name}, 400)
        except ActionNotFoundException as error:
            logger.error(error)
            return json_response({"error": error.message, "action_name": error.action_name}, 404)

    @app.get("/actions")
    async def listed(request: Request) -> HTTPResponse:
        return json_response([{"name": name} for name in executor.actions])

    return app


def secured_app(token: str, actions: Sequence[Action]) -> Sanic:
    """The action server running `actions`, refusing every call to them without `token`."""
    if not token:
        raise ValueError(f"the action server needs {TOKEN_VARIABLE}")
    refuse_placeholder(TOKEN_VARIABLE, token)
    app = action_app(actions)

    @app.on_request
    async def authenticate(request: Request) -> Optional[HTTPResponse]:
        if not request.path.startswith(PROTECTED_PATHS):
            return None
        if not bearer_matches(request.headers.get("authorization", ""), token):
            return json_response({"error": "unauthorized"}, status=401)
        if request.method == "POST":
            call = action_call(request.body)
            if call is None:
                return json_response({"error": "the body must be an action call"}, status=400)
            request.parsed_json = call  # type: ignore[assignment]  # read by `request.json`
        return None

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("action call failed: %s", type(exception).__name__, exc_info=exception)
        return json_response({"error": type(exception).__name__}, status=status)

    # Never rasa_sdk's handler, which echoed the whole request body (the tracker).
    app.error_handler.add(Exception, failed)
    return app


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    settings = load_settings()  # once: the actions get their part through their context
    actions = all_actions(ActionContext.from_settings(settings))
    app = secured_app(settings.action_server_token or "", actions)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
