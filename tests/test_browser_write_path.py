"""Browser test of an editor's journey through the one write path, in a real Chromium.

The admin shows status and progress read-only with a link to record an update; the editor follows
it, records a dated, sourced update on the staff page, and the public page shows the new status
with its evidence. A large import file is previewed and imported by an import job. No page logs
a console error (the Content-Security-Policy refuses inline script and style).
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from commitments.models import Commitment, Milestone

from .browser import (  # noqa: F401  (fixtures)
    CHROMIUM_ARGS,
    allow_async_unsafe,
    chromium,
    in_own_thread,
    shot,
)
from .factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
ML1 = "ml1-railway-upgrade"


def in_browser(chromium_path, journey, *args):
    """Run `journey(page, *args)` in a Chromium of its own, in a thread of its own (tests/browser.py says
    why), failing on any console error or failed request; return what the journey returns."""

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                page.set_default_timeout(15_000)
                problems = []
                page.on("console", lambda message: message.type == "error" and problems.append(message.text))
                page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
                result = journey(page, *args)
                assert problems == []
                return result
            finally:
                browser.close()

    return in_own_thread(run, timeout=180)


def sign_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def test_editor_moves_a_status_only_by_recording_a_sourced_update(transactional_db, catalogue, live_server, chromium):  # noqa: F811
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    in_browser(chromium, record_a_sourced_update, live_server.url, Commitment.objects.get(slug=ML1).pk)
    ml1 = Commitment.objects.get(slug=ML1)
    assert (ml1.status, ml1.progress) == ("stalled", 10)


def record_a_sourced_update(page, site, pk):
    sign_in(page, site, "ed")
    page.goto(f"{site}/admin/commitments/commitment/{pk}/change/")
    expect(page.locator(".fieldBox.field-status .readonly")).to_contain_text("Planned")
    assert page.locator("select#id_status").count() == 0  # no way to set it here
    shot(page, "admin-commitment-status-read-only")
    page.get_by_role("link", name="Record a dated, sourced update").click()

    form = page.locator("form.progress-form:not(.verdict-form)")
    form.locator("#id_date").fill("2026-11-30")
    form.locator("#id_text").fill("Financing talks stalled, the ministry said.")
    form.locator("#id_source_url").fill("https://example.org/ml1-stalled")
    form.locator("#id_source_kind").select_option("official_statement")
    form.locator("#id_status").select_option("stalled")
    form.locator("#id_progress").fill("10")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()

    page.goto(f"{site}/commitments/{ML1}/")
    history = page.locator("ol.status-history")
    expect(history).to_contain_text("Stalled (10%)")
    expect(history.locator("time[datetime='2026-11-30']")).to_be_visible()
    shot(page, "public-commitment-after-sourced-update")


def test_editor_imports_a_large_file_through_an_import_job(
    transactional_db,
    catalogue,
    live_server,
    chromium,  # noqa: F811
    settings,
):
    settings.IMPORT_BACKGROUND_ROWS = 10
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    previewed_rows = in_browser(chromium, import_through_a_job, live_server.url)
    assert previewed_rows == 0  # the preview wrote nothing
    assert Milestone.objects.filter(title__startswith="Section ").count() == 30


def import_through_a_job(page, site):
    rows = "".join(f"{ML1},Section {n} surveyed,,,2027-01-01,year,,,{n}\n" for n in range(30))
    header = "commitment,title_en,title_ur,title_zh_hans,due_date,due_date_precision,completed_date,"
    csv = header + "completed_date_precision,order\n" + rows
    sign_in(page, site, "ed")
    page.goto(f"{site}/admin/commitments/milestone/import/")
    page.set_input_files("#id_import_file", {"name": "sections.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    confirm = page.get_by_role("button", name="Confirm import")
    expect(confirm).to_be_visible(timeout=60_000)  # the page refreshes itself until the preview is done
    previewed_rows = Milestone.objects.filter(title__startswith="Section ").count()
    shot(page, "admin-import-job-previewed")
    confirm.click()
    expect(page.get_by_role("link", name="Back to the list")).to_be_visible(timeout=60_000)
    return previewed_rows


def test_editor_checks_a_promise_from_the_queue_and_sets_a_verdict_with_a_reason(
    transactional_db,
    catalogue,
    live_server,
    chromium,  # noqa: F811
):
    UserFactory(username="ed", password=PASSWORD, groups=["Editors"])
    never = Commitment.objects.verification_queue(90).first()
    in_browser(chromium, check_and_judge, live_server.url, never.slug, never.title)
    never.refresh_from_db()
    assert never.checks.get().checked_by.username == "ed"
    assert (never.verdict, never.verdict_overridden) == ("not_kept", True)


def check_and_judge(page, site, slug, title):
    sign_in(page, site, "ed")
    page.goto(f"{site}/staff/stale/")
    row = page.locator("table tbody tr", has=page.get_by_role("link", name=title, exact=True))
    row.get_by_role("textbox", name="Source checked").fill("https://example.org/looked-again")
    row.get_by_role("button", name="Checked, nothing new").click()
    expect(page.get_by_text(f"Recorded: “{title}” checked today.")).to_be_visible()
    expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)
    shot(page, "staff-verification-queue")

    page.goto(f"{site}/staff/commitments/{slug}/")
    # (A verdict without a reason is refused with a 400 and a message: tests/test_verdicts.py.)
    form = page.locator("form.verdict-form")
    form.get_by_label("Verdict").select_option("not_kept")
    form.get_by_label("Reason").fill("The ministry said the plan was dropped.")
    form.get_by_label("Source", exact=True).fill("https://example.org/dropped")
    form.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_text("Verdict recorded.")).to_be_visible()

    page.goto(f"{site}/commitments/{slug}/")
    verdict = page.get_by_role("region", name="Was it kept?")
    expect(verdict).to_contain_text("Not kept")
    expect(verdict).to_contain_text("The ministry said the plan was dropped.")
    shot(page, "public-verdict-set-by-an-editor")
