"""The map with many commitments: the marker's place kept on every write, the count by place, the area filter."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from commitments import maps, services
from commitments.filters import CommitmentFilter
from commitments.geometry import Area
from commitments.models import Commitment
from commitments.vocabulary import Status

from .factories import CommitmentFactory, PillarFactory, SourceDocumentFactory
from .helpers import count_queries

pytestmark = pytest.mark.django_db

MAP_URL = "/map/"
TABLE_URL = "/commitments/"
LAHORE, GWADAR, KARACHI = (74.34, 31.55), (62.32, 25.13), (67.0, 24.86)


@pytest.fixture
def few_marks(monkeypatch):
    """A map that counts by place beyond two commitments, so that a few show it."""
    monkeypatch.setattr(maps, "MAP_MARK_LIMIT", 2)


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def line_through(middle):
    lon, lat = middle
    return {"type": "LineString", "coordinates": [[lon - 2, lat + 1], [lon, lat], [lon + 1, lat + 2]]}


class Places(HTMLParser):
    """The places drawn in the map's SVG: their area, link and count; and any commitment drawn on its own."""

    def __init__(self):
        super().__init__()
        self.places, self.marks, self.place = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-area" in attrs:
            self.place = {"area": attrs["data-area"], "href": attrs["href"], "count": ""}
            self.places.append(self.place)
        elif tag == "a" and "data-slug" in attrs:
            self.marks.append(attrs["data-slug"])
        elif tag == "text" and self.place is not None:
            self.place["in_text"] = True

    def handle_data(self, data):
        if self.place is not None and self.place.pop("in_text", False):
            self.place["count"] = int(data)

    def handle_endtag(self, tag):
        if tag == "a":
            self.place = None


def places_on(html):
    parser = Places()
    parser.feed(html[html.index('<svg class="map-svg"') : html.index("</svg>")])
    return parser


def listed_in_table(client, href):
    html = client.get(href).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    return set(re.findall(r'href="/commitments/([\w-]+)/"', table))


@pytest.fixture
def spread(db):
    """Commitments in four places: Lahore (points, a latitude and longitude, a draft), Gwadar, the middle of a
    route through Karachi, and Beijing (off the map); one without a place."""
    pillar, source = PillarFactory(), SourceDocumentFactory()

    def make(slug, status=Status.ANNOUNCED, **place):
        return CommitmentFactory(slug=slug, pillar=pillar, source=source, status=status, **place)

    for number in range(6):
        make(f"lahore-{number}", Status.IN_PROGRESS if number % 2 else Status.PLANNED, geometry=point(*LAHORE))
    make("lahore-by-latitude", latitude="31.60000", longitude="74.30000")
    make("lahore-draft", geometry=point(*LAHORE), published=False)
    for number in range(4):
        make(f"gwadar-{number}", Status.PLANNED, geometry=point(*GWADAR))
    make("karachi-route", geometry=line_through(KARACHI))
    make("beijing-office", geometry=point(116.4, 39.9))
    make("nowhere")


def test_beyond_the_limit_the_map_counts_commitments_by_place(client, few_marks, spread):
    response = client.get(MAP_URL)
    html = response.content.decode()
    page = places_on(html)
    assert page.marks == []  # no commitment drawn on its own, no route
    assert "<polyline" not in html
    drawn = {place["area"]: place["count"] for place in page.places}
    assert drawn == {"74.25,31.5,75,32.25": 7, "62.25,24.75,63,25.5": 4, "66.75,24.75,67.5,25.5": 1}
    # Every place is listed, with a link for the keyboard; the one off the map (Beijing) is listed only.
    listed = html[html.index('id="mapped"') :]
    assert len(re.findall(r'<a href="/commitments/\?area=', listed)) == 4
    assert "1 commitment around 116.4°E, 39.9°N</a>" in listed and "(outside the area of the map)" in listed
    assert "Commitments with a place: 13 of the 14 that match the filters." in html
    assert "The map shows 13 commitments grouped by place." in html
    # The legend counts what is drawn.
    assert "Planned: 7</li>" in html and "In progress: 3</li>" in html and "Announced: 2</li>" in html
    assert "with 12 commitments, grouped by place; the places are listed below the map" in html


