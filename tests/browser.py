"""What every browser test shares: Debian's Chromium, its flags for this closed network, and where
screenshots go (test-artifacts/screenshots, git-ignored)."""

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
# Full-page screenshots asked for before `shot` settles for the visible part.
FULL_PAGE_TRIES = 3


def require_chromium():
    """Skip without Chromium, except on CI (CI=true), where a missing browser fails the run."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}; the browser tests need Debian's chromium package."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " On CI this is an error, not a reason to skip.", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module", autouse=True)
def allow_async_unsafe():
    """For the browser tests that run Playwright in a thread of their own (`in_own_thread`), as in
    test_browser.py: Django refuses database access from a thread with a running event loop,
    which the main thread has while test_browser.py's Playwright is open. The test code and the live
    server never touch the database at the same time, so the documented escape hatch is safe. It is set
    only for the modules that import it, so that it does not leak into other tests (such as
    `manage.py check --deploy`)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def chromium():
    return require_chromium()


@pytest.fixture
def site(transactional_db, catalogue, live_server):
    """The live server's address, with the real speech catalogue loaded where the server thread can see it."""
    return live_server.url


def in_own_thread(function, *args, timeout=120):
    """Run `function` in a new thread and return its result, or raise what it raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except BaseException as error:  # re-raised in the test's thread below
            outcome["error"] = error

    thread = threading.Thread(target=run, name="playwright", daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the browser did not finish within {timeout} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def shot(page, name):
    """A full-page screenshot, kept as a CI artifact. Chromium now and then refuses one ("Unable to capture
    screenshot") while the other test worker keeps the machine busy, sometimes several times in a row; the page
    is there, so it is asked again after a growing pause, and at last for the visible part only, rather than
    failing a test whose assertions do not read the picture. Any other error, or a refusal of the last, visible
    part too, fails the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name}.png")
    for attempt in range(FULL_PAGE_TRIES):
        try:
            page.screenshot(path=path, full_page=True)
            return
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error):
                raise
            page.wait_for_timeout(250 * (attempt + 1))
    page.screenshot(path=path)
