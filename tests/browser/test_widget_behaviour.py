"""What made customers stumble in the widget (issue 16), each checked the way a customer
meets it: in Chromium, at desktop, phone and landscape sizes, with the keyboard. The bot's
replies are played by the test (page.route) where only their shape matters."""

import json
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.test_widget import ask, open_widget
from tests.support.browser import fresh_page

LONG_ANSWER = [
    {"text": f"Étape {n}. " + "Cliquez sur « Mon compte » en haut à droite du site. " * 5}
    for n in range(1, 5)
] + [{"text": "Puis-je vous aider pour autre chose\u00a0?", "buttons": []}]


def replies(texts: List[dict]) -> str:
    return json.dumps({"replies": texts})


@pytest.fixture
def desktop(browser: Browser, web_url: str) -> Iterator[Page]:
    """The reporter's laptop: 1366×768."""
    with fresh_page(browser, web_url, 1366, 768) as page:
        yield page


def answer_with(page: Page, texts: List[dict]) -> None:
    page.route(
        "**/chat/messages",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=replies(texts)
        ),
    )


def first_bubble_offset(page: Page) -> float:
    """How far below the top of the log the first bubble of the last answer starts."""
    return page.evaluate(
        """() => {
            const log = document.getElementById("rb-log");
            const users = log.querySelectorAll(".rb-user");
            let node = users[users.length - 1].nextElementSibling;
            while (node && !node.classList.contains("rb-bot")) node = node.nextElementSibling;
            return node.getBoundingClientRect().top - log.getBoundingClientRect().top;
        }"""
    )


def test_a_long_answer_is_read_from_its_first_bubble(desktop: Page):
    answer_with(desktop, LONG_ANSWER)
    open_widget(desktop)
    ask(desktop, "comment modifier mon adresse ?")
    bubbles = desktop.locator(".rb-bot:not(.rb-welcome)")
    expect(bubbles.first).to_be_visible()
    # One after the other, not all at once.
    assert bubbles.count() < len(LONG_ANSWER)
    expect(bubbles).to_have_count(len(LONG_ANSWER))
    expect(desktop.locator("#rb-typing")).to_have_count(0)
    assert 0 <= first_bubble_offset(desktop) <= 16
    # The answer is longer than the log: its end is below, for the customer to scroll to.
    log = desktop.locator("#rb-log")
    assert log.evaluate("l => l.scrollTop + l.clientHeight < l.scrollHeight - 1")


def test_a_single_bubble_taller_than_the_log_is_shown_from_its_top(desktop: Page):
    answer_with(desktop, [{"text": "\n".join(reply["text"] for reply in LONG_ANSWER)}])
    open_widget(desktop)
    ask(desktop, "comment modifier mon adresse ?")
    expect(desktop.locator(".rb-bot:not(.rb-welcome)")).to_have_count(1)
    assert 0 <= first_bubble_offset(desktop) <= 16


def test_reduced_motion_shows_the_whole_answer_at_once(browser: Browser, web_url: str):
    context = browser.new_context(
        base_url=web_url, viewport={"width": 1366, "height": 768}, reduced_motion="reduce"
    )
    page = context.new_page()
    answer_with(page, LONG_ANSWER)
    open_widget(page)
    ask(page, "comment modifier mon adresse ?")
    bubbles = page.locator(".rb-bot:not(.rb-welcome)")
    expect(bubbles.first).to_be_visible()
    assert bubbles.count() == len(LONG_ANSWER)
    assert 0 <= first_bubble_offset(page) <= 16
    context.close()


