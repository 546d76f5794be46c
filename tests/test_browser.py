"""Browser tests: a real Chromium, driven by Playwright, against Django's live server.

The journey of a reader: the dashboard, the commitment table (filter, sort, page, export),
a commitment, and the annotated source its quote comes from.

Run them alone with `pytest -m browser`. Screenshots of every page visited go to
test-artifacts/screenshots/ (git-ignored).
"""

import csv
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

# Playwright's sync API runs an event loop in this thread, and Django refuses database
# access from a thread with a running loop. The test code and the live server never touch
# the database at the same time, so the documented escape hatch is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from commitments.models import Commitment  # noqa: E402

from .browser import CHROMIUM_ARGS, require_chromium, shot  # noqa: E402
from .conftest import CATALOGUE  # noqa: E402
from .factories import CommitmentFactory  # noqa: E402

# Every commitment the shipped catalogue publishes.
CATALOGUE_SIZE = sum(
    1
    for entry in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["commitments"]
    if entry.get("published") and "restates" not in entry
)
PER_PAGE = 25
# The filter the journey uses: a pillar and a status with several commitments.
PILLAR = "practical"
STATUS = "announced"
STATUS_LABEL = "Announced"
# A commitment in that filter whose quote overlaps no other quote, so its highlight is the whole quote.
OPENED = "contract-farming"

ROWS = "table.commitments tbody tr"
TITLE_LINKS = "table.commitments tbody tr td:first-child a"
# Sorted headers get a " ▲" or " ▼" from the stylesheet, which is part of their accessible name.
COMMITMENT_HEADER = re.compile(r"^Commitment\b")
TARGET_DATE_HEADER = re.compile(r"^Target date\b")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser():
    chromium = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def site(transactional_db, catalogue, live_server):
    """The live server's address, with the real speech catalogue loaded where the server thread can see it."""
    return live_server.url


def query(page):
    return parse_qs(urlsplit(page.url).query)


def titles(page):
    return page.locator(TITLE_LINKS).all_inner_texts()


def published():
    return Commitment.objects.published()


