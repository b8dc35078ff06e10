"""Ratings in the widget and the review queue of the agents' page (issue 13), in Chromium
against the running stack, each read back from the backend's database."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

import jwt
import requests
from playwright.sync_api import Page, expect

from bot.domain.topics import INTENT_LABELS
from tests.browser.test_pages_quality import log_in_as_agent, serious_violations
from tests.browser.test_widget import ask, open_widget
from tests.support.stack import backend_rows
from tests.support.web import gibberish


def eventually(read: Callable[[], List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """What `read` finds once a request the page sent without waiting has been stored."""
    deadline = time.monotonic() + 10
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def conversation_of(page: Page) -> str:
    """The conversation id of the page's session cookie (signed, not encrypted)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "rb_session")
    return jwt.decode(cookie["value"], options={"verify_signature": False})["conv"]


def feedback_of(stack_settings, conversation: str) -> List[Dict[str, Any]]:
    return backend_rows(
        stack_settings,
        "SELECT rating, comment FROM answer_feedback WHERE conversation_id = :c",
        c=conversation,
    )


def test_a_thumbs_down_with_a_comment_is_stored_then_changed(page: Page, stack_settings):
    open_widget(page)
    ask(page, "comment créer un compte ?")
    bar = page.locator(".rb-feedback").last
    expect(bar).to_have_attribute("aria-label", "Cette réponse vous a-t-elle aidé\u00a0?")
    down = bar.get_by_role("button", name="Réponse pas utile")
    up = bar.get_by_role("button", name="Réponse utile", exact=True)

    down.click()

    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    comment = bar.get_by_label("Qu'est-ce qui n'allait pas\u00a0? (facultatif)")
    expect(comment).to_be_focused()
    assert serious_violations(page, "#rb-root") == []
    comment.fill("Je ne vois pas « nouveau client »")
    comment.press("Enter")
    expect(bar.get_by_role("status")).to_contain_text("Merci, votre commentaire")
    expect(page.locator("#rb-input")).to_be_focused()
    conversation = conversation_of(page)
    assert feedback_of(stack_settings, conversation) == [
        {"rating": "down", "comment": "Je ne vois pas « nouveau client »"}
    ]

    up.click()

    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(bar.get_by_role("status")).to_have_text("Merci pour votre avis\u00a0!")
    assert feedback_of(stack_settings, conversation) == [{"rating": "up", "comment": None}]


def test_the_thumbs_work_from_the_keyboard_and_come_back_with_the_history(
    page: Page, stack_settings
):
    open_widget(page)
    ask(page, "où sont mes factures ?")
    down = page.locator(".rb-feedback").last.get_by_role("button", name="Réponse pas utile")
    down.focus()
    page.keyboard.press("Enter")
    expect(down).to_have_attribute("aria-pressed", "true")
    # No comment: the 👎 alone is stored.
    assert eventually(lambda: feedback_of(stack_settings, conversation_of(page))) == [
        {"rating": "down", "comment": None}
    ]
    page.reload()
    if not page.locator("#rb-panel").is_visible():
        page.click("#rb-launcher")
    expect(page.locator(".rb-feedback")).to_have_count(1)
    expect(page.locator(".rb-welcome")).to_have_count(0)


def test_the_goodbye_asks_how_the_conversation_went(page: Page, stack_settings):
    open_widget(page)
    ask(page, "au revoir")
    prompt = page.get_by_role("group", name="Comment s'est passée cette conversation\u00a0?")
    expect(prompt).to_be_visible()
    assert serious_violations(page, "#rb-root") == []

    prompt.get_by_role("button", name="4 sur 5").click()

    expect(page.locator(".rb-satisfaction")).to_have_text("Merci pour votre avis\u00a0!")
    expect(page.locator("#rb-input")).to_be_focused()
    stored = backend_rows(
        stack_settings,
        "SELECT score FROM conversation_ratings WHERE conversation_id = :c",
        c=conversation_of(page),
    )
    assert stored == [{"score": 4}]
    # Asked once per conversation.
    ask(page, "au revoir")
    expect(page.locator(".rb-feedback")).to_have_count(2)
    expect(page.locator(".rb-score")).to_have_count(0)


def test_the_satisfaction_question_can_be_dismissed(page: Page, stack_settings):
    open_widget(page)
    ask(page, "merci, au revoir")
    page.get_by_role("button", name="Non merci").click()
    expect(page.locator(".rb-satisfaction")).to_have_count(0)
    expect(page.locator("#rb-input")).to_be_focused()
    stored = backend_rows(
        stack_settings,
        "SELECT score FROM conversation_ratings WHERE conversation_id = :c",
        c=conversation_of(page),
    )
    assert stored == []


def test_an_agent_labels_a_missed_message_in_one_click(page: Page, web_url, stack_settings):
    text = gibberish()
    customer = requests.Session()
    response = customer.post(
        web_url + "/chat/messages", json={"message": text}, headers={"Origin": web_url}, timeout=30
    )
    assert response.status_code == 200

    log_in_as_agent(page, stack_settings)
    item = page.locator(".review-item", has_text=text)
    expect(item).to_be_visible()
    expect(item.locator(".outcome")).to_have_text("Non compris")
    assert serious_violations(page, "body") == []
    # The intent the model found closest is chosen already.
    select = item.get_by_label("Bon sujet")
    closest = page.locator(".review-group", has=item).locator("h3").inner_text()
    assert closest.startswith(select.evaluate("s => s.selectedOptions[0].textContent"))
    select.select_option(label="Hors du compte client")
    item.get_by_role("button", name="Étiqueter").click()

    expect(item).to_have_count(0)
    expect(page.locator("#review-status")).to_have_text(
        "Message étiqueté «\u00a0Hors du compte client\u00a0»."
    )
    stored = backend_rows(
        stack_settings, "SELECT intent, agent, source FROM review_labels WHERE text = :t", t=text
    )
    assert stored == [
        {"intent": "out_of_scope", "agent": stack_settings.web.agent_username, "source": "review"}
    ]
    page.click("#review-reload")
    expect(page.locator("#review-status")).not_to_have_text("Chargement…")
    expect(page.locator(".review-item", has_text=text)).to_have_count(0)


def test_using_the_second_suggestion_of_the_assistant_records_a_label(page: Page, stack_settings):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in_as_agent(page, stack_settings)
    message = f"mot de passe {gibberish()}"
    page.fill("#customer-message", message)
    page.click("#suggest")
    suggestions = page.locator(".suggestion")
    expect(suggestions.nth(1)).to_be_visible()
    second_topic = suggestions.nth(1).locator(".intent").inner_text()

    suggestions.nth(0).get_by_role("button", name="Copier").click()
    suggestions.nth(1).get_by_role("button", name="Copier").click()

    expect(suggestions.nth(1).get_by_role("button")).to_have_text("Copié ✓")
    stored = eventually(
        lambda: backend_rows(
            stack_settings,
            "SELECT intent, predicted_intent, agent FROM review_labels WHERE text = :t",
            t=message,
        )
    )
    assert len(stored) == 1 and stored[0]["agent"] == stack_settings.web.agent_username
    assert stored[0]["intent"] != stored[0]["predicted_intent"]
    assert INTENT_LABELS[stored[0]["intent"]] == second_topic
