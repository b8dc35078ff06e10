"""The web server's routes as the app mounts them (bot/web/routes.py); the same-origin
test of every state-changing one is in tests/test_web.py, against the running server."""

from __future__ import annotations

from bot.domain.tickets import DELETION_CONFIRM_PATH, is_ticket_reference
from bot.web.routes import PATH_SAMPLES, state_changing_routes


def test_the_state_changing_routes_are_read_from_the_router():
    routes = state_changing_routes()
    assert routes == sorted(set(routes))
    # Routes of every group: the widget's, its ratings', the agents' and their queue's.
    assert {
        "/chat/messages",
        "/chat/feedback",
        "/chat/satisfaction",
        "/agent/login",
        "/agent/api/review/label",
        DELETION_CONFIRM_PATH,
    } <= set(routes)
    # Only what changes something: no page, no read, no static file.
    assert not {"/", "/health", "/chat/history", "/agent/api/review"} & set(routes)


def test_the_demo_routes_exist_only_in_demo_mode():
    assert set(state_changing_routes()) - set(state_changing_routes(demo_mode=False)) == {
        "/demo/login",
        "/demo/logout",
    }


def test_path_parameters_get_a_sample_naming_nothing_real():
    assert "/agent/api/tickets/T-00000000/process" in state_changing_routes()
    assert is_ticket_reference(PATH_SAMPLES["reference"])
    assert not any("<" in route for route in state_changing_routes())
