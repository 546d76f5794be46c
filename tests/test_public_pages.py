"""The public side: every page, export, feed and API record a visitor can reach.

Covers query counts that must not grow with the data, drafts and internal
records that must never leak, hostile query strings, HTML escaping, exports,
accessibility basics, the JSON API and the Atom feeds.
"""

import csv
import datetime
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commitments import services
from commitments.models import (
    Commitment,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    Statement,
    VerdictRecord,
)
from commitments.views.public import KEY_NUMBERS
from commitments.vocabulary import CommitmentKind, Party, Status

from .factories import (
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    PillarFactory,
    ProgressUpdateFactory,
    SourceDocumentFactory,
    ThemeFactory,
    UserFactory,
)
from .helpers import body, count_queries, progress_form

QUOTES = [
    "We will build the northern road by next year.",
    "We will train a thousand engineers in the coming years.",
    "We will open the border crossing all year round.",
    "Both sides will hold a trade fair every spring.",
]
STATUSES = [
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.COMPLETED,
    Status.ONGOING,
    Status.STALLED,
    Status.ANNOUNCED,
    Status.CANCELLED,
]
PARTIES = list(Party.values)
KINDS = list(CommitmentKind.values)
PAST = datetime.date(2024, 6, 30)
FUTURE = datetime.date(2030, 12, 31)

# Text that must never reach the public.
INTERNAL_NOTE = "Zq-internal-note: the minister doubts this"
INTERNAL_UPDATE = "Zq-internal-update: contractor unpaid"
DRAFT_TITLE = "Zq-draft-pledge"
DRAFT_UPDATE = "Zq-update-on-a-draft"
SECRETS = [INTERNAL_NOTE, INTERNAL_UPDATE, DRAFT_TITLE, DRAFT_UPDATE, "zq-draft-"]

ATOM = "{http://www.w3.org/2005/Atom}"
STATIC_FILES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# --------------------------------------------------------------------------------------------------------------------
# Data


@dataclass
class World:
    pillars: list
    themes: list
    sources: list
    root: Commitment  # published, with milestones, numbers, updates and published children
    draft_parent: Commitment  # a draft that some published commitments name as their parent


def add_records(commitments, key_every=10):
    """Give each commitment 2 milestones, 1 indicator with 2 measurements, 2 public updates and 1 internal one."""
    milestones, indicators, measurements, updates = [], [], [], []
    for i, commitment in enumerate(commitments):
        draft = not commitment.published
        prefix = f"{DRAFT_TITLE} " if draft else ""  # a draft's whole record is as secret as its title
        milestones += [
            MilestoneFactory.build(
                commitment=commitment,
                title=f"{prefix}Survey done {i}",
                due_date=PAST,
                completed_date=PAST if i % 2 else None,
            ),
            MilestoneFactory.build(commitment=commitment, title=f"{prefix}Works begin {i}", due_date=FUTURE),
        ]
        indicators.append(
            IndicatorFactory.build(
                commitment=commitment, name=f"{prefix}Engineers trained {i}", key=draft or i % key_every == 0
            )
        )
        day = datetime.date(2025, 3, 1) + datetime.timedelta(days=i % 300)
        text = DRAFT_UPDATE if not commitment.published else "Work continued on schedule."
        updates += [
            ProgressUpdateFactory.build(commitment=commitment, date=day, text=f"{text} First report."),
            ProgressUpdateFactory.build(
                commitment=commitment, date=day + datetime.timedelta(days=1), text=f"{text} Second report."
            ),
            ProgressUpdateFactory.build(
                commitment=commitment, date=day + datetime.timedelta(days=2), text=INTERNAL_UPDATE, public=False
            ),
        ]
    Milestone.objects.bulk_create(milestones)
    Indicator.objects.bulk_create(indicators)
    for indicator in indicators:
        measurements += [
            MeasurementFactory.build(indicator=indicator, value=100, as_of=datetime.date(2025, 1, 1)),
            MeasurementFactory.build(indicator=indicator, value=250, as_of=datetime.date(2025, 6, 1)),
        ]
    Measurement.objects.bulk_create(measurements)
    ProgressUpdate.objects.bulk_create(updates)


