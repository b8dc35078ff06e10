"""Every route of the web server, mounted in one place, and the list of those that change
something.

`create_app` (bot/web/app.py) mounts them with `add_routes`; `state_changing_routes` reads
the same routes back from Sanic's router, so that the same-origin test (tests/test_web.py)
and the bad-input run (benchmarks/bad_input/web.py) cover every route the app really has,
a route added later included, without a list to keep up to date by hand.
"""

from __future__ import annotations

import re
import warnings
from typing import List, Mapping

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

from bot.web.agent import agent
from bot.web.chat import STATIC, chat
from bot.web.dashboard import dashboard
from bot.web.deletion import deletion
from bot.web.demo import demo
from bot.web.feedback import feedback
from bot.web.http import SAFE_METHODS
from bot.web.metrics import metrics
from bot.web.review import review

# The route groups every web server has; `demo` only in demo mode (bot/web/demo.py).
BLUEPRINTS = (chat, feedback, agent, dashboard, review, metrics, deletion)
# A well-formed value for each path parameter, naming nothing that exists (no ticket is
# T-00000000): what a caller of `state_changing_routes` may send without changing anything
# real. A new parameter needs its sample here.
PATH_SAMPLES: Mapping[str, str] = {"reference": "T-00000000"}
PATH_PARAMETER = re.compile(r"<([^:>]+)(?::[^>]*)?>")


async def health(request: Request) -> HTTPResponse:
    return json({"status": "ok"})


def add_routes(app: Sanic, demo_mode: bool) -> None:
    """Mounts the static files, the route groups (the demo's in demo mode) and /health."""
    app.static("/static", str(STATIC))
    # Browsers ask for it on every page; a 404 there is noise in every console.
    app.static("/favicon.ico", str(STATIC / "favicon.ico"), name="favicon")
    for blueprint in BLUEPRINTS:
        app.blueprint(blueprint)
    if demo_mode:
        app.blueprint(demo)
    app.add_route(health, "/health", methods=["GET"])


def state_changing_routes(demo_mode: bool = True) -> List[str]:
    """The paths of the routes that take a method other than GET, HEAD or OPTIONS, path
    parameters filled from PATH_SAMPLES, sorted; with the demo's routes unless `demo_mode`
    is False. Read from an application of their own, mounted as `create_app` mounts it."""
    with warnings.catch_warnings():
        # Sanic 21.12 (Rasa's pin) warns that apps outside its registry go away in 22.6;
        # in the registry, a second call would find the name taken.
        warnings.simplefilter("ignore", DeprecationWarning)
        app = Sanic("web-routes", register=False, configure_logging=False)
    add_routes(app, demo_mode)
    paths = {
        "/" + PATH_PARAMETER.sub(lambda match: PATH_SAMPLES[match.group(1)], route.path)
        for route in app.router.routes
        if set(route.methods) - SAFE_METHODS
    }
    return sorted(paths)