def test_a_place_links_to_the_table_of_exactly_its_commitments(client, few_marks, spread):
    for place in places_on(client.get(MAP_URL).content.decode()).places:
        west, south, east, north = map(float, place["area"].split(","))
        inside = {
            c.slug
            for c in Commitment.objects.published().located()
            if west <= c.map_longitude < east and south <= c.map_latitude < north
        }
        assert listed_in_table(client, place["href"]) == inside
        assert len(inside) == place["count"]
    lahore = {f"lahore-{number}" for number in range(6)} | {"lahore-by-latitude"}
    assert listed_in_table(client, f"{TABLE_URL}?area=74.25,31.5,75,32.25") == lahore


def test_a_place_keeps_the_filters_of_the_map(client, few_marks, spread):
    html = client.get(MAP_URL, {"status": Status.PLANNED, "page": "2"}).content.decode()
    lahore = next(place for place in places_on(html).places if place["area"].startswith("74.25"))
    assert lahore["count"] == 3 and "status=planned" in lahore["href"] and "page" not in lahore["href"]
    assert listed_in_table(client, lahore["href"]) == {"lahore-0", "lahore-2", "lahore-4"}
    # An area on the map narrows its places to what lies in both.
    html = client.get(MAP_URL, {"area": "74,31,75,32", "status": Status.PLANNED}).content.decode()
    assert [place["area"] for place in places_on(html).places] == ["74.25,31.5,75,32"]


def test_too_many_places_are_merged_into_larger_ones(few_marks, spread, monkeypatch):
    monkeypatch.setattr(maps, "MAP_CELL_LIMIT", 2)
    cells, unplaced = maps.count_by_cell(Commitment.objects.published())
    assert len(cells) == 2 and unplaced == 1
    assert sum(cell.total for cell in cells) == 13
    for cell in cells:
        area = cell.area
        size = area.east - area.west
        assert size == area.north - area.south and area.west % size == 0 and area.south % size == 0
        assert CommitmentFilter({"area": str(area)}, Commitment.objects.published()).qs.count() == cell.total


def test_the_query_count_of_the_counted_map_does_not_grow(client, settings, few_marks):
    settings.PUBLIC_PAGE_CACHE = False
    pillar, source = PillarFactory(), SourceDocumentFactory()

    def make(count):
        for number in range(count):
            status = (Status.ANNOUNCED, Status.PLANNED)[number % 2]
            geometry = point(61 + number % 25, 24 + number % 14)
            CommitmentFactory(pillar=pillar, source=source, status=status, geometry=geometry)

    def counted():
        return sum(place["count"] for place in places_on(client.get(MAP_URL).content.decode()).places)

    filtered = f"{MAP_URL}?status=planned&q=Commitment&area=60,20,80,40"
    make(30)
    client.get(MAP_URL)  # warm one-off lookups
    small, small_filtered = count_queries(client, MAP_URL), count_queries(client, filtered)
    assert counted() == 30
    make(60)
    assert counted() == 90
    assert (count_queries(client, MAP_URL), count_queries(client, filtered)) == (small, small_filtered)


# --------------------------------------------------------------------------------------------------------------------
# The marker's place, kept on every write


def marker_of(commitment):
    commitment.refresh_from_db()
    return commitment.map_longitude, commitment.map_latitude


def edit(commitment, **changes):
    commitment.refresh_from_db()
    for name, value in changes.items():
        setattr(commitment, name, value)
    services.save_commitment(commitment, user=None, expected_version=commitment.version)
    return marker_of(commitment)


def test_the_marker_is_placed_on_create_and_moved_on_every_edit(db):
    commitment = CommitmentFactory(geometry=point(70.5, 30.25))
    assert marker_of(commitment) == (70.5, 30.25)
    # A route's marker sits on its middle vertex, as the map draws its number there.
    route = {"type": "LineString", "coordinates": [[67.0, 24.8], [70.0, 30.0], [73.0, 33.6], [75.9, 39.4]]}
    assert edit(commitment, geometry=route) == (73.0, 33.6)
    assert edit(commitment, geometry=None, latitude="35.49000", longitude="74.59000") == (74.59, 35.49)
    assert edit(commitment, latitude=None, longitude=None) == (None, None)
    assert not Commitment.objects.located().exists()
    assert CommitmentFactory(latitude="25.12640", longitude="62.32250").map_longitude == 62.3225