def test_dashboard_shows_the_status_chart(site, page):
    response = page.goto(site + "/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("What was promised, and how far it has come")
    expect(page.locator(".lead")).to_contain_text(f"{CATALOGUE_SIZE} published commitments")

    by_status = page.get_by_role("region", name="By status")
    expect(by_status).to_be_visible()
    expect(by_status.locator("figcaption")).to_have_text(
        "Promises and aspirations by status (reported results are verified, not kept)"
    )
    rows = by_status.locator("table.chart-rows tbody tr")
    expect(rows.first).to_be_visible()
    bars = by_status.locator("svg.bar")
    assert bars.count() == rows.count() > 1
    for bar in bars.all():
        box = bar.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 5, box
    # The chart's numbers add up to every published commitment but the reported results, which are verified,
    # not kept, and its rows agree with the database.
    counts = {row.locator("th a").inner_text(): int(row.locator("td.number").inner_text()) for row in rows.all()}
    assert sum(counts.values()) == CATALOGUE_SIZE - published().reported_results().count()
    assert counts[STATUS_LABEL] == published().filter(status=STATUS).exclude(claim_kind="reported_result").count()
    shot(page, "dashboard")

    # Each status row links to the table filtered by that status.
    by_status.get_by_role("link", name=STATUS_LABEL, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/commitments/\?status={STATUS}$"))
    expect(page.locator(".table-tools .count")).to_have_text(f"{counts[STATUS_LABEL]} commitments")
    shot(page, "dashboard-status-link")


def test_filter_sort_and_export_the_table(site, page):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments").click()
    expect(page).to_have_url(site + "/commitments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commitments")
    expect(page.locator(".table-tools .count")).to_have_text(f"{CATALOGUE_SIZE} commitments")
    shot(page, "commitments")

    page.get_by_label("Pillar", exact=True).select_option(PILLAR)
    page.get_by_label("Status", exact=True).select_option(STATUS)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status="))
    assert query(page)["pillar"] == [PILLAR]
    assert query(page)["status"] == [STATUS]
    # The form keeps the chosen values after the reload.
    expect(page.get_by_label("Pillar", exact=True)).to_have_value(PILLAR)
    expect(page.get_by_label("Status", exact=True)).to_have_value(STATUS)

    expected = sorted(published().filter(pillar__slug=PILLAR, status=STATUS).values_list("title", flat=True))
    assert 1 < len(expected) < PER_PAGE
    expect(page.locator(".table-tools .count")).to_have_text(f"{len(expected)} commitments")
    expect(page.locator(ROWS)).to_have_count(len(expected))
    assert sorted(titles(page)) == expected
    statuses = page.locator(f"{ROWS} .status").all_inner_texts()
    assert statuses == [STATUS_LABEL] * len(expected)
    shot(page, "commitments-filtered")

    # Sorting the filtered table keeps the filters. The default order already runs by title within
    # a pillar, so the first click on "Commitment" reverses it.
    assert titles(page) == expected
    page.locator("table.commitments thead").get_by_role("link", name=COMMITMENT_HEADER).click()
    page.wait_for_url(re.compile(r"sort="))
    assert query(page)["sort"] == ["-title"]
    assert query(page)["pillar"] == [PILLAR]
    assert query(page)["status"] == [STATUS]
    expect(page.locator(ROWS)).to_have_count(len(expected))
    expected.reverse()
    assert titles(page) == expected
    shot(page, "commitments-filtered-sorted")

    # "Download these rows": the CSV holds exactly the filtered commitments.
    exports = page.locator(".exports")
    expect(exports).to_contain_text("Download these rows:")
    csv_link = exports.get_by_role("link", name="CSV", exact=True)
    expect(csv_link).to_have_attribute("download", "")
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    with open(download.path(), newline="", encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[0] == "Commitment"
    for column in ("Status", "Pillar", "Quote", "Source"):
        assert column in header, header
    title, status = header.index("Commitment"), header.index("Status")
    assert [row[title] for row in rows] == expected
    assert {row[status] for row in rows} == {STATUS_LABEL}


def test_sort_by_column_header(site, page):
    page.goto(site + "/commitments/")
    default_order = titles(page)
    assert len(default_order) == PER_PAGE
    header = page.locator("table.commitments thead")

    # The default order is by pillar, then title, so "Commitment" counts as sorted ascending
    # and its first click sorts descending.
    header.get_by_role("link", name=COMMITMENT_HEADER).click()
    page.wait_for_url(re.compile(r"sort=-title"))
    descending = titles(page)
    assert descending != default_order
    assert descending == list(published().order_by("-title").values_list("title", flat=True)[:PER_PAGE])
    expect(header.locator("th.desc")).to_have_count(1)
    shot(page, "commitments-sorted-title-desc")

    header.get_by_role("link", name=COMMITMENT_HEADER).click()
    page.wait_for_url(re.compile(r"sort=title"))
    ascending = titles(page)
    assert ascending not in (default_order, descending)
    assert ascending == list(published().order_by("title").values_list("title", flat=True)[:PER_PAGE])
    expect(header.locator("th.asc")).to_have_count(1)
    shot(page, "commitments-sorted-title")

    # Target dates: the column shows the dates in the database's order, both ways.
    shown = {}
    for sort in ("target_date", "-target_date"):
        header.get_by_role("link", name=TARGET_DATE_HEADER).click()
        page.wait_for_url(re.compile(rf"sort={sort}$"))
        shown[sort] = [text.strip() for text in page.locator(f"{ROWS} td:last-child").all_inner_texts()]
        rows = published().order_by(sort)[:PER_PAGE]
        assert shown[sort] == [c.precise("target_date").deadline() if c.target_date else "—" for c in rows]
    assert shown["target_date"] != shown["-target_date"]
    assert titles(page) != ascending
    shot(page, "commitments-sorted-target-date")


def test_second_page_of_the_table(site, page):
    page.goto(site + "/commitments/")
    expect(page.locator(ROWS)).to_have_count(PER_PAGE)
    first_page = titles(page)
    shot(page, "commitments-page-1")

    page.locator("ul.pagination").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(ROWS)).to_have_count(CATALOGUE_SIZE - PER_PAGE)
    second_page = titles(page)
    expect(page.locator("ul.pagination li.active")).to_have_text("2")
    shot(page, "commitments-page-2")

    assert not set(first_page) & set(second_page)
    assert sorted(first_page + second_page) == sorted(published().values_list("title", flat=True))


def test_commitment_quote_leads_to_the_annotated_source(site, page):
    commitment = Commitment.objects.select_related("source").get(slug=OPENED)
    assert commitment.published and commitment.pillar.slug == PILLAR and commitment.status == STATUS

    page.goto(f"{site}/commitments/?pillar={PILLAR}&status={STATUS}")
    page.locator("table.commitments").get_by_role("link", name=commitment.title, exact=True).click()
    expect(page).to_have_url(f"{site}/commitments/{OPENED}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(commitment.title)
    quote = page.locator("figure.quote blockquote")
    expect(quote).to_have_text(f"“{commitment.quote}”")
    figcaption = page.locator("figure.quote figcaption")
    expect(figcaption).to_contain_text("see it in the source")
    shot(page, "commitment-detail")

    anchor = f"q-{OPENED}"
    figcaption.locator(f'a[href$="#{anchor}"]').click()
    expect(page).to_have_url(f"{site}/sources/{commitment.source.slug}/#{anchor}")
    expect(page.get_by_role("heading", level=1)).to_have_text(commitment.source.title)
    target = page.locator(f"#{anchor}")
    expect(target).to_have_count(1)
    # The highlight right after the anchor is the whole quote, links back, and is styled as the target.
    mark = page.locator(f"#{anchor} a.quote-mark mark")
    expect(mark).to_have_text(commitment.quote)
    expect(mark).to_be_visible()
    expect(page.locator(f"#{anchor} a.quote-mark")).to_have_attribute("href", f"/commitments/{OPENED}/")
    expect(mark).to_have_css("background-color", "rgb(255, 241, 184)")
    expect(mark).to_have_css("outline-style", "solid")
    assert mark.evaluate("m => { const r = m.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }")
    shot(page, "source-annotated")


def test_every_quote_is_anchored_in_its_source(site, page):
    """Items listed in one sentence share it; each anchor must still hold its exact quote."""
    commitment = published().select_related("source").first()
    page.goto(f"{site}/sources/{commitment.source.slug}/")
    for c in published().filter(source=commitment.source):
        following = page.locator(".source-text").evaluate(
            """(text, id) => {
                const range = document.createRange();
                range.setStart(document.getElementById(id), 0);
                range.setEndAfter(text.lastChild);
                return range.toString();
            }""",
            f"q-{c.slug}",
        )
        assert following.startswith(c.quote), c.slug
    assert page.locator(".source-text .anchor").count() == published().filter(source=commitment.source).count()
    shot(page, "source-all-quotes")


def test_draft_commitment_is_not_found(transactional_db, live_server, page):
    draft = CommitmentFactory(published=False, title="A draft nobody may see")
    public = CommitmentFactory(published=True, title="A published commitment")

    response = page.goto(f"{live_server.url}/commitments/{public.slug}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(public.title)

    response = page.goto(f"{live_server.url}/commitments/{draft.slug}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text(draft.title)
    shot(page, "draft-404")

    page.goto(f"{live_server.url}/commitments/")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator("table.commitments")).not_to_contain_text(draft.title)


def test_dashboard_fits_a_phone(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The stylesheet loaded, so the check below measures the real layout.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(29, 39, 51)")
    widths = page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    shot(page, "dashboard-phone")
    assert widths["scroll"] <= widths["inner"] + 1, widths
