"""Every page on a 360 px phone, in English, Urdu and Chinese: nothing wider than the screen (a wide table
scrolls inside its own box) and no console error."""

import pytest

from .browser import allow_async_unsafe, chromium, in_own_thread, shot  # noqa: F401  (fixtures)
from .factories import UserFactory
from .test_browser_write_path import PASSWORD, in_browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/", "/commitments/", "/commitments/ml1-railway-upgrade/", "/commitments/prioritise-key-projects/", "/pillars/",
    "/pillars/practical/", "/sources/", "/sources/2025-02-21-china-pakistan-all-weather-partnership/", "/map/",
    "/opendata/", "/api/",
]  # fmt: skip
STAFF = [
    "/staff/", "/staff/commitments/", "/staff/overdue/", "/staff/milestones/", "/staff/stale/", "/staff/mine/",
    "/staff/changes/", "/staff/updates/", "/staff/drafts/", "/staff/desk/", "/staff/commitments/ml1-railway-upgrade/",
]  # fmt: skip
LANGUAGES = ["", "/ur", "/zh-hans"]
# Elements wider than the screen, outside the boxes that scroll on purpose.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1 || e.getBoundingClientRect().left < -1)
    .filter(e => !e.closest(".table-container, .desk-text"))
    .slice(0, 3).map(e => e.tagName + "." + e.getAttribute("class"))"""


@pytest.mark.parametrize("width", [360, 1280])
def test_no_page_is_wider_than_the_screen(transactional_db, catalogue, live_server, chromium, width):  # noqa: F811
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    too_wide = in_browser(chromium, walk, live_server.url, width)
    assert too_wide == []


def walk(page, site, width):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = []
    for prefix in LANGUAGES:
        for path in PUBLIC:
            too_wide += check(page, f"{site}{prefix}{path}")
    sign_in(page, site, "ed")
    page.set_viewport_size({"width": width, "height": 800})
    for prefix in LANGUAGES:
        for path in STAFF:
            too_wide += check(page, f"{site}{prefix}{path}")
    return too_wide


def check(page, url):
    page.goto(url)
    # Every page, language and width, kept as a CI artifact.
    name = url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
    shot(page, f"page-{page.viewport_size['width']}-{name}")
    width = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if width[0] <= width[1]:
        return []
    return [(url, width, page.evaluate(OVERFLOWING))]


def test_on_a_phone_the_filters_fold_and_say_which_are_on(transactional_db, catalogue, live_server, chromium):  # noqa: F811
    summary = in_browser(chromium, folded_filters, live_server.url)
    assert summary == (False, "Filters: Status: Planned", True)


def folded_filters(page, site):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site}/commitments/?status=planned")
    panel = page.locator("details.filters-panel")
    folded = panel.evaluate("panel => panel.open")
    text = " ".join(panel.locator("summary").inner_text().split())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{site}/commitments/?status=planned")
    return folded, text, page.locator("details.filters-panel").evaluate("panel => panel.open")
