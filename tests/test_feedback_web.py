"""Ratings and the review queue through the web server (docs/web-api.md), with the whole bot
behind it: the widget's 👍/👎 and satisfaction routes, the agents' review queue and labels,
each read back from the backend's database."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import jwt
import pytest

from tests.support.stack import backend_rows
from tests.support.web import browser_like, get, gibberish, post


@pytest.fixture
def customer(web_url):
    return browser_like(web_url)


def conversation_of(session) -> str:
    """The conversation id in the session cookie (signed, not encrypted: the test reads it)."""
    cookie = session.cookies.get("rb_session")
    return jwt.decode(cookie, options={"verify_signature": False})["conv"]


def ask(session, message: str) -> List[Dict[str, Any]]:
    response = post(session, "/chat/messages", {"message": message})
    assert response.status_code == 200
    return response.json()["replies"]


def feedback_of(stack_settings, conversation: str) -> List[Dict[str, Any]]:
    return backend_rows(
        stack_settings,
        "SELECT answer_at, rating, comment FROM answer_feedback WHERE conversation_id = :c",
        c=conversation,
    )


def test_replies_carry_their_answer_id_and_the_goodbye_closes(customer):
    replies = ask(customer, "comment créer un compte ?")
    assert replies and all(isinstance(r["at"], float) for r in replies)
    assert not any(r["closing"] for r in replies)
    bye = ask(customer, "au revoir")
    assert bye[-1]["closing"] is True
    history = [m for m in get(customer, "/chat/history").json()["messages"] if m["from"] == "bot"]
    assert {r["at"] for r in replies} <= {m["at"] for m in history}
    assert history[-1]["closing"] is True


def test_a_thumbs_down_with_a_comment_is_stored_for_the_whole_answer(customer, stack_settings):
    replies = ask(customer, "comment créer un compte ?")
    conversation = conversation_of(customer)
    # The thumbs sit under the answer's last bubble: it names the answer's first message.
    last = replies[-1]["at"]
    body = {"answer_at": last, "rating": "down", "comment": "Je n'ai pas « nouveau client »"}

    assert post(customer, "/chat/feedback", body).status_code == 204

    assert feedback_of(stack_settings, conversation) == [
        {"answer_at": replies[0]["at"], "rating": "down", "comment": body["comment"]}
    ]
    assert post(customer, "/chat/feedback", {"answer_at": last, "rating": "up"}).status_code == 204
    assert feedback_of(stack_settings, conversation) == [
        {"answer_at": replies[0]["at"], "rating": "up", "comment": None}
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"answer_at": "x", "rating": "up"},
        {"answer_at": True, "rating": "up"},
        {"answer_at": 12.5, "rating": "up"},  # no such answer in this conversation
        {"answer_at": "ANSWER", "rating": "bof"},
        {"answer_at": "ANSWER", "rating": "down", "comment": "x" * 501},
        {"answer_at": "ANSWER", "rating": "down", "comment": ["liste"]},
    ],
)
def test_bad_ratings_get_a_clear_400(customer, stack_settings, body):
    at = ask(customer, "bonjour")[0]["at"]
    body = {key: (at if value == "ANSWER" else value) for key, value in body.items()}
    response = post(customer, "/chat/feedback", body)
    assert response.status_code == 400 and response.json()["message"]
    assert feedback_of(stack_settings, conversation_of(customer)) == []


def test_another_conversation_s_answer_cannot_be_rated(web_url, customer, stack_settings):
    at = ask(customer, "bonjour")[0]["at"]
    stranger = browser_like(web_url)
    ask(stranger, "merci")
    response = post(stranger, "/chat/feedback", {"answer_at": at, "rating": "down"})
    assert response.status_code == 400
    assert feedback_of(stack_settings, conversation_of(customer)) == []
    # A browser with no conversation yet has nothing to rate.
    response = post(browser_like(web_url), "/chat/satisfaction", {"score": 5})
    assert response.status_code == 400


def test_the_conversation_rating_is_stored(customer, stack_settings):
    ask(customer, "au revoir")
    for score in (0, 6, "5", 4.5, None):
        assert post(customer, "/chat/satisfaction", {"score": score}).status_code == 400
    assert post(customer, "/chat/satisfaction", {"score": 4}).status_code == 204
    stored = backend_rows(
        stack_settings,
        "SELECT score FROM conversation_ratings WHERE conversation_id = :c",
        c=conversation_of(customer),
    )
    assert stored == [{"score": 4}]


def test_rating_routes_refuse_other_sites(web_url):
    session = browser_like(web_url)
    session.headers["Origin"] = "https://evil.example"
    assert post(session, "/chat/feedback", {"answer_at": 1.0, "rating": "up"}).status_code == 403


def queue_items(agent_session) -> List[Dict[str, Any]]:
    response = get(agent_session, "/agent/api/review")
    assert response.status_code == 200
    return [
        {**item, "closest_intent": group["closest_intent"]}
        for group in response.json()["groups"]
        for item in group["items"]
    ]


def test_the_review_queue_shows_misses_and_thumbs_down_until_labelled(
    customer, agent_session, stack_settings
):
    ask(customer, "qsdfgh jklm")
    liked = ask(customer, "comment créer un compte ?")
    post(customer, "/chat/feedback", {"answer_at": liked[0]["at"], "rating": "down"})
    conversation = conversation_of(customer)

    mine = [i for i in queue_items(agent_session) if i["conversation"] == conversation]

    assert [(i["text"], i["outcome"]) for i in mine] == [
        ("comment créer un compte ?", "thumbs_down"),
        ("qsdfgh jklm", "fallback"),
    ]
    thumbs, fallback = mine
    assert thumbs["closest_intent"] == "create_account"
    label = post(
        agent_session,
        "/agent/api/review/label",
        {"id": fallback["id"], "conversation": conversation, "intent": "out_of_scope"},
    )
    assert label.status_code == 200
    dismiss = post(
        agent_session,
        "/agent/api/review/label",
        {"id": thumbs["id"], "conversation": conversation, "intent": None},
    )
    assert dismiss.status_code == 200
    assert not [i for i in queue_items(agent_session) if i["conversation"] == conversation]
    stored = backend_rows(
        stack_settings,
        "SELECT text, intent, agent, source FROM review_labels WHERE conversation_id = :c "
        "ORDER BY id",
        c=conversation,
    )
    name = stack_settings.web.agent_username
    assert stored == [
        {"text": "qsdfgh jklm", "intent": "out_of_scope", "agent": name, "source": "review"},
        {"text": "comment créer un compte ?", "intent": None, "agent": name, "source": "review"},
    ]


def test_labels_are_checked(agent_session):
    for body, status in (
        ({"id": "0" * 24, "conversation": "c", "intent": None}, 404),
        ({"id": "0" * 24, "conversation": "c", "intent": "pas_un_sujet"}, 400),
        ({"id": "../x", "conversation": "c", "intent": None}, 400),
        ({"conversation": "c", "intent": None}, 400),
        ({"id": "0" * 24, "intent": None}, 400),
        ({"id": "0" * 24, "conversation": ["c"], "intent": None}, 400),
        ({"id": "0" * 24, "conversation": "c" * 201, "intent": None}, 400),
    ):
        response = post(agent_session, "/agent/api/review/label", body)
        assert response.status_code == status and response.json()["message"], body


def test_the_review_queue_comes_page_after_page(customer, agent_session):
    older_text, newest_text = gibberish(), gibberish()
    ask(customer, older_text)
    ask(customer, newest_text)
    first = get(agent_session, "/agent/api/review?limit=1&days=1")
    assert first.status_code == 200
    body = first.json()
    [[newest]] = [group["items"] for group in body["groups"]]
    assert newest["text"] == newest_text and body["days"] == 1
    second = get(agent_session, "/agent/api/review", params={"limit": 1, "before": body["next"]})
    assert second.status_code == 200
    [[older]] = [group["items"] for group in second.json()["groups"]]
    assert older["text"] == older_text


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("days=0", "days"),
        ("days=91", "days"),
        ("days=1.5", "days"),
        ("limit=201", "limit"),
        ("limit=%00", "limit"),
        ("before=hier", "before"),
        ("before=1e999_1", "before"),
        ("before=1764237600.0_99999999999999999999", "before"),
    ],
)
def test_bad_pages_of_the_review_queue_get_a_clear_400(agent_session, query, parameter):
    response = get(agent_session, f"/agent/api/review?{query}")
    assert response.status_code == 400
    assert f"Le paramètre «\u00a0{parameter}\u00a0»" in response.json()["message"]


def test_using_a_lower_suggestion_of_the_assistant_records_a_label(agent_session, stack_settings):
    message = f"je n'arrive plus à rentrer sur le site {uuid.uuid4().hex[:6]}"
    body = {"message": message, "intent": "login_problem", "predicted_intent": "forgot_password"}

    assert post(agent_session, "/agent/api/review/assistant-label", body).status_code == 201

    stored = backend_rows(
        stack_settings,
        "SELECT intent, predicted_intent, agent, source FROM review_labels WHERE text = :t",
        t=message,
    )
    assert stored == [
        {
            "intent": "login_problem",
            "predicted_intent": "forgot_password",
            "agent": stack_settings.web.agent_username,
            "source": "assistant",
        }
    ]
    wrong = {"message": message, "intent": None}
    assert post(agent_session, "/agent/api/review/assistant-label", wrong).status_code == 400


def test_the_review_queue_needs_an_agent(customer, web_url):
    assert get(customer, "/agent/api/review").status_code == 401
    response = post(customer, "/agent/api/review/label", {"id": "0" * 24, "intent": None})
    assert response.status_code == 401


def test_the_dashboard_counts_the_ratings(customer, agent_session):
    def feedback() -> Dict[str, Any]:
        response = get(agent_session, "/agent/api/stats")
        assert response.status_code == 200
        return response.json()["feedback"]

    before = feedback()
    at = ask(customer, "comment créer un compte ?")[0]["at"]
    post(customer, "/chat/feedback", {"answer_at": at, "rating": "down"})
    post(customer, "/chat/satisfaction", {"score": 2})

    after = feedback()

    assert after["thumbs_down"] == before["thumbs_down"] + 1
    assert after["satisfaction"]["responses"] == before["satisfaction"]["responses"] + 1
