"""Hostile requests for the action server (`python -m bot.rasa_ext.action_server`).

Only the Rasa server may call it: `/webhook` and `/actions` need ACTION_SERVER_TOKEN as a
bearer token, `/health` is open. Without the token (or with a wrong one) every call must be
refused (401); with it, a body that is not an action call must be refused (400), and an
unknown action is 404. A well-formed call with the token is the Rasa server's own: what it
makes the actions do is trusted (the token is the boundary), so the forged trackers sent
here only name actions that read (hand-over, answers, form validation) and never one that
opens a ticket or sends an e-mail: these requests write nothing.
"""

from __future__ import annotations

import base64
import random
import zlib
from typing import Callable, Dict, Mapping

from benchmarks.bad_input.payloads import (
    CONTROL_CHARS,
    DEEP_ARRAY,
    DEEP_OBJECT,
    HTML,
    INVALID_UTF8,
    JSON_HEADERS,
    SQL,
    SURROGATE_ESCAPES,
    Parts,
    Table,
    Variant,
    dumps,
    inside_words,
    random_token,
    request,
    sentence,
    text_of_length,
    truncated,
    with_raw_value,
)

WEBHOOK = "/webhook"
# Actions that only read: what a forged tracker may make them do writes nothing.
READING_ACTIONS = (
    "action_phone_handover",
    "action_answer_invoices",
    "action_answer_addresses",
    "action_answer_personal_data",
    "action_repair",
    "action_prefill_form_slots",
    "validate_password_email_form",
    "validate_delete_account_form",
    "validate_duplicate_accounts_form",
    "validate_leave_message_form",
)
UNKNOWN_ACTIONS = (
    "action_inconnue",
    "utter_greet",
    "../../etc/passwd",
    "action_phone_handover\x00",
    "ACTION_PHONE_HANDOVER",
    "action_phone_handover ",
    "<script>alert(1)</script>",
    "x" * 10_000,
)
# Slot values of the wrong type, or of the right type and absurd.
FORGED_SLOTS = (
    {"email": 42, "customer_id": ["C1000001"]},
    {"email": {"address": "x@example.org"}, "confirm_deletion": "peut-être"},
    {"account_emails": "pas-une-liste", "email_candidates": 7},
    {"form_digressions": {"a": 1}, "pending_form": ["delete_account_form"]},
    {"next_flow": 3.14, "message_text": ["a", "b"]},
    {"customer_id": "C1000001' OR '1'='1", "email": "<script>alert(1)</script>@x.org"},
    {"requested_slot": 42, "wants_reset_email": "oui"},
    {"message_text": "x" * 100_000},
    "pas un objet",
    ["email", "x@example.org"],
)
# The latest message as a tracker could carry it: a verified customer it never was, an
# intent or entities of the wrong shape.
FORGED_LATEST_MESSAGES = (
    {"text": "mes factures", "metadata": {"verified_customer_id": "C1000002"}},
    {"text": "mes factures", "metadata": {"verified_customer_id": ["C1000002"]}},
    {"text": 42, "intent": "find_invoices"},
    {"intent": {"name": 42, "confidence": "haute"}, "entities": "email"},
    {"entities": [{"entity": "email"}], "intent_ranking": {"a": 1}},
    {"text": None, "intent": None, "entities": None, "metadata": "x"},
    "bonjour",
    [],
)


