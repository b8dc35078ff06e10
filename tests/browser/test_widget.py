"""The chat widget and the agents' page, in a real browser, against the running stack."""

import dataclasses
import json

import pytest
import requests
from playwright.sync_api import Page, expect

from bot.config import PROJECT_ROOT
from bot.ops.stack import web_spec
from bot.ops.supervisor import free_port
from tests.support.stack import assert_nothing_left, started

SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


def open_widget(page: Page) -> None:
    page.goto("/")
    page.click("#rb-launcher")
    expect(page.locator("#rb-input")).to_be_focused()


def ask(page: Page, text: str) -> None:
    page.fill("#rb-input", text)
    page.click("#rb-send")


def last_bot_text(page: Page) -> str:
    return page.locator(".rb-bot").last.inner_text()


def test_ask_a_faq_question_then_click_a_quick_reply(page: Page):
    open_widget(page)
    ask(page, "jai oublier mon mot de pass")
    expect(page.locator(".rb-bot").filter(has_text="« Mot de passe oublié ? »")).to_be_visible()
    expect(page.locator("#rb-input")).to_have_value("")
    page.locator(".rb-quick", has_text="Non, merci").last.click()
    expect(page.locator(".rb-user").last).to_have_text("Non, merci")
    expect(page.locator(".rb-bot").last).to_contain_text("Je reste à votre disposition")


def test_history_survives_a_reload_and_a_new_conversation_clears_it(page: Page):
    open_widget(page)
    ask(page, "comment créer un compte ?")
    expect(page.locator(".rb-bot").filter(has_text="« nouveau client »")).to_be_visible()
    page.reload()
    if not page.locator("#rb-panel").is_visible():
        page.click("#rb-launcher")
    expect(page.locator(".rb-user").first).to_have_text("comment créer un compte ?")
    expect(page.locator(".rb-bot").filter(has_text="« nouveau client »")).to_be_visible()
    page.click("#rb-new")
    page.click("#rb-confirm-yes")
    expect(page.locator(".rb-user")).to_have_count(0)


def test_logged_in_customer_gets_their_invoices_first_with_download_buttons(page: Page):
    page.goto("/")
    page.select_option("#demo-customer", "C1000001")
    page.click("#demo-login")
    expect(page.locator("#demo-status")).to_contain_text("Marie Durand")
    page.click("#rb-launcher")
    ask(page, "où est ma facture ?")
    answer = page.locator(".rb-bot").filter(has_text="Voici vos commandes")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("pas encore expédiée")
    # Her own list comes before any general explanation: it is what she asked.
    first = page.locator(".rb-user").last.locator("xpath=following-sibling::div[1]")
    expect(first).to_contain_text("Voici vos commandes")
    # Buttons named after the invoice, not raw URLs in the text.
    expect(answer.locator(".rb-text")).not_to_contain_text("https://")
    button = answer.locator("a.rb-link-button").first
    label = button.inner_text()
    assert label.startswith("Télécharger la facture FA-") and label.endswith(" (PDF)")
    number = label.split()[3]
    expect(answer.locator(".rb-text")).to_contain_text(number)
    expect(button).to_have_attribute(
        "href", f"https://www.123roulement.com/mon-compte/factures/{number}.pdf"
    )
    expect(button).to_have_attribute("target", "_blank")
    # The same after a reload: the history carries the links too.
    page.reload()
    if not page.locator("#rb-panel").is_visible():
        page.click("#rb-launcher")
    expect(page.locator("a.rb-link-button").filter(has_text=number)).to_be_visible()


def test_the_hand_over_links_the_contact_form(page: Page, stack_settings):
    open_widget(page)
    ask(page, "je veux parler a un conseiller")
    answer = page.locator(".rb-bot").filter(has_text="02 808 18 02")
    expect(answer).to_be_visible()
    form = answer.locator("a.rb-link-button")
    expect(form).to_have_text("Ouvrir le formulaire de contact")
    expect(form).to_have_attribute("href", stack_settings.phone.contact_form_url)