def build_commitment(world, i, **overrides):
    pillar_index = i % 3
    status = STATUSES[i % len(STATUSES)]
    values = {
        "pillar": world.pillars[pillar_index],
        "theme": world.themes[2 * pillar_index + (i // 3) % 2] if i % 8 else None,
        "source": world.sources[i % 2],
        "quote": QUOTES[i % len(QUOTES)],
        "status": status,
        "completion_date": datetime.date(2025, 1, 15) if status == Status.COMPLETED else None,
        "target_date": None if i % 9 == 8 else (PAST if i % 4 == 0 else FUTURE),
        "progress": None if i % 6 == 5 else (i * 7) % 101,
        "party": PARTIES[i % len(PARTIES)],
        "kind": KINDS[i % len(KINDS)],
        "internal_notes": INTERNAL_NOTE,
        "location": "Gilgit" if i % 2 else "",
    }
    values.update(overrides)
    return CommitmentFactory.build(**values)


def make_world():
    pillars = PillarFactory.create_batch(3)
    themes = [ThemeFactory(pillar=pillar) for pillar in pillars for _ in range(2)]
    sources = SourceDocumentFactory.create_batch(2)
    root = CommitmentFactory(
        pillar=pillars[0], theme=themes[0], source=sources[0], internal_notes=INTERNAL_NOTE, location="Gwadar"
    )
    draft_parent = CommitmentFactory(
        pillar=pillars[1],
        source=sources[1],
        published=False,
        title=f"{DRAFT_TITLE} parent",
        slug="zq-draft-parent",
        internal_notes=INTERNAL_NOTE,
    )
    add_records([root, draft_parent], key_every=1)
    return World(pillars, themes, sources, root, draft_parent)


def make_data(world, n):
    """Add n published commitments with their full record, some of them children, plus a few drafts."""
    start = Commitment.objects.count()
    commitments = []
    for i in range(start, start + n):
        commitment = build_commitment(world, i)
        if i % 5 == 1:
            commitment.parent = world.root
        elif i % 7 == 3:
            commitment.parent = world.draft_parent
        commitments.append(commitment)
    for j in range(max(2, n // 100)):
        commitments.append(
            build_commitment(
                world,
                start + j,
                published=False,
                title=f"{DRAFT_TITLE} {start + j}",
                slug=f"zq-draft-{start + j}",
                parent=world.root,
                status=Status.IN_PROGRESS,
                completion_date=None,
                target_date=PAST,  # overdue, so the dashboard would list it if it looked at drafts
            )
        )
    Commitment.objects.bulk_create(commitments)
    Statement.objects.bulk_create([Statement.first_of(commitment) for commitment in commitments])
    add_records(commitments)
    return commitments


@pytest.fixture
def world(db):
    world = make_world()
    make_data(world, 8)
    return world


# --------------------------------------------------------------------------------------------------------------------
# Helpers


def public_pages(world):
    """Every public URL, by name; exports, feeds and API included."""
    root, pillar, source = world.root, world.pillars[0], world.sources[0]
    table = reverse("commitments:commitment_list")
    published = Commitment.objects.filter(published=True).count()
    filtered = (
        f"{table}?pillar={pillar.slug}&kind=infrastructure&overdue=false&q=Commitment&target_year=2030"
        "&party=both&sort=-target_date"
    )
    return {
        "dashboard": reverse("commitments:dashboard"),
        "table page 1": table,
        "table filtered and sorted": filtered,
        "table last page": f"{table}?page={math.ceil(published / 25)}&sort=status",
        "export csv": f"{table}?_export=csv",
        "export xlsx": f"{table}?_export=xlsx",
        "export json": f"{table}?_export=json",
        "commitment detail": root.get_absolute_url(),
        "pillar list": reverse("commitments:pillar_list"),
        "pillar detail": pillar.get_absolute_url(),
        "source list": reverse("commitments:source_list"),
        "source detail": source.get_absolute_url(),
        "feed": reverse("commitments:feed"),
        "commitment feed": reverse("commitments:commitment_feed", args=[root.slug]),
        "api list": reverse("commitments:api-commitment-list"),
        "api detail": reverse("commitments:api-commitment-detail", args=[root.slug]),
    }


def html_pages(world):
    pages = public_pages(world)
    names = [
        "dashboard",
        "table page 1",
        "table filtered and sorted",
        "table last page",
        "commitment detail",
        "pillar list",
        "pillar detail",
        "source list",
        "source detail",
    ]
    return {name: pages[name] for name in names}


def response_text(response):
    """What a visitor receives, as text; XLSX cells are read out."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body(response).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def atom_entries(response):
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def entry_link(entry):
    return entry.find(f"{ATOM}link").get("href")


# --------------------------------------------------------------------------------------------------------------------
# 1. Query counts do not grow with the data

SMALL, LARGE = 5, 500


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """Queries of every public page at SMALL and at LARGE published commitments, measured in one rolled-back run."""
    counts = {}
    # PUBLIC_PAGE_CACHE off: count what rendering a page costs, not a cache hit (bulk_create sends no signals,
    # so a cached page would not even be invalidated between the two measurements).
    uncached = override_settings(STORAGES=STATIC_FILES, PUBLIC_PAGE_CACHE=False)
    with django_db_blocker.unblock(), uncached, transaction.atomic():
        # Only a test database, which starts empty; pytest-django creates it because the tests below are marked.
        assert not Commitment.objects.exists(), f"not an empty test database: {connection.settings_dict['NAME']}"
        client = Client()
        world = make_world()
        make_data(world, SMALL - 1)  # the root is the first of SMALL
        for url in public_pages(world).values():  # warm any one-off lookups
            client.get(url)
        for name, url in public_pages(world).items():
            counts[name] = [count_queries(client, url)]
        make_data(world, LARGE - SMALL)
        assert Commitment.objects.filter(published=True).count() == LARGE
        for name, url in public_pages(world).items():
            counts[name].append(count_queries(client, url))
        transaction.set_rollback(True)
    return counts


PAGE_NAMES = [
    "dashboard",
    "table page 1",
    "table filtered and sorted",
    "table last page",
    "export csv",
    "export xlsx",
    "export json",
    "commitment detail",
    "pillar list",
    "pillar detail",
    "source list",
    "source detail",
    "feed",
    "commitment feed",
    "api list",
    "api detail",
]


@pytest.mark.django_db  # so that pytest-django sets up the test database even when only these tests run
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_query_count_does_not_grow_with_the_number_of_commitments(query_counts, page):
    small, large = query_counts[page]
    assert small == large, f"{page}: {small} queries with {SMALL} commitments, {large} with {LARGE}"


def test_query_counts_cover_every_public_page(world):
    assert sorted(PAGE_NAMES) == sorted(public_pages(world))


# --------------------------------------------------------------------------------------------------------------------
# 2. Drafts and internal updates are never shown


def every_public_response(client, world):
    """(url, response) for every public page, every pillar, source and published commitment, and the whole API."""
    urls = list(public_pages(world).values())
    urls += [pillar.get_absolute_url() for pillar in world.pillars]
    urls += [source.get_absolute_url() for source in world.sources]
    for commitment in Commitment.objects.filter(published=True):
        urls += [
            commitment.get_absolute_url(),
            reverse("commitments:commitment_feed", args=[commitment.slug]),
            reverse("commitments:api-commitment-detail", args=[commitment.slug]),
        ]
    urls += [f"{reverse('commitments:api-commitment-list')}?page_size=500"]
    urls += [
        f"{world.pillars[1].get_absolute_url()}?_export=csv",
        f"{world.sources[1].get_absolute_url()}?_export=json",
    ]
    urls += [f"{reverse('commitments:commitment_list')}?per_page=500", reverse("commitments:api_schema")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response


def test_anonymous_gets_404_for_draft(client, world):
    draft = Commitment.objects.filter(published=False).exclude(pk=world.draft_parent.pk).first()
    for slug in (draft.slug, world.draft_parent.slug):
        assert client.get(reverse("commitments:commitment_detail", args=[slug])).status_code == 404
        assert client.get(reverse("commitments:commitment_feed", args=[slug])).status_code == 404
        assert client.get(reverse("commitments:api-commitment-detail", args=[slug])).status_code == 404


def test_drafts_internal_updates_and_internal_notes_never_reach_a_public_page(client, world):
    assert Commitment.objects.filter(published=False).count() >= 3
    assert ProgressUpdate.objects.filter(public=False, commitment__published=True).exists()
    assert ProgressUpdate.objects.filter(public=True, commitment__published=False).exists()
    for url, response in every_public_response(client, world):
        text = response_text(response)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} shown on {url}"


def test_internal_update_text_and_what_is_recorded_with_it_stay_internal_in_every_language(client, world):
    """An internal update recorded with a new indicator value: neither its text nor anything made from it
    (the value's note, the feed, the exports, IATI, AidData, the API, the map) reaches the public."""
    marker = "Zq-internal-measure-note: figures unconfirmed"
    root = world.root
    latest = root.updates.order_by("-date", "-created").first()
    editor = UserFactory(username="leak-editor", groups=["Editors"])
    client.force_login(editor)
    form = progress_form(
        public="", text=marker, status=latest.status, progress="", date=str(latest.date + datetime.timedelta(days=3))
    )
    root.refresh_from_db()
    form.update(indicator=root.indicators.first().pk, value="777", as_of="2025-12-01", version=root.version)
    assert client.post(reverse("commitments:staff_record_progress", args=[root.slug]), form).status_code == 302
    assert ProgressUpdate.objects.filter(text=marker, public=False).exists()
    client.logout()
    for language in ("en", "ur", "zh-hans"):
        with translation.override(language):
            extra = [reverse(name) for name in ("commitments:iati_activities", "commitments:aiddata_csv")]
            extra += [reverse("commitments:iati_activity", args=[root.slug]), reverse("commitments:map")]
            responses = [*every_public_response(client, world), *((url, client.get(url)) for url in extra)]
        for url, response in responses:
            assert response.status_code == 200, url
            text = response_text(response)
            for secret in [marker, *SECRETS]:
                assert secret not in text, f"{secret!r} shown on {url}"


def test_draft_is_absent_from_table_exports_and_api(client, world):
    drafts = set(Commitment.objects.filter(published=False).values_list("slug", flat=True))
    published = set(Commitment.objects.filter(published=True).values_list("slug", flat=True))
    table = reverse("commitments:commitment_list")
    assert {row["Slug"] for row in csv_rows(client.get(f"{table}?_export=csv"))} == published
    assert {row["Slug"] for row in json.loads(body(client.get(f"{table}?_export=json")))} == published
    api = client.get(reverse("commitments:api-commitment-list"), {"page_size": 500}).json()
    assert {record["slug"] for record in api["results"]} == published
    assert not drafts & published


def test_draft_parent_and_draft_children_are_hidden_on_the_public_record(client, world):
    child_of_draft = Commitment.objects.filter(published=True, parent=world.draft_parent).first()
    record = client.get(reverse("commitments:api-commitment-detail", args=[child_of_draft.slug])).json()
    assert record["parent"] is None
    page = client.get(child_of_draft.get_absolute_url()).content.decode()
    assert world.draft_parent.get_absolute_url() not in page

    page = client.get(world.root.get_absolute_url()).content.decode()
    for child in world.root.children.all():
        assert (child.get_absolute_url() in page) == child.published, child.slug


def test_internal_update_is_absent_from_detail_feeds_and_api(client, world):
    internal = ProgressUpdate.objects.filter(commitment=world.root, public=False).get()
    page = client.get(world.root.get_absolute_url()).content.decode()
    assert f"update-{internal.pk}" not in page
    assert INTERNAL_UPDATE not in page
    record = client.get(reverse("commitments:api-commitment-detail", args=[world.root.slug])).json()
    assert INTERNAL_UPDATE not in json.dumps(record)
    assert len(record["updates"]) == world.root.updates.filter(public=True).count() >= 2
    for url in (reverse("commitments:feed"), reverse("commitments:commitment_feed", args=[world.root.slug])):
        feed = client.get(url)
        assert INTERNAL_UPDATE not in feed.content.decode()
        assert not [entry for entry in atom_entries(feed) if entry_link(entry).endswith(f"#update-{internal.pk}")]


# --------------------------------------------------------------------------------------------------------------------
# 3. Hostile query strings never cause a server error

OK_STATUSES = (200, 400, 404)
TABLE_KEYS = ["q", "pillar", "theme", "party", "kind", "status", "overdue", "target_year", "sort", "page", "per_page"]
API_KEYS = [*TABLE_KEYS, "page_size", "format"]
KNOWN_VALUES = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "99999",
    "1e9",
    "NaN",
    "inf",
    "-0",
    "2030",
    "true",
    "false",
    "None",
    "csv",
    "xlsx",
    "json",
    "title",
    "-title",
    "pillar",
    "-status",
    "progress",
    "theme",
    "source",
    "quote",
    "--title",
    "title,-pillar",
    "completed",
    "both",
    "pillar-0",
    "theme-0",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "<script>",
    "../../etc/passwd",
    "9" * 40,
]
hostile_values = st.one_of(
    st.text(max_size=300),
    st.sampled_from(KNOWN_VALUES),
    st.integers().map(str),
    st.floats().map(str),
    st.lists(st.sampled_from(KNOWN_VALUES), min_size=2, max_size=3),
)


def query_params(keys):
    return st.dictionaries(
        st.one_of(st.sampled_from([*keys, "_export"]), st.text(min_size=1, max_size=20)), hostile_values, max_size=6
    )


fuzz_settings = hypothesis_settings(
    max_examples=50,
    deadline=None,
    database=None,  # nothing written into the project
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # the explain phase is slow and adds nothing here
    derandomize=True,  # the same examples on every run, so a failure here is never a fluke
)


def assert_no_server_error(client, url, params):
    response = client.get(url, params)
    assert response.status_code in OK_STATUSES, (url, params, response.status_code)
    return response


@fuzz_settings
@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
@given(params=query_params(TABLE_KEYS))
def test_fuzzed_table_query_never_errors(client, world, params):
    assert_no_server_error(client, reverse("commitments:commitment_list"), params)


@fuzz_settings
@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
@given(params=query_params(TABLE_KEYS))
def test_fuzzed_pillar_query_never_errors(client, world, params):
    assert_no_server_error(client, world.pillars[0].get_absolute_url(), params)


@fuzz_settings
@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
@given(params=query_params(TABLE_KEYS))
def test_fuzzed_source_query_never_errors(client, world, params):
    assert_no_server_error(client, world.sources[0].get_absolute_url(), params)


@fuzz_settings
@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
@given(params=query_params(API_KEYS))
def test_fuzzed_api_query_never_errors(client, world, params):
    assert_no_server_error(client, reverse("commitments:api-commitment-list"), params)


@fuzz_settings
@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")
@given(raw=st.text(alphabet=st.characters(max_codepoint=255), max_size=200))
def test_raw_malformed_query_string_never_errors(client, world, raw):
    for url in (reverse("commitments:commitment_list"), reverse("commitments:api-commitment-list")):
        response = client.get(url, QUERY_STRING=raw)
        assert response.status_code in OK_STATUSES, (url, raw)


HOSTILE_CASES = {
    "page=0": {"page": "0"},
    "page=-1": {"page": "-1"},
    "page=99999": {"page": "99999"},
    "page=abc": {"page": "abc"},
    "sort=nonexistent": {"sort": "nonexistent"},
    "status=unknown": {"status": "unknown"},
    "pillar=nope": {"pillar": "nope"},
    "theme=nope": {"theme": "nope"},
    "target_year=abc": {"target_year": "abc"},
    "target_year=99999999999": {"target_year": "99999999999"},
    "target_year=2030.5": {"target_year": "2030.5"},
    "overdue=maybe": {"overdue": "maybe"},
    "long q": {"q": "road " * 2000},
    "NUL in q": {"q": "road\x00"},
    "per_page=0": {"per_page": "0"},
    "per_page=-1": {"per_page": "-1"},
    "per_page=abc": {"per_page": "abc"},
    "page_size=0": {"page_size": "0"},
    "page_size=-1": {"page_size": "-1"},
    "page_size=huge": {"page_size": "100000000000000000000"},
    "page_size=superscript two": {"page_size": "\u00b2"},
    "export unknown": {"_export": "pdf"},
    "export with bad page": {"_export": "csv", "page": "abc"},
    "export with negative per_page": {"_export": "csv", "per_page": "-1"},
}


@pytest.mark.parametrize("case", list(HOSTILE_CASES))
def test_hostile_query_never_errors(client, world, case):
    urls = [
        reverse("commitments:commitment_list"),
        world.pillars[0].get_absolute_url(),
        world.sources[0].get_absolute_url(),
        reverse("commitments:api-commitment-list"),
        reverse("commitments:dashboard"),
    ]
    failures = {}
    for url in urls:
        try:
            status = client.get(url, HOSTILE_CASES[case]).status_code
        except Exception as error:  # the test client re-raises what the view raised
            status = f"500 ({type(error).__name__}: {error})"
        if status not in OK_STATUSES:
            failures[url] = status
    assert not failures, f"?{case} breaks: {failures}"


@pytest.mark.parametrize("case", ["status=unknown", "pillar=nope", "target_year=abc", "long q", "NUL in q"])
def test_invalid_filter_shows_an_error_and_no_rows_not_everything(client, world, case):
    response = client.get(reverse("commitments:commitment_list"), HOSTILE_CASES[case])
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "No commitment matches these filters." in page
    api = client.get(reverse("commitments:api-commitment-list"), HOSTILE_CASES[case])
    assert api.status_code == 400


def test_page_out_of_range_shows_the_last_page(client, world):
    make_data(world, 30)
    published = Commitment.objects.filter(published=True).count()
    response = client.get(reverse("commitments:commitment_list"), {"page": "99999"})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.page.number == table.paginator.num_pages == math.ceil(published / 25)
    assert client.get(reverse("commitments:api-commitment-list"), {"page": "99999"}).status_code == 404


# --------------------------------------------------------------------------------------------------------------------
# 4. Everything stored is escaped on the way out

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKER = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{ATTRIBUTE_BREAKER}"
RAW_MARKUP = ["<script>alert(1)", "<img src=x", '"><img']
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(db):
    """A published commitment, its child and everything around them, with markup in every displayed text field."""
    quote = f"We will {PAYLOAD} build it."
    source = SourceDocumentFactory(
        title=f"Source {PAYLOAD}",
        speaker=f"Speaker {PAYLOAD}",
        summary=f"Summary {PAYLOAD}",
        text=f"Opening {PAYLOAD} words. {quote} Closing {PAYLOAD} words.",
    )
    pillar = PillarFactory(name=f"Pillar {PAYLOAD}", description=f"Description {PAYLOAD}")
    theme = ThemeFactory(pillar=pillar, name=f"Theme {PAYLOAD}", description=f"Theme text {PAYLOAD}")
    common = {"pillar": pillar, "theme": theme, "source": source, "quote": quote, "target_date": PAST}
    parent = CommitmentFactory(
        title=f"Parent {PAYLOAD}", summary=f"Summary {PAYLOAD}", location=f"Place {PAYLOAD}", **common
    )
    child = CommitmentFactory(title=f"Child {PAYLOAD}", summary="", parent=parent, **common)
    MilestoneFactory(commitment=parent, title=f"Milestone {PAYLOAD}")
    indicator = IndicatorFactory(commitment=parent, name=f"Indicator {PAYLOAD}", unit=SCRIPT, key=True)
    MeasurementFactory(indicator=indicator, note=f"Note {PAYLOAD}", as_of=datetime.date(2025, 1, 1))
    MeasurementFactory(indicator=indicator, note=f"Note {PAYLOAD}", as_of=datetime.date(2025, 6, 1), value=300)
    ProgressUpdateFactory(commitment=parent, text=f"Update {PAYLOAD}\nsecond line {PAYLOAD}")
    ProgressUpdateFactory(commitment=child, text=f"Update {PAYLOAD}", source_url="", source_document=source)
    return {"parent": parent, "child": child, "pillar": pillar, "source": source}


def test_markup_in_stored_text_is_escaped_on_every_public_page(client, hostile):
    table = reverse("commitments:commitment_list")
    urls = [
        reverse("commitments:dashboard"),
        table,
        f"{table}?q={ATTRIBUTE_BREAKER}",
        f"{table}?status={PAYLOAD}",
        f"{table}?q=Parent&sort=-title",
        hostile["parent"].get_absolute_url(),
        hostile["child"].get_absolute_url(),
        reverse("commitments:pillar_list"),
        hostile["pillar"].get_absolute_url(),
        reverse("commitments:source_list"),
        hostile["source"].get_absolute_url(),
        reverse("commitments:feed"),
        reverse("commitments:commitment_feed", args=[hostile["parent"].slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for markup in RAW_MARKUP:
            assert markup not in page, f"unescaped {markup!r} on {url}"
        assert ESCAPED_SCRIPT in page, url


def test_search_term_is_echoed_escaped_in_the_filter_form(client, hostile):
    page = client.get(reverse("commitments:commitment_list"), {"q": ATTRIBUTE_BREAKER}).content.decode()
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page


# --------------------------------------------------------------------------------------------------------------------
# 5. Exports carry exactly the filtered rows


def expected_slugs(params):
    """The published commitments a filter should select, computed straight from the database."""
    rows = Commitment.objects.filter(published=True)
    if "status" in params:
        rows = rows.filter(status=params["status"])
    if "pillar" in params:
        rows = rows.filter(pillar__slug=params["pillar"])
    if "theme" in params:
        rows = rows.filter(theme__slug=params["theme"])
    if "party" in params:
        rows = rows.filter(party=params["party"])
    if "q" in params:
        word = params["q"]
        rows = [c for c in rows if any(word.lower() in text.lower() for text in (c.title, c.summary, c.quote))]
    return {c.slug for c in rows}


EXPORT_FILTERS = [
    {},
    {"page": "2"},
    {"status": "completed"},
    {"status": "announced"},
    {"pillar": "practical"},
    {"pillar": "practical", "status": "ongoing"},
    {"theme": "agriculture"},
    {"party": "china"},
    {"q": "Gwadar"},
    {"q": "gwadar", "pillar": "livelihoods"},
]


def test_csv_export_has_exactly_the_filtered_rows(client, catalogue):
    table = reverse("commitments:commitment_list")
    assert client.get(table).context["table"].paginator.num_pages > 1  # so "all rows" is more than page one
    for params in EXPORT_FILTERS:
        expected = expected_slugs(params)
        assert expected, f"{params} should select something"
        response = client.get(table, {**params, "_export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = csv_rows(response)
        assert {"Commitment", "Status", "Quote", "Pillar", "Summary", "Source"} <= set(rows[0])
        assert len(rows) == len(expected), params
        assert {row["Slug"] for row in rows} == expected, params
        commitments = {c.slug: c for c in Commitment.objects.filter(slug__in=expected)}
        for row in rows:
            commitment = commitments[row["Slug"]]
            assert row["Commitment"] == commitment.title
            assert row["Status"] == commitment.get_status_display()
            assert row["Quote"] == commitment.quote


def test_json_export_parses_and_matches_the_filter(client, catalogue):
    params = {"pillar": "practical", "status": "ongoing"}
    response = client.get(reverse("commitments:commitment_list"), {**params, "_export": "json"})
    assert response.status_code == 200
    records = json.loads(body(response))
    assert {record["Slug"] for record in records} == expected_slugs(params)
    assert {"Commitment", "Status", "Quote"} <= set(records[0])


def test_xlsx_export_is_a_workbook_with_the_filtered_rows(client, catalogue):
    import openpyxl

    response = client.get(reverse("commitments:commitment_list"), {"status": "announced", "_export": "xlsx"})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {"Commitment", "Status", "Quote"} <= set(rows[0])
    assert len(rows) - 1 == len(expected_slugs({"status": "announced"}))


def test_pillar_and_source_exports_hold_only_their_published_commitments(client, world):
    pillar, source = world.pillars[1], world.sources[1]
    rows = csv_rows(client.get(pillar.get_absolute_url(), {"_export": "csv"}))
    assert {r["Slug"] for r in rows} == set(pillar.commitments.filter(published=True).values_list("slug", flat=True))
    rows = csv_rows(client.get(source.get_absolute_url(), {"_export": "csv"}))
    assert {r["Slug"] for r in rows} == set(source.commitments.filter(published=True).values_list("slug", flat=True))


# --------------------------------------------------------------------------------------------------------------------
# 6. Accessibility basics


class PageStructure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.controls = []
        self.label_targets = set()
        self.svgs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs))
        elif tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        elif tag == "svg":
            self.svgs.append(attrs)


def page_structure(html):
    parser = PageStructure()
    parser.feed(html)
    parser.close()
    return parser


def accessibility_problems(html):
    page = page_structure(html)
    problems = []
    if page.tags["h1"] != 1:
        problems.append(f"{page.tags['h1']} <h1> elements")
    problems += [f"no <{tag}>" for tag in ("main", "header", "nav", "footer") if not page.tags[tag]]
    for tag, attrs in page.controls:
        if tag == "input" and attrs.get("type") in ("hidden", "submit", "button", "reset", "image"):
            continue
        if not attrs.get("id") or attrs["id"] not in page.label_targets:
            problems.append(f"<{tag} name={attrs.get('name')!r}> has no <label for>")
    for attrs in page.svgs:
        if attrs.get("aria-hidden") == "true":
            continue  # decorative: the same figure is printed as text beside it
        if attrs.get("role") != "img" or not (attrs.get("aria-label") or "").strip():
            problems.append(f"<svg class={attrs.get('class')!r}> lacks role=img or an aria-label")
    return problems


def test_every_html_page_has_one_h1_landmarks_labels_and_described_charts(client, world):
    urls = dict(html_pages(world))
    urls["table with invalid filters"] = f"{reverse('commitments:commitment_list')}?status=nope&target_year=abc"
    urls["not found"] = reverse("commitments:commitment_detail", args=["no-such-commitment"])
    problems = {}
    seen_controls = seen_svgs = 0
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), url
        structure = page_structure(response.content.decode())
        seen_controls += len(structure.controls)
        seen_svgs += len(structure.svgs)
        if found := accessibility_problems(response.content.decode()):
            problems[name] = found
    assert not problems
    assert seen_controls >= 8 and seen_svgs >= 3  # the checks above did look at a form and at charts


# --------------------------------------------------------------------------------------------------------------------
# 7. The JSON API


def test_api_list_is_paginated(client, world):
    url = reverse("commitments:api-commitment-list")
    data = client.get(url).json()
    assert {"count", "next", "previous", "results"} <= set(data)
    assert data["count"] == Commitment.objects.filter(published=True).count()
    page = client.get(url, {"page_size": 3}).json()
    assert len(page["results"]) == 3
    assert page["next"] and "page=2" in page["next"]
    last = client.get(url, {"page_size": 3, "page": math.ceil(data["count"] / 3)}).json()
    assert last["next"] is None


@pytest.mark.parametrize(
    "field, value",
    [("status", "completed"), ("status", "in_progress"), ("pillar", "pillar 3"), ("party", "china"), ("kind", "trade")],
)
def test_api_filters_select_only_matching_commitments(client, world, field, value):
    if field == "pillar":
        value = world.pillars[2].slug
    url = reverse("commitments:api-commitment-list")
    data = client.get(url, {field: value, "page_size": 500}).json()
    lookup = "pillar__slug" if field == "pillar" else field
    expected = Commitment.objects.filter(published=True, **{lookup: value})
    assert data["count"] == expected.count() > 0
    assert {record[field] for record in data["results"]} == {value}
    assert {record["slug"] for record in data["results"]} == set(expected.values_list("slug", flat=True))


def test_api_detail_has_milestones_indicators_and_only_public_updates(client, world):
    root = world.root
    record = client.get(reverse("commitments:api-commitment-detail", args=[root.slug])).json()
    assert record["slug"] == root.slug
    assert record["page"] == root.get_absolute_url()
    assert {m["title"] for m in record["milestones"]} == set(root.milestones.values_list("title", flat=True))
    assert len(record["indicators"]) == 1
    assert len(record["indicators"][0]["measurements"]) == 2
    public = root.updates.filter(public=True)
    assert sorted(u["text"] for u in record["updates"]) == sorted(public.values_list("text", flat=True))
    assert all(INTERNAL_UPDATE not in u["text"] for u in record["updates"])
    assert "internal_notes" not in record and "published" not in record


def test_api_unknown_slug_is_404(client, world):
    assert client.get(reverse("commitments:api-commitment-detail", args=["no-such-commitment"])).status_code == 404


# --------------------------------------------------------------------------------------------------------------------
# 8. Atom feeds


def update_pk(link):
    return int(urlsplit(link).fragment.removeprefix("update-"))


def test_feeds_are_atom(client, world):
    for url in (reverse("commitments:feed"), reverse("commitments:commitment_feed", args=[world.root.slug])):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        assert ET.fromstring(response.content).tag == f"{ATOM}feed"


def test_feed_entries_link_to_their_commitment_page(client, world):
    entries = atom_entries(client.get(reverse("commitments:feed")))
    public = ProgressUpdate.objects.public()
    verdicts = VerdictRecord.objects.public()
    assert len(entries) == min(50, public.count() + verdicts.count())
    verdict_entries = [entry for entry in entries if "#verdict-" in entry_link(entry)]
    for entry in verdict_entries:
        record = verdicts.get(pk=entry_link(entry).rsplit("-", 1)[1])
        page = client.get(urlsplit(entry_link(entry)).path)
        assert urlsplit(entry_link(entry)).path == record.commitment.get_absolute_url()
        assert f'id="verdict-{record.pk}"' in page.content.decode()
    for entry in entries:
        if entry in verdict_entries:
            continue
        link = entry_link(entry)
        update = ProgressUpdate.objects.select_related("commitment").get(pk=update_pk(link))
        assert update.public and update.commitment.published
        assert urlsplit(link).path == update.commitment.get_absolute_url()
        page = client.get(urlsplit(link).path)
        assert page.status_code == 200
        assert f'id="update-{update.pk}"' in page.content.decode()


def test_commitment_feed_holds_only_that_commitments_public_updates(client, world):
    root = world.root
    entries = atom_entries(client.get(reverse("commitments:commitment_feed", args=[root.slug])))
    entries = [entry for entry in entries if "#verdict-" not in entry_link(entry)]
    assert {update_pk(entry_link(entry)) for entry in entries} == set(
        root.updates.filter(public=True).values_list("pk", flat=True)
    )
    assert all(urlsplit(entry_link(entry)).path == root.get_absolute_url() for entry in entries)


def test_commitment_feed_of_unknown_commitment_is_404(client, world):
    assert client.get(reverse("commitments:commitment_feed", args=["no-such-commitment"])).status_code == 404


def test_the_pillar_list_counts_published_commitments_and_follows_a_publication(db, client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    pillar = PillarFactory()
    CommitmentFactory.create_batch(2, pillar=pillar)
    draft = CommitmentFactory(pillar=pillar, published=False)

    def count():
        listed = client.get(reverse("commitments:pillar_list")).context["object_list"]
        return next(shown.commitment_count for shown in listed if shown.pk == pillar.pk)

    assert count() == 2
    services.set_published([draft], True, user=None)
    assert count() == 3


@pytest.mark.django_db
def test_the_dashboard_shows_the_most_recently_measured_key_numbers_and_how_many_there_are(client):
    indicators = [IndicatorFactory(key=True, name=f"Key number {n}") for n in range(KEY_NUMBERS + 2)]
    for n, indicator in enumerate(indicators):
        MeasurementFactory(indicator=indicator, as_of=datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    IndicatorFactory(key=True, name="Key number of a draft", commitment=CommitmentFactory(published=False))
    page = client.get(reverse("commitments:dashboard")).content.decode()
    shown = re.findall(r'class="target-name"><a [^>]*>(Key number [^<]*)</a>', page)
    assert shown == [f"Key number {n}" for n in reversed(range(2, KEY_NUMBERS + 2))]
    assert f"The {KEY_NUMBERS} most recently measured of {KEY_NUMBERS + 2} key numbers" in page
