"""A real headless Chromium (Debian's package, never a downloaded build) driven by Playwright."""

import os
import shutil
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import fresh_page

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's servers, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Closed when the browser tests end: Playwright's sync API keeps an event loop
    running in this thread while it is open."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: CI must install Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, web_url: str) -> Iterator[Page]:
    """A fresh browser profile (no cookies) on the demo shop page."""
    with fresh_page(browser, web_url, 1280, 800) as opened:
        yield opened