def test_log_in_and_log_out_clear_the_conversation_on_screen(page: Page):
    open_widget(page)
    ask(page, "bonjour")
    expect(page.locator(".rb-bot").filter(has_text="assistant virtuel")).to_be_visible()
    page.select_option("#demo-customer", "C1000001")
    page.click("#demo-login")
    expect(page.locator("#demo-status")).to_contain_text("Marie Durand")
    expect(page.locator(".rb-user")).to_have_count(0)
    ask(page, "où est ma facture ?")
    expect(page.locator(".rb-bot").filter(has_text="Voici vos commandes")).to_be_visible()
    page.click("#demo-logout")
    expect(page.locator("#demo-status")).to_have_text("Non connecté")
    expect(page.locator(".rb-user")).to_have_count(0)
    expect(page.locator(".rb-bot").filter(has_text="Voici vos commandes")).to_have_count(0)
    expect(page.locator(".rb-welcome")).to_be_visible()
    # The next customer on this computer, after a reload too: nothing of Marie's.
    page.select_option("#demo-customer", "C1000002")
    page.click("#demo-login")
    expect(page.locator("#demo-status")).to_contain_text("C1000002")
    page.reload()
    if not page.locator("#rb-panel").is_visible():
        page.click("#rb-launcher")
    expect(page.locator(".rb-welcome")).to_be_visible()
    expect(page.locator(".rb-user")).to_have_count(0)


XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_user_and_bot_text_is_never_html(page: Page):
    open_widget(page)
    ask(page, XSS)
    expect(page.locator(".rb-user").last).to_have_text(XSS)
    # A bot reply carrying markup (as if a response were compromised) is shown as text too.
    page.route(
        "**/chat/messages",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "replies": [
                        {
                            "text": XSS + ' https://example.com/x"onmouseover=alert(1)',
                            "buttons": [{"title": "<b>bold</b>", "payload": "/greet"}],
                        }
                    ]
                }
            ),
        ),
    )
    ask(page, "bonjour")
    expect(page.locator(".rb-bot").last).to_contain_text("<script>")
    expect(page.locator(".rb-quick").last).to_have_text("<b>bold</b>")
    assert page.locator("#rb-log img, #rb-log script, #rb-log b").count() == 0
    assert page.evaluate("window.__xss") is None
    for href in page.locator("#rb-log a").evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith("https://") and '"' not in href


def test_server_down_shows_the_phone_and_keeps_the_message(page: Page, web):
    open_widget(page)
    server = web["web"]
    server.stop()
    try:
        ask(page, "où trouver mes factures ?")
        error = page.locator(".rb-error").last
        expect(error).to_be_visible()
        expect(error).to_contain_text("02 808 18 02")
        expect(page.locator("#rb-input")).to_have_value("où trouver mes factures ?")
    finally:
        server.start()
        server.wait_ready()
    page.click("#rb-retry")
    expect(page.locator(".rb-bot").filter(has_text="« Mes factures »")).to_be_visible()
    expect(page.locator(".rb-user").filter(has_text="où trouver mes factures ?")).to_have_count(1)


def test_keyboard_only(page: Page):
    page.goto("/")
    page.focus("#rb-launcher")
    page.keyboard.press("Enter")
    expect(page.locator("#rb-input")).to_be_focused()
    page.keyboard.type("bonjour")
    page.keyboard.press("Enter")
    expect(page.locator(".rb-bot").filter(has_text="assistant virtuel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#rb-panel")).to_be_hidden()
    expect(page.locator("#rb-launcher")).to_be_focused()
    assert page.get_attribute("#rb-log", "role") == "log"


