"""The screenshot kept as an artifact asks again when Chromium refuses one, and fails on anything else."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from . import browser


class RefusingPage:
    """A page whose full-page captures Chromium refuses `refusals` times over, or fails with `error`."""

    def __init__(self, refusals=0, error="Unable to capture screenshot"):
        self.refusals = refusals
        self.error = error
        self.captures = []
        self.waits = []

    def screenshot(self, path, full_page=False):
        self.captures.append(full_page)
        if full_page and len(self.captures) <= self.refusals:
            raise PlaywrightError(f"Page.screenshot: Protocol error (Page.captureScreenshot): {self.error}")

    def wait_for_timeout(self, milliseconds):
        self.waits.append(milliseconds)


@pytest.fixture(autouse=True)
def screenshots(tmp_path, monkeypatch):
    monkeypatch.setattr(browser, "SCREENSHOTS", tmp_path)


def test_a_refused_full_page_is_asked_again_after_a_pause():
    page = RefusingPage(refusals=2)
    browser.shot(page, "twice-refused")
    assert page.captures == [True, True, True]
    assert page.waits == [250, 500]


def test_after_three_refusals_the_visible_part_is_kept():
    page = RefusingPage(refusals=5)
    browser.shot(page, "always-refused")
    assert page.captures == [True, True, True, False]


def test_another_error_fails_at_once():
    page = RefusingPage(refusals=5, error="Target page, context or browser has been closed")
    with pytest.raises(PlaywrightError, match="has been closed"):
        browser.shot(page, "closed")
    assert page.captures == [True]