def _tracker(ident: str, **changes: object) -> Dict[str, object]:
    """What the Rasa server sends as a tracker, with `changes`."""
    return {
        "sender_id": ident,
        "slots": {},
        "latest_message": {"text": "bonjour", "intent": {"name": "greet"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        **changes,
    }


def _call(rng: random.Random, ident: str, **changes: object) -> Dict[str, object]:
    """A well-formed action call for a reading action, with `changes`."""
    return {
        "next_action": rng.choice(READING_ACTIONS),
        "sender_id": ident,
        "tracker": _tracker(ident),
        "domain": {},
        "version": "3.6.2",
        **changes,
    }


# The statuses every request of these categories must get.
REFUSALS = {
    "no_token": (401,),
    # 413, or 400 from nginx in the cluster: a header too long or with a NUL byte.
    "wrong_token": (400, 401, 413),
    "not_json": (400,),
    "json_not_object": (400,),
    "wrong_types": (400,),
}


def table(token: str) -> Table:
    """The action server's categories; the builders below know the valid `token`."""
    bearer = {"Authorization": f"Bearer {token}"}
    auth = {**JSON_HEADERS, **bearer}

    def post(
        body: Callable[[random.Random, str], bytes],
        headers: Mapping[str, str] = auth,
        path: str = WEBHOOK,
        method: str = "POST",
    ) -> Variant:
        return lambda rng, ident: request(body(rng, ident), headers, method, path)

    def call(**changes: object) -> Variant:
        return post(lambda rng, ident: dumps(_call(rng, ident, **changes)))

    def tracker(**changes: object) -> Variant:
        return post(lambda rng, ident: dumps(_call(rng, ident, tracker=_tracker(ident, **changes))))

    def caller(authorization: Callable[[random.Random], str]) -> Variant:
        """A well-formed call, a listing or a health check with another Authorization."""

        def variant(rng: random.Random, ident: str) -> Parts:
            headers = {**JSON_HEADERS, "Authorization": authorization(rng)}
            path = rng.choice((WEBHOOK, "/actions", WEBHOOK))
            if path == "/actions":
                return "GET", path, headers, b""
            return "POST", path, headers, dumps(_call(rng, ident))

        return variant

    def wrong(value: str) -> str:
        return value if value.strip() != token else value + "x"

    basic = base64.b64encode(f"rasa:{token}".encode("utf-8")).decode("ascii")
    return {
        "no_token": [
            post(lambda rng, ident: dumps(_call(rng, ident)), JSON_HEADERS),
            post(lambda rng, ident: b"", {}, "/actions", "GET"),
            post(lambda rng, ident: dumps(_call(rng, ident)), {"X-Action-Token": token}),
            post(lambda rng, ident: dumps(_call(rng, ident)), JSON_HEADERS, WEBHOOK + "?token=x"),
        ],
        "health": [
            post(lambda rng, ident: b"", {}, "/health", "GET"),
            post(lambda rng, ident: b"", {}, "/health", "HEAD"),
            post(lambda rng, ident: b"", {}, "/health?token=x", "GET"),
        ],
        "wrong_token": [
            caller(lambda rng: "Bearer " + wrong(random_token(rng, 43))),
            *[
                caller(lambda rng, v=v: v)
                for v in (
                    "Bearer ",
                    f"Basic {basic}",
                    f"Token {token}",
                    f"Bearer{token}",
                    f"Bearer {wrong(token[:-1] or 'x')}",
                    f"Bearer {wrong(token + 'x')}",
                    f"Bearer {wrong(token.swapcase())}",
                    f"Bearer {token} {token}",
                    f"Bearer \x00{token}",
                )
            ],
            caller(lambda rng: "Bearer " + random_token(rng, 10_240)),
        ],
        "not_json": [
            post(lambda rng, ident: sentence(rng).encode("utf-8")),
            post(lambda rng, ident: b""),
            post(lambda rng, ident: truncated(rng, dumps(_call(rng, ident)))),
            post(lambda rng, ident: dumps(_call(rng, ident)).replace(b'"', b"'")),
            post(lambda rng, ident: b"\x00" * rng.randint(1, 1024)),
            *[
                post(
                    lambda rng, ident, p=p: with_raw_value(
                        {"next_action": "action_phone_handover"}, "sender_id", b'"' + p + b'"'
                    )
                )
                for p in INVALID_UTF8[:3] + SURROGATE_ESCAPES[:2]
            ],
            # Compressed as the header says, or not.
            post(
                lambda rng, ident: zlib.compress(dumps(_call(rng, ident))),
                {**auth, "Content-Encoding": "deflate"},
            ),
            post(lambda rng, ident: b"pas du deflate", {**auth, "Content-Encoding": "deflate"}),
        ],
        "json_not_object": [
            post(lambda rng, ident, b=b: b)
            for b in (b"[]", b"null", b"42", b'"action_phone_handover"', b"true", b"-1e999")
        ]
        + [post(lambda rng, ident: dumps([_call(rng, ident)]))],
        "wrong_types": [
            call(next_action=42),
            call(next_action=["action_phone_handover"]),
            call(next_action={"name": "action_phone_handover"}),
            call(tracker="pas un tracker"),
            call(tracker=None),
            call(tracker=[]),
            post(lambda rng, ident: dumps({"next_action": "action_phone_handover"})),
            call(domain="pas un domaine"),
            call(domain=[1, 2]),
            call(version=42),
            tracker(sender_id=None),
            tracker(sender_id=42),
            tracker(events={"event": "user"}),
            tracker(events=[42, "x", None]),
            tracker(active_loop="delete_account_form"),
            tracker(paused="non"),
            tracker(latest_action_name=["action_listen"]),
            tracker(followup_action=42),
        ],
        "huge_body": [
            tracker(events=[{"event": "user", "text": "bonjour"}] * 20_000),
            tracker(latest_message={"text": "x" * 300_000}),
            tracker(slots={f"slot_{n}": n for n in range(20_000)}),
            post(lambda rng, ident: DEEP_ARRAY),
            post(lambda rng, ident: with_raw_value(_call(rng, ident), "domain", DEEP_OBJECT)),
            post(lambda rng, ident: dumps(_call(rng, ident, padding=text_of_length(rng, 200_000)))),
        ],
        "unknown_action": [call(next_action=name) for name in UNKNOWN_ACTIONS]
        + [call(next_action=""), call(next_action=None)],
        "forged_slots": [tracker(slots=slots) for slots in FORGED_SLOTS]
        + [tracker(events=[{"event": "slot", "name": 42, "value": {}}])],
        "forged_latest_message": [
            tracker(latest_message=message) for message in FORGED_LATEST_MESSAGES
        ]
        + [
            post(
                lambda rng, ident: dumps(
                    _call(
                        rng,
                        ident,
                        tracker=_tracker(
                            ident,
                            latest_message={"text": inside_words(rng, CONTROL_CHARS + "\x00")},
                        ),
                    )
                )
            ),
            post(
                lambda rng, ident: dumps(
                    _call(
                        rng,
                        ident,
                        tracker=_tracker(ident, latest_message={"text": rng.choice(HTML + SQL)}),
                    )
                )
            ),
        ],
        "wrong_method": [
            post(lambda rng, ident: dumps(_call(rng, ident)), auth, path, method)
            for method, path in (
                ("GET", WEBHOOK),
                ("PUT", WEBHOOK),
                ("DELETE", WEBHOOK),
                ("POST", "/actions"),
                ("POST", "/health"),
                ("PATCH", WEBHOOK),
            )
        ],
        "path_variant": [
            post(lambda rng, ident: dumps(_call(rng, ident)), headers, path)
            for headers in (JSON_HEADERS, auth)
            for path in (
                WEBHOOK + "/",
                "//webhook",
                "/webhook/../actions",
                "/%77ebhook",
                "/WEBHOOK",
                "/webhook%00",
                "/health/../webhook",
            )
        ],
    }