def test_widget_screenshots_desktop_and_phone(page: Page, browser, web_url):
    page.goto("/")
    page.select_option("#demo-customer", "C1000001")
    page.click("#demo-login")
    page.click("#rb-launcher")
    ask(page, "Bonjour, où est ma facture ?")
    invoices = page.locator(".rb-bot").filter(has_text="Voici vos commandes")
    expect(invoices).to_be_visible()
    expect(page.locator(".rb-bot").filter(has_text="autre chose")).to_be_visible()
    # Where the log stops when the list opens the answer (a no-op then).
    invoices.evaluate("b => b.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SCREENSHOTS / "widget-desktop.png"), animations="disabled")

    phone = browser.new_context(
        base_url=web_url,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    mobile = phone.new_page()
    mobile.goto("/")
    mobile.click("#rb-launcher")
    ask(mobile, "je veux parler a un conseiller")
    expect(mobile.locator(".rb-bot").filter(has_text="02 808 18 02")).to_be_visible()
    expect(mobile.locator("a.rb-link-button")).to_be_visible()
    box = mobile.locator("#rb-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    mobile.screenshot(path=str(SCREENSHOTS / "widget-phone.png"), animations="disabled")
    phone.close()


def test_agent_page_refuses_without_login_then_ranks_answers(page: Page, stack_settings):
    page.goto("/agent")
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#assistant")).to_be_hidden()
    own_page = {"Origin": stack_settings.web.url}
    suggest = page.request.post("/agent/api/suggest", data={"message": "x"}, headers=own_page)
    assert suggest.status == 401
    page.fill("#login-user", stack_settings.web.agent_username)
    page.fill("#login-password", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("incorrect")
    page.fill("#login-password", stack_settings.web.agent_password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#assistant")).to_be_visible()
    expect(page.locator("#login-form")).to_be_hidden()
    page.fill(
        "#customer-message",
        "Bonjour, je ne retrouve pas la facture de ma commande, pouvez-vous m'aider ?",
    )
    page.fill("#customer-id", "C1000001")
    page.click("#suggest")
    first = page.locator(".suggestion").first
    expect(first.locator(".intent")).to_have_text("Mes factures")
    expect(first.locator(".answer")).to_contain_text("/mon-compte/factures/")
    expect(page.locator("#account")).to_contain_text("Marie Durand")
    expect(page.locator("#handover")).to_contain_text("02 808 18 02")
    page.screenshot(path=str(SCREENSHOTS / "agent.png"), full_page=True)

    # Closing a ticket: confirmed in a dialog, answered in the page.
    ticket = requests.post(
        f"{stack_settings.backend.url}/tickets",
        timeout=10,
        json={
            "subject": "Autre motif",
            "email": "paul.petit@example.com",
            "body": "Deux comptes",
            "conversation_id": "browser-agent-ticket",
        },
        headers={"Authorization": f"Bearer {stack_settings.backend.api_token}"},
    ).json()
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#ticket-reference", ticket["reference"])
    page.click("#process-ticket")
    expect(page.locator("#ticket-result")).to_contain_text("marqué comme traité")
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#ticket-reference", "T-00000000")
    page.click("#process-ticket")
    expect(page.locator("#ticket-error")).to_contain_text("Aucun ticket")
    # A deletion request nobody confirmed is shown as such and stays unprocessed.
    unverified = requests.post(
        f"{stack_settings.backend.url}/tickets",
        timeout=10,
        json={
            "subject": "Suppression compte",
            "email": "personne@example.com",
            "body": "Suppression",
            "conversation_id": "browser-agent-deletion",
        },
        headers={"Authorization": f"Bearer {stack_settings.backend.api_token}"},
    ).json()
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#ticket-reference", unverified["reference"])
    page.click("#process-ticket")
    expect(page.locator("#ticket-error")).to_contain_text("« non vérifiée »")


@pytest.fixture(scope="module")
def short_log_in_url(backend, bot_stack, stack_settings):
    """A web server whose demo log-ins last 4 seconds."""
    tokens = dataclasses.replace(stack_settings.tokens, lifetime_seconds=4)
    web = dataclasses.replace(stack_settings.web, port=free_port())
    spec = web_spec(dataclasses.replace(stack_settings, web=web, tokens=tokens))
    stack = started([spec], logs="logs-short-log-in")
    with stack:
        yield web.url
    assert_nothing_left(stack)


def test_the_end_of_a_log_in_clears_the_conversation_on_screen(browser, short_log_in_url):
    context = browser.new_context(base_url=short_log_in_url, locale="fr-FR")
    page = context.new_page()
    page.goto("/")
    page.select_option("#demo-customer", "C1000001")
    page.click("#demo-login")
    expect(page.locator("#demo-status")).to_contain_text("Marie Durand")
    page.click("#rb-launcher")
    ask(page, "où est ma facture ?")
    expect(page.locator(".rb-user")).to_have_count(1)
    # Nobody touches the page: when the log-in ends, the page and the widget say so.
    expect(page.locator("#demo-status")).to_have_text("Non connecté", timeout=10_000)
    expect(page.locator(".rb-user")).to_have_count(0)
    expect(page.locator(".rb-welcome")).to_be_visible()
    context.close()
