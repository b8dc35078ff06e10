"""Browser helpers shared by the Playwright tests (tests/browser/)."""

from contextlib import contextmanager
from typing import Iterator

from playwright.sync_api import Browser, Page


@contextmanager
def fresh_page(browser: Browser, base_url: str, width: int, height: int) -> Iterator[Page]:
    """A fresh browser profile (no cookies), in French, on a `width`×`height` screen."""
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
