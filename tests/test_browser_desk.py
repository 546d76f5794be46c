"""Browser test of the drafting desk, in a real Chromium: an editor pastes a statement, confirms its text,
drafts three commitments (one by selecting words with the mouse, one from a suggestion, one as a
restatement of ML-1), publishes them, and finds them on the public pages, highlighted in the source."""

import pytest
from playwright.sync_api import expect

from commitments.models import Commitment

from .browser import allow_async_unsafe, chromium, in_own_thread, shot  # noqa: F401  (fixtures)
from .factories import UserFactory
from .test_browser_write_path import PASSWORD, in_browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "The two sides agreed to complete the upgrade of the Main Line-1 railway by the end of 2030.\n\n"
    "Both sides will build 50 schools in Balochistan by June 2027.\n\n"
    "China will provide 500 scholarships to Pakistani students in 2026."
)
SELECTED = "500 scholarships to Pakistani students"


def test_editor_drafts_three_commitments_and_publishes_them(transactional_db, catalogue, live_server, chromium):  # noqa: F811
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    in_browser(chromium, draft_a_statement, live_server.url)
    ml1 = Commitment.objects.get(slug="ml1-railway-upgrade")
    assert ml1.statements.count() == 2
    drafted = Commitment.objects.filter(source__title="Joint statement of September 2025")
    assert {c.quote for c in drafted} == {SELECTED, "Both sides will build 50 schools in Balochistan by June 2027."}
    assert all(c.published for c in drafted)


def draft_a_statement(page, site):
    sign_in(page, site, "ed")
    page.goto(f"{site}/staff/desk/")
    page.get_by_label("Title").fill("Joint statement of September 2025")
    page.get_by_label("Date").fill("2025-09-01")
    page.get_by_label("Speaker or issuing body").fill("Both sides")
    page.get_by_label("Kind").select_option("joint_statement")
    page.get_by_label("Text", exact=True).fill(TEXT)
    page.get_by_role("button", name="Create the source").click()
    expect(page.get_by_role("button", name="Confirm the text")).to_be_visible()
    page.get_by_role("button", name="Confirm the text").click()
    expect(page.get_by_text("Text confirmed")).to_be_visible()
    shot(page, "desk-sentences")

    # 1. Words selected with the mouse, from the first character to the last.
    corners = page.locator("#desk-text").evaluate(
        """(element, words) => {
            const node = element.firstChild, start = element.textContent.indexOf(words);
            const box = (from, to) => { const r = document.createRange(); r.setStart(node, from);
                r.setEnd(node, to); return r.getBoundingClientRect(); };
            element.scrollIntoView();
            const first = box(start, start + 1), last = box(start + words.length - 1, start + words.length);
            return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
        }""",
        SELECTED,
    )
    page.mouse.move(corners[0], corners[1])
    page.mouse.down()
    page.mouse.move(corners[2], corners[3], steps=10)
    page.mouse.up()
    expect(page.locator("#selection-text")).to_have_text(f"“{SELECTED}”")
    page.get_by_role("button", name="Draft from the selection").click()
    expect(page.locator("figure.quote")).to_contain_text(SELECTED)
    page.get_by_label("Title").fill("Provide 500 scholarships")
    page.get_by_label("Pillar", exact=True).select_option(label="High-level cooperation in improving livelihoods")
    page.get_by_label("Responsible party").select_option("china")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Drafted “Provide 500 scholarships”, unpublished.")).to_be_visible()

    # 2. A suggested sentence, with what it gives prefilled.
    sentence = page.locator("li.desk-sentence", has_text="Both sides will build 50 schools")
    sentence.get_by_role("link", name="Draft this sentence").click()
    expect(page.get_by_label("Quantity")).to_have_value("50")
    page.get_by_label("Title").fill("Build 50 schools in Balochistan")
    page.get_by_label("Pillar", exact=True).select_option(label="High-level cooperation in improving livelihoods")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Drafted “Build 50 schools in Balochistan”, unpublished.")).to_be_visible()

    # 3. A restatement of ML-1, offered by the desk.
    page.get_by_role("link", name="Restates “Upgrade the Main Line-1 railway”?").click()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Drafted “Upgrade the Main Line-1 railway”")).to_be_visible()
    shot(page, "desk-drafted")

    # Publish the two new drafts from the drafts list.
    for title in ("Provide 500 scholarships", "Build 50 schools in Balochistan"):
        page.goto(f"{site}/staff/drafts/")
        row = page.locator("tbody tr", has=page.get_by_role("link", name=title, exact=True))
        row.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("Published.")).to_be_visible()

    page.goto(f"{site}/sources/")
    page.get_by_role("link", name="Joint statement of September 2025").click()
    marks = page.locator(".source-text a.quote-mark")
    expect(marks).to_have_count(3)  # the two new commitments, and the restatement of ML-1, which is published
    expect(page.locator(".source-text")).to_contain_text(SELECTED)
    shot(page, "desk-source-published")
