"""The Urdu pages in a real browser: right to left, mirrored charts, and a screenshot of each."""

import pytest
from playwright.sync_api import expect, sync_playwright

from .browser import (  # noqa: F401  (fixtures, shared with the map's browser test)
    CHROMIUM_ARGS,
    allow_async_unsafe,
    chromium,
    in_own_thread,
    shot,
    site,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_urdu_pages_read_right_to_left(site, chromium):  # noqa: F811
    in_own_thread(visit_in_urdu, site, chromium)


def visit_in_urdu(base, browser_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_path), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ur-PK")
            page = context.new_page()
            page.set_default_timeout(10_000)
            # A first visit with an Urdu browser lands on the Urdu dashboard.
            page.goto(base + "/")
            expect(page).to_have_url(base + "/ur/")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "ur")

            # The layout mirrors: the brand stands at the right, the charts grow from the right.
            brand = page.locator(".brand").bounding_box()
            assert brand["x"] > 1280 / 2, brand
            transform = page.locator("svg.bar").first.evaluate("element => getComputedStyle(element).transform")
            assert transform.startswith("matrix(-1"), transform
            shot(page, "dashboard-ur")

            page.goto(base + "/ur/commitments/kkh-phase-ii-realignment/")
            expect(page.locator("h1")).not_to_have_text("Realign the Karakoram Highway Phase II")
            shot(page, "commitment-ur")

            # The switcher keeps the page.
            page.get_by_role("navigation", name="زبان").get_by_role("link", name="English").click()
            expect(page).to_have_url(base + "/commitments/kkh-phase-ii-realignment/")
            expect(page.locator("html")).to_have_attribute("dir", "ltr")
        finally:
            browser.close()
