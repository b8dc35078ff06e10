"""The agents' dashboard in a real browser: a week of known conversations is written into
the running stack's tracker store, and the page shows their figures, the reasons, the
topics and the daily plot (drawn as SVG by dashboard.js), with no serious accessibility
violation; the run saves docs/screenshots/dashboard.png."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages_quality import console_errors, log_in_as_agent, serious_violations
from tests.browser.test_widget import SCREENSHOTS
from tests.support.conversations import WEEK, save, seeded_week


@pytest.fixture(scope="module")
def seeded_period(stack_settings, web_url):
    """The 7 days before today, holding only the seeded week (the other tests talk today)."""
    timezone = stack_settings.phone.timezone
    yesterday = datetime.now(ZoneInfo(timezone)).date() - timedelta(days=1)
    save(stack_settings.tracker_db, seeded_week(yesterday, timezone))
    return (yesterday - timedelta(days=len(WEEK) - 1)).isoformat(), yesterday.isoformat()


def show_period(page: Page, first: str, last: str) -> None:
    page.fill("#dashboard-from", first)
    page.fill("#dashboard-to", last)
    page.click("#dashboard-period button[type=submit]")


def card(page: Page, title: str):
    return page.locator(".card", has=page.locator(".card-title", has_text=title))


def test_the_dashboard_shows_the_figures_and_the_daily_plot(
    page: Page, stack_settings, seeded_period
):
    errors = console_errors(page)
    log_in_as_agent(page, stack_settings)
    dashboard = page.locator("#dashboard")
    # The last 7 days are shown at once.
    expect(dashboard.locator(".card")).to_have_count(6)

    show_period(page, *seeded_period)

    expect(card(page, "Conversations").locator(".card-value")).to_have_text("45")
    expect(card(page, "Résolues sans conseiller").locator(".card-value")).to_have_text(
        "64,4\u00a0%"
    )
    expect(card(page, "Passages à un conseiller").locator(".card-detail")).to_have_text(
        "16 conversation(s)"
    )
    reasons = dashboard.locator("table.reasons")
    expect(reasons.locator("tr", has_text="À la demande du client")).to_contain_text("6")
    expect(reasons.locator("tr", has_text="ligne téléphonique fermée")).to_contain_text("5")
    expect(dashboard.locator(".ranking").first.locator("li").first).to_contain_text("Salutation")
    plot = dashboard.locator("svg.trend")
    expect(plot).to_be_visible()
    expect(plot.locator("polyline")).to_have_count(3)
    expect(plot.locator("circle")).to_have_count(3 * len(WEEK))
    box = plot.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100
    fourth_day = datetime.fromisoformat(seeded_period[0]) + timedelta(days=3)
    expect(plot.locator("circle.series-conversations title").nth(3)).to_have_text(
        f"Conversations, {fourth_day:%d/%m}\u00a0: {WEEK[3]}"
    )
    assert serious_violations(page, "#dashboard") == []
    dashboard.screenshot(path=str(SCREENSHOTS / "dashboard.png"), animations="disabled")
    # Only agent.js's « who is logged in? » before the log-in (401, expected) is reported.
    assert [e.text for e in errors if "/agent/api/me" not in (e.location.get("url") or "")] == []


def test_a_bad_period_is_explained(page: Page, stack_settings, seeded_period):
    log_in_as_agent(page, stack_settings)
    expect(page.locator("#dashboard .card")).to_have_count(6)
    first, last = seeded_period
    show_period(page, last, first)
    expect(page.locator("#dashboard-error")).to_have_text(
        "La date de début est après la date de fin."
    )