def test_an_import_places_the_marker(catalogue):
    for commitment in Commitment.objects.exclude(geometry=None):
        coordinates = commitment.geometry["coordinates"]
        expected = coordinates if commitment.geometry["type"] == "Point" else coordinates[len(coordinates) // 2]
        assert [commitment.map_longitude, commitment.map_latitude] == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_places_the_markers_of_existing_commitments():
    executor = MigrationExecutor(connection)
    executor.migrate([("commitments", "0014_indexes_for_feed_and_deadlines")])
    old = executor.loader.project_state([("commitments", "0014_indexes_for_feed_and_deadlines")]).apps
    try:
        source = old.get_model("commitments", "SourceDocument").objects.create(
            title="Speech", slug="speech", date=datetime.date(2025, 2, 21), speaker="A", kind="speech", text="We will."
        )
        pillar = old.get_model("commitments", "Pillar").objects.create(name="P", slug="p")
        old_commitment = old.get_model("commitments", "Commitment")

        def make(slug, **place):
            values = {"title": slug, "title_en": slug, "pillar": pillar, "source": source, "quote": "We will."}
            return old_commitment.objects.create(slug=slug, party="both", kind="infrastructure", **values, **place)

        make("route", geometry={"type": "LineString", "coordinates": [[67.0, 24.8], [70.0, 30.0], [73.0, 33.6]]})
        make("dam", latitude="35.49000", longitude="74.59000")
        make("nowhere")
        executor = MigrationExecutor(connection)
        executor.migrate([("commitments", "0015_map_point")])
        new = executor.loader.project_state([("commitments", "0015_map_point")]).apps
        placed = new.get_model("commitments", "Commitment").objects.values_list("slug", "map_longitude", "map_latitude")
        assert sorted(placed) == [("dam", 74.59, 35.49), ("nowhere", None, None), ("route", 70.0, 30.0)]
    finally:
        call_command("migrate", verbosity=0)


# --------------------------------------------------------------------------------------------------------------------
# The area filter


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("70,30,72", "Give the area as four numbers in degrees, west,south,east,north, e.g. 70,30,72,32."),
        ("70,30,72,north", "Give the area as four numbers"),
        ("190,30,191,32", "Longitudes (west, east) must be between -180 and 180"),
        ("70,-95,72,32", "latitudes (south, north) between -90 and 90"),
        ("nan,30,72,32", "Longitudes (west, east) must be between -180 and 180"),
        ("72,30,70,32", "West must be less than east, and south less than north."),
        ("70,32,72,32", "West must be less than east, and south less than north."),
    ],
)
def test_a_bad_area_is_refused_with_a_message(client, spread, area, message):
    html = client.get(TABLE_URL, {"area": area}).content.decode()
    assert re.search(r'id="id_area-error">[^<]*' + re.escape(message), html)
    response = client.get(reverse("commitments:api-commitment-list"), {"area": area})
    assert response.status_code == 400 and message in response.json()["area"][0]
    map_page = client.get(MAP_URL, {"area": area}).content.decode()
    assert "Some filters were not understood" in map_page and places_on(map_page).places == []


def test_an_area_holds_its_west_and_south_edges_not_its_east_and_north(db):
    assert Area(70.0, 30.0, 72.5, 32.0) & Area(71.0, 29.0, 80.0, 31.0) == Area(71.0, 30.0, 72.5, 31.0)
    assert str(Area(70.0, 30.0, 72.5, 32.0)) == "70,30,72.5,32"
    for slug, place in [("on-west", (70.0, 31.0)), ("on-east", (72.0, 31.0)), ("on-north", (71.0, 32.0))]:
        CommitmentFactory(slug=slug, geometry=point(*place))
    found = CommitmentFilter({"area": "70,30,72,32"}, Commitment.objects.all()).qs
    assert set(found.values_list("slug", flat=True)) == {"on-west"}


def test_the_counted_map_follows_a_write_with_the_page_cache_off(client, settings, few_marks, spread):
    settings.PUBLIC_PAGE_CACHE = False
    lahore = "74.25,31.5,75,32.25"

    def count_in_lahore():
        return {place["area"]: place["count"] for place in places_on(client.get(MAP_URL).content.decode()).places}[
            lahore
        ]

    assert count_in_lahore() == 7
    assert count_in_lahore() == 7  # the places counted once are kept for this version of the site
    services.set_published([Commitment.objects.get(slug="lahore-draft")], True, user=None)
    assert count_in_lahore() == 8
