"""What a reviewer checks with the browser's tools open: accessibility (axe-core), the
console, the favicon, and the agents' page in French."""

import re
from typing import List

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.test_widget import ask, open_widget

# axe-core comes from PyPI (axe-playwright-python bundles it) and is injected by the test
# only: the served pages never carry it.
AXE = Axe()


def serious_violations(page: Page, context: str) -> List[str]:
    results = AXE.run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def console_errors(page: Page) -> List[ConsoleMessage]:
    errors: List[ConsoleMessage] = []
    page.on("console", lambda message: errors.append(message) if message.type == "error" else None)
    return errors


def log_in_as_agent(page: Page, stack_settings) -> None:
    page.goto("/agent")
    page.fill("#login-user", stack_settings.web.agent_username)
    page.fill("#login-password", stack_settings.web.agent_password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#assistant")).to_be_visible()


def test_the_open_widget_has_no_serious_accessibility_violation(page: Page):
    errors = console_errors(page)
    open_widget(page)
    ask(page, "jai oublier mon mot de pass")
    expect(page.locator(".rb-quick").first).to_be_visible()
    assert serious_violations(page, "#rb-root") == []
    page.click("#rb-new")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert serious_violations(page, "#rb-root") == []
    assert [e.text for e in errors] == []


def test_the_agent_page_has_no_serious_accessibility_violation(page: Page, stack_settings):
    errors = console_errors(page)
    page.goto("/agent")
    expect(page.locator("#login-form")).to_be_visible()
    assert serious_violations(page, "body") == []
    log_in_as_agent(page, stack_settings)
    page.fill("#customer-message", "j'ai deux comptes clients, comment faire ?")
    page.click("#suggest")
    expect(page.locator(".suggestion").first).to_be_visible()
    assert serious_violations(page, "body") == []
    # Logged out, the page asks who is logged in and gets the expected 401: the browser
    # reports that response, the page itself logs nothing.
    expected = [e for e in errors if "/agent/api/me" in (e.location.get("url") or "")]
    assert [e.text for e in errors if e not in expected] == []
    assert all("401" in e.text for e in expected)


def test_the_favicon_is_served(page: Page):
    response = page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")


def test_the_agent_page_speaks_french_and_leaves_out_near_zero_alternatives(
    page: Page, stack_settings
):
    log_in_as_agent(page, stack_settings)
    page.fill("#customer-message", "j'ai deux comptes clients, comment faire ?")
    page.click("#suggest")
    first = page.locator(".suggestion").first
    expect(first.locator(".intent")).to_have_text("J'ai deux comptes")
    for label in page.locator(".suggestion .intent").all_inner_texts():
        assert not re.fullmatch(r"[a-z_]+", label), label
    for confidence in page.locator(".suggestion .confidence").all_inner_texts():
        assert confidence != "confiance 0\u00a0%", confidence
    answer = first.locator(".answer")
    expect(answer).to_contain_text("numéro client")
    expect(answer).not_to_contain_text("formulaire de contact")
    expect(answer).not_to_contain_text("Appelez nos conseillers")
