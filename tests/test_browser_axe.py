"""axe-core over every public and staff page, in English, Urdu and Chinese, on a desktop and a phone: no
violation of the WCAG 2.1 A and AA rules. axe is a test asset (tests/assets/), evaluated by the test, never
served to readers."""

from pathlib import Path

import pytest

from commitments import desk

from .browser import allow_async_unsafe, chromium, in_own_thread  # noqa: F401  (fixtures)
from .factories import UserFactory
from .test_browser_phone import LANGUAGES, PUBLIC, STAFF
from .test_browser_write_path import PASSWORD, in_browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).resolve().parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIOLATIONS = """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations
    .map(v => `${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(" ")}`)"""


@pytest.mark.parametrize("prefix", LANGUAGES, ids=lambda prefix: prefix.strip("/") or "en")
def test_no_page_violates_wcag_aa(transactional_db, catalogue, live_server, chromium, prefix):  # noqa: F811
    """One language a test: the three walks of 46 page loads each took over 3 minutes together on a slow machine."""
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    source = draft_source()
    pages = [*STAFF, f"/staff/desk/{source.slug}/"]
    found = in_browser(chromium, walk, f"{live_server.url}{prefix}", live_server.url, pages)
    assert found == []


def draft_source():
    """A source on the drafting desk, text confirmed, so that its sentences page is walked too."""
    from commitments import services
    from commitments.models import SourceDocument

    source = SourceDocument(
        title="A statement", slug="a-statement", date="2025-09-01", speaker="Both sides", kind="joint_statement",
        text="Both sides will build 50 schools in Balochistan by June 2027.",
    )  # fmt: skip
    services.save_shared(source, user=None)
    assert desk.proposals(source)
    return source


def walk(page, site, server, staff_pages):
    """Every public page, then every staff page, at a desktop's width and a phone's; `site` is the server in
    one language, the sign-in page is the server's own."""
    found = []
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        found += [(width, url, v) for url in urls(site, PUBLIC) for v in violations(page, url)]
    sign_in(page, server, "ed")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        found += [(width, url, v) for url in urls(site, staff_pages) for v in violations(page, url)]
    return found


def urls(site, paths):
    return [f"{site}{path}" for path in paths]


def violations(page, url):
    page.goto(url)
    page.evaluate(AXE)  # evaluated by the test itself: the site's Content-Security-Policy refuses inline script
    return page.evaluate(VIOLATIONS, RULES)
