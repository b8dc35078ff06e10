"""The agents' review queue (« À revoir ») in Chromium against the running stack: known
misses written into the stack's tracker store are shown by topic with what went wrong (the
run saves docs/screenshots/review.png, shown in the README), and a queue longer than a page
is read on with « Afficher les plus anciennes », from the keyboard."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional

import pytest
from playwright.sync_api import Page, expect

from bot.clients.account import AccountClient
from tests.browser.test_pages_quality import log_in_as_agent, serious_violations
from tests.browser.test_widget import SCREENSHOTS
from tests.support.conversations import Conversation, save
from tests.support.web import get, post

# The page asks for 50 messages at a time (the API's default).
PAGE = 50


def queue_page(agent_session, before: Optional[str]) -> Dict[str, Any]:
    params = {"days": 90, "limit": 200, **({"before": before} if before else {})}
    response = get(agent_session, "/agent/api/review", params=params)
    assert response.status_code == 200
    return response.json()


def dismiss_everything(agent_session) -> None:
    """Every message of the queue ignored, as an agent would: the page then shows only what
    the test writes, whatever ran before in the session."""
    before: Optional[str] = None
    for _ in range(100):
        body = queue_page(agent_session, before)
        for group in body["groups"]:
            for item in group["items"]:
                label = {"id": item["id"], "conversation": item["conversation"], "intent": None}
                assert post(agent_session, "/agent/api/review/label", label).status_code == 200
        if body["next"] is None:
            return
        before = body["next"]
    raise AssertionError("the queue never ended")


@pytest.fixture
def empty_queue(agent_session) -> Iterator[None]:
    """The queue emptied before the test, and after it: what it writes is not left for the
    pages and screenshots of the tests after it."""
    dismiss_everything(agent_session)
    yield
    dismiss_everything(agent_session)


def minutes_ago(minutes: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).isoformat()


def sender(name: str) -> str:
    return f"review-{name}-{uuid.uuid4().hex[:8]}"


def a_few_misses() -> List[Conversation]:
    """One of each thing that puts a message in the queue, as customers write them."""
    return [
        Conversation(sender("handover"), minutes_ago(40)).turn(
            "vous avez le roulement 6204-2RS en stock ? marc.dupont@gmail.com",
            "out_of_scope",
            "action:action_repair",
            "bot:utter_out_of_scope",
            "action:action_phone_handover",
            "bot:utter_handover_open",
            closest="out_of_scope",
            confidence=0.81,
        ),
        Conversation(sender("fallback"), minutes_ago(30)).turn(
            "il me faut une facture pro forma pour mon comptable",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_fallback_topics",
            closest="find_invoices",
            confidence=0.34,
        ),
        Conversation(sender("low"), minutes_ago(25)).turn(
            "vous pouvez livrer chez mon voisin ?",
            "manage_addresses",
            "utter_manage_addresses",
            confidence=0.52,
        ),
        Conversation(sender("clarify"), minutes_ago(20)).turn(
            "changer l'adresse",
            "nlu_fallback",
            "action:action_repair",
            "bot:utter_clarify",
            closest="manage_addresses",
            confidence=0.46,
        ),
        Conversation(sender("thumbs"), minutes_ago(10)).turn(
            "je trouve pas la facture de ma commande de mars",
            "find_invoices",
            "utter_find_invoices",
            confidence=0.93,
        ),
    ]


def test_the_queue_shows_what_the_bot_missed_by_topic(page: Page, stack_settings, empty_queue):
    misses = a_few_misses()
    save(stack_settings.tracker_db, misses)
    thumbs = misses[-1]
    # The customer's 👎 on the answer, with a comment (the widget sends it through the web
    # server, which checks the answer; here straight to the backend).
    AccountClient(stack_settings.backend).rate_answer(
        thumbs.sender, thumbs.clock, "down", "Je n'ai pas de bouton « Télécharger »"
    )

    log_in_as_agent(page, stack_settings)

    review = page.locator("#review")
    expect(review.locator(".review-item")).to_have_count(5)
    expect(review.locator("h3")).to_have_text(
        [
            "Mes factures (2)",
            "Adresses de livraison ou de facturation (2)",
            "Hors du compte client (1)",
        ]
    )
    expect(review.locator(".review-item .outcome")).to_have_text(
        [
            "Réponse jugée inutile par le client",
            "Non compris",
            "Question de précision",
            "Confiance faible",
            "Passé à un conseiller",
        ]
    )
    expect(review.locator(".comment")).to_have_text(
        "Commentaire du client\u00a0: Je n'ai pas de bouton « Télécharger »"
    )
    expect(review.locator(".review-item", has_text="6204-2RS")).to_contain_text("m***@gmail.com")
    expect(page.locator("#review-status")).to_have_text("5 message(s) à revoir.")
    expect(page.locator("#review-more")).to_be_hidden()
    assert serious_violations(page, "#review") == []
    review.screenshot(path=str(SCREENSHOTS / "review.png"), animations="disabled")


def test_older_messages_come_a_page_at_a_time_from_the_keyboard(
    page: Page, stack_settings, empty_queue
):
    texts = [f"message incompris numéro {n}" for n in range(PAGE + 5)]
    save(
        stack_settings.tracker_db,
        [
            Conversation(sender("page"), minutes_ago(100 + n)).turn(
                text,
                "nlu_fallback",
                "action:action_repair",
                "bot:utter_fallback_topics",
                closest="login_problem",
            )
            for n, text in enumerate(texts)
        ],
    )

    log_in_as_agent(page, stack_settings)

    items = page.locator("#review .review-item")
    expect(items).to_have_count(PAGE)
    expect(page.locator("#review-status")).to_have_text(
        f"{PAGE} message(s) à revoir affichés\u00a0; d'autres, plus anciens, suivent."
    )
    more = page.get_by_role("button", name="Afficher les plus anciennes")
    expect(more).to_be_visible()
    assert serious_violations(page, "#review") == []
    more.focus()
    page.keyboard.press("Enter")

    expect(items).to_have_count(PAGE + 5)
    expect(items.locator(".answer")).to_have_text(texts)
    expect(more).to_be_hidden()
    expect(page.locator("#review h3")).to_have_text([f"Problème de connexion ({PAGE + 5})"])
    # The focus is on the first message added, ready to label it.
    expect(items.nth(PAGE).get_by_label("Bon sujet")).to_be_focused()
    expect(page.locator("#review-status")).to_have_text(f"{PAGE + 5} message(s) à revoir.")
