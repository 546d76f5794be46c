"""Browser test of the map page: a real Chromium, driven by Playwright, against Django's live server.

Run it with `pytest -m browser`. The screenshot goes to test-artifacts/screenshots/map.png (git-ignored).

Playwright runs in a thread of its own here: test_browser.py keeps a session-wide sync Playwright
(and its event loop) open in the main thread, and a second sync Playwright refuses to start beside it.
The thread touches no database; what it checks against is read beforehand in the main thread.
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from commitments.models import Commitment

from .browser import (  # noqa: F401  (fixtures)
    CHROMIUM_ARGS,
    allow_async_unsafe,
    chromium,
    in_own_thread,
    shot,
    site,
)

OPENED = ("gwadar-port-development", "Develop and operate Gwadar Port comprehensively")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_shows_the_located_commitments(site, chromium):  # noqa: F811
    located = list(Commitment.objects.published().located())
    lines = sum(c.geometry_or_point()["type"] == "LineString" for c in located)
    assert lines and len(located) > lines
    other_hosts = in_own_thread(visit_the_map, site, chromium, len(located) - lines, lines)
    assert other_hosts == []


def visit_the_map(site, chromium, points, lines):  # noqa: F811
    """The reader's visit; returns the addresses of any request to another host."""
    other_hosts = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(10_000)
            page.on("request", lambda request: request.url.startswith(site) or other_hosts.append(request.url))
            response = page.goto(site + "/")
            assert response.status == 200
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Map").click()
            expect(page).to_have_url(site + "/map/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Map of commitments")

            svg = page.locator("svg.map-svg")
            expect(svg).to_be_visible()
            expect(page.get_by_role("group", name="Map of Pakistan and western China")).to_be_visible()
            box = svg.bounding_box()
            assert box and box["width"] > 800 and box["height"] > 500, box
            expect(svg.locator("circle.map-point")).to_have_count(points)
            expect(svg.locator("polyline.map-line")).to_have_count(lines)
            expect(svg.locator("path.map-country-focus")).to_have_count(2)
            for shape in svg.locator("circle.map-point, polyline.map-line").all():
                inner = shape.bounding_box()
                assert inner and inner["width"] > 5 and inner["height"] > 5, inner
                # Every shape lies inside the visible map.
                assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]
                assert box["y"] <= inner["y"] and inner["y"] + inner["height"] <= box["y"] + box["height"]
            for name in ("Pakistan", "China"):
                expect(svg.locator("text.map-label-major", has_text=name)).to_be_visible()

            # The legend and the list below the map read without the picture.
            expect(page.locator("ul.map-legend li").first).to_be_visible()
            expect(page.get_by_role("heading", name="Commitments on the map")).to_be_visible()
            expect(page.locator("ol.map-list > li")).to_have_count(points + lines)
            shot(page, "map")

            slug, title = OPENED
            page.locator("ol.map-list").get_by_role("link", name=title).click()
            expect(page).to_have_url(f"{site}/commitments/{slug}/")
        finally:
            browser.close()
    return other_hosts