def test_while_the_bot_answers_the_customer_types_on_escape_closes_and_a_badge_counts(
    page: Page,
):
    held: List[Route] = []

    def bot(route: Route) -> None:
        if not held:
            held.append(route)  # the first answer is slow: the test releases it
            return
        message = route.request.post_data_json["message"]
        route.fulfill(
            status=200,
            content_type="application/json",
            body=replies([{"text": f"Réponse à «\u00a0{message}\u00a0»."}]),
        )

    page.route("**/chat/messages", bot)
    open_widget(page)
    page.keyboard.type("bonjour")
    page.keyboard.press("Enter")
    expect(page.locator("#rb-typing")).to_be_visible()
    # The input stays usable: no focus lost to the page, no keyboard closing on a phone.
    input_ = page.locator("#rb-input")
    expect(input_).to_be_focused()
    expect(input_).to_be_enabled()
    page.keyboard.type("merci")
    page.keyboard.press("Enter")
    expect(page.locator(".rb-user.rb-pending")).to_have_count(2)
    expect(input_).to_have_value("")
    page.keyboard.press("Tab")
    expect(page.locator("#rb-send")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    expect(page.locator("#rb-panel")).to_be_hidden()
    launcher = page.locator("#rb-launcher")
    expect(launcher).to_be_focused()

    held[0].fulfill(
        status=200, content_type="application/json", body=replies([{"text": "Bonjour\u00a0!"}])
    )
    # Both answers arrive while the panel is closed: the queued message went after the first.
    expect(launcher.locator(".rb-badge")).to_have_text("2")
    expect(launcher).to_have_accessible_name("Besoin d'aide\u00a0? (2 nouveaux messages)")
    launcher.click()
    expect(launcher.locator(".rb-badge")).to_be_hidden()
    expect(launcher).to_have_accessible_name("Besoin d'aide\u00a0?")
    texts = page.locator(".rb-msg:not(.rb-welcome)").all_inner_texts()
    assert texts == ["bonjour", "Bonjour\u00a0!", "merci", "Réponse à «\u00a0merci\u00a0»."]


# For each « ? ! : ; » in the element's text: is it on the line of the word before it?
ORPHANS = """(element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const orphans = [];
    const top = (node, index) => {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const rects = range.getClientRects();
        return rects.length ? rects[rects.length - 1].top : null;
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.data;
        for (let i = 2; i < text.length; i += 1) {
            if (!"?!:;»".includes(text[i]) || !/\\s/.test(text[i - 1])) continue;
            const mark = top(node, i), word = top(node, i - 2);
            if (mark !== null && word !== null && Math.abs(mark - word) > 2) {
                orphans.push(text.slice(Math.max(0, i - 12), i + 1));
            }
        }
    }
    return orphans;
}"""


def test_no_punctuation_wraps_alone_onto_the_next_line(page: Page):
    """Measured on the rendered text: with an ordinary space before « ? », the launcher's
    « ? » goes to the next line at 130 px, the confirmation's at 226 px."""
    open_widget(page)
    expect(page.locator(".rb-welcome")).to_contain_text("Bonjour")
    page.click("#rb-new")
    texts = ("#rb-launcher .rb-launcher-text", "#rb-confirm-text", ".rb-welcome .rb-text")
    for element in (page.locator(selector) for selector in texts):
        element.evaluate("e => { e.style.display = 'inline-block'; }")
        # From the width where the longest word and its mark fit (narrower, any break goes).
        for width in range(130, 330, 3):
            element.evaluate(f"e => {{ e.style.width = '{width}px'; }}")
            assert element.evaluate(ORPHANS) == [], f"at {width} px"


def test_a_landscape_phone_keeps_room_for_the_messages(browser: Browser, web_url: str):
    context = browser.new_context(
        base_url=web_url,
        locale="fr-FR",
        viewport={"width": 740, "height": 360},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    open_widget(page)
    assert page.locator("#rb-log").bounding_box()["height"] >= 200
    assert page.locator(".rb-header").bounding_box()["height"] <= 48
    panel = page.locator("#rb-panel").bounding_box()
    assert panel["y"] >= 0 and panel["y"] + panel["height"] <= 360
    context.close()


def test_the_header_holds_on_one_row_with_named_icon_buttons(browser: Browser, web_url: str):
    context = browser.new_context(
        base_url=web_url, locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    open_widget(page)
    assert page.locator(".rb-header").bounding_box()["height"] <= 60
    expect(page.locator("#rb-new")).to_have_accessible_name("Nouvelle conversation")
    expect(page.locator("#rb-close")).to_have_accessible_name("Fermer la discussion")
    context.close()


def test_the_open_panel_leaves_the_page_log_out_button_visible(desktop: Page):
    open_widget(desktop)
    panel = desktop.locator("#rb-panel").bounding_box()
    logout = desktop.locator("#demo-logout").bounding_box()
    assert panel["y"] >= logout["y"] + logout["height"]


def test_the_input_grows_with_the_text_and_enter_sends(page: Page):
    answer_with(page, [{"text": "Bien reçu."}])
    open_widget(page)
    input_ = page.locator("#rb-input")
    one_line = input_.bounding_box()["height"]
    page.keyboard.type("Bonjour,")
    for line in ("j'ai deux comptes", "et je voudrais", "n'en garder qu'un."):
        page.keyboard.press("Shift+Enter")
        page.keyboard.type(line)
    assert input_.input_value().count("\n") == 3
    assert input_.bounding_box()["height"] > one_line + 40
    page.keyboard.press("Enter")
    expect(page.locator(".rb-user").last).to_contain_text("n'en garder qu'un.")
    expect(input_).to_have_value("")
    assert input_.bounding_box()["height"] == one_line


def test_the_log_shows_a_focus_ring_from_the_keyboard(page: Page):
    open_widget(page)
    page.focus("#rb-close")
    page.keyboard.press("Tab")
    log = page.locator("#rb-log")
    expect(log).to_be_focused()
    style = log.evaluate(
        "l => { const s = getComputedStyle(l); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineOffset]; }"
    )
    assert style == ["solid", "3px", "-3px"]


def test_a_new_conversation_is_confirmed_first(page: Page):
    answer_with(page, [{"text": "Bien reçu."}])
    open_widget(page)
    ask(page, "bonjour")
    expect(page.locator(".rb-bot").last).to_have_text("Bien reçu.")
    page.focus("#rb-new")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#rb-confirm-no")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#rb-panel")).to_be_visible()
    expect(page.locator("#rb-new")).to_be_focused()
    expect(page.locator(".rb-user")).to_have_count(1)
    page.keyboard.press("Enter")
    page.click("#rb-confirm-yes")
    expect(page.locator(".rb-user")).to_have_count(0)
    expect(page.locator(".rb-welcome")).to_be_visible()
    expect(page.locator("#rb-input")).to_be_focused()


def test_references_are_never_cut_at_their_hyphen(browser: Browser, web_url: str):
    context = browser.new_context(
        base_url=web_url, locale="fr-FR", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    answer_with(
        page,
        [
            {
                "text": "Voici vos commandes\u00a0:\n• Commande CMD-240117 du 15 novembre 2026"
                "\u00a0: facture FA-240117 du 18 novembre 2026.",
                "links": [
                    {
                        "label": "Télécharger la facture FA-240117 (PDF)",
                        "url": "https://www.123roulement.com/mon-compte/factures/FA-240117.pdf",
                    }
                ],
            }
        ],
    )
    open_widget(page)
    ask(page, "mes factures")
    button = page.locator("a.rb-link-button")
    expect(button).to_have_text("Télécharger la facture FA-240117 (PDF)")
    for reference in page.locator(".rb-bot .rb-nowrap").all():
        assert reference.evaluate("r => r.getClientRects().length") == 1
    assert page.locator(".rb-bot .rb-nowrap").all_inner_texts() == [
        "CMD-240117",
        "FA-240117",
        "FA-240117",
    ]
    context.close()
