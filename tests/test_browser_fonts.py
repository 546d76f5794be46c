"""Urdu and Chinese pages bring their own fonts, and only the parts a page uses: the bytes of fonts a first
Urdu and a first Chinese page load cost stay under 400 KB, and English pages load none."""

import pytest

from .browser import allow_async_unsafe, chromium, in_own_thread  # noqa: F401  (fixtures)
from .test_browser_write_path import in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FONT_BUDGET = 400 * 1024


def test_fonts_cost_little_and_come_from_here(transactional_db, catalogue, live_server, chromium):  # noqa: F811
    costs = in_browser(chromium, font_bytes, live_server.url)
    assert costs[""] == (0, set())
    for language in ("/ur", "/zh-hans"):
        size, hosts = costs[language]
        assert 0 < size < FONT_BUDGET, (language, size)
        assert hosts == {live_server.url.split("//")[1]}


def font_bytes(page, site):
    costs = {}
    for language in ("", "/ur", "/zh-hans"):
        fonts = []

        def listener(response, fonts=fonts):
            if response.url.endswith(".woff2"):
                fonts.append(response)

        page.on("response", listener)
        page.goto(f"{site}{language}/")
        page.wait_for_load_state("networkidle")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.remove_listener("response", listener)
        costs[language] = (sum(len(r.body()) for r in fonts), {r.url.split("//")[1].split("/")[0] for r in fonts})
        print(language, costs[language][0], "bytes of fonts in", len(fonts), "files")
    return costs
