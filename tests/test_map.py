"""The map: geometry on commitments, the vendored country outlines and the /map/ page."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments import maps
from commitments.geometry import geometry_or_point, positions
from commitments.models import Commitment
from commitments.vocabulary import Status

from .factories import CommitmentFactory, PillarFactory, SourceDocumentFactory
from .helpers import count_queries, unsaved_commitment

pytestmark = pytest.mark.django_db

MAP_URL = "/map/"
OUTLINES = json.loads(maps.OUTLINES.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------------------------
# Geometry validation


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[70, 30], [71, 30], [71, 31], [70, 30]]]}, 'not "Polygon"'),
        ({"coordinates": [70, 30]}, 'must be "Point" or "LineString", not missing'),
        ("somewhere", "must be a GeoJSON object"),
        ({"type": "Point", "coordinates": [200, 30]}, "Longitude 200 is outside -180 to 180"),
        ({"type": "Point", "coordinates": [-181.5, 30]}, "Longitude -181.5 is outside -180 to 180"),
        ({"type": "Point", "coordinates": [70, 95]}, "Latitude 95 is outside -90 to 90"),
        ({"type": "Point", "coordinates": [70]}, "one position [longitude, latitude]"),
        ({"type": "Point", "coordinates": ["70", "30"]}, "one position [longitude, latitude]"),
        ({"type": "LineString", "coordinates": [[70, 30]]}, "at least two points; this one has 1"),
        ({"type": "LineString", "coordinates": []}, "at least two points; this one has 0"),
        ({"type": "LineString", "coordinates": [70, 30]}, "must be a list of positions"),
        ({"type": "LineString", "coordinates": [[70, 30], [70, -91]]}, "Point 2: Latitude -91 is outside -90 to 90"),
    ],
)
def test_bad_geometry_is_rejected_with_a_clear_message(geometry, message):
    commitment = unsaved_commitment(geometry=geometry)
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert message in " ".join(error.value.message_dict["geometry"])
    assert not Commitment.objects.exists()


def test_every_bad_position_of_a_line_is_named():
    commitment = unsaved_commitment(geometry={"type": "LineString", "coordinates": [[190, 30], [70, 30], [70, 99]]})
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert error.value.message_dict["geometry"] == [
        "Point 1: Longitude 190 is outside -180 to 180 (GeoJSON puts longitude first: [longitude, latitude]).",
        "Point 3: Latitude 99 is outside -90 to 90 (GeoJSON puts latitude second: [longitude, latitude]).",
    ]


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [62.33, 25.11]},
        {"type": "Point", "coordinates": [-180, 90]},
        {"type": "LineString", "coordinates": [[72.92, 34.86], [74.59, 35.49]]},
    ],
)
def test_good_geometry_is_saved(geometry):
    commitment = unsaved_commitment(geometry=geometry)
    commitment.full_clean()
    commitment.save()
    assert Commitment.objects.get().geometry == geometry


def test_latitude_and_longitude_without_geometry_are_a_point():
    commitment = unsaved_commitment(latitude="25.11000", longitude="62.33000")
    assert commitment.geometry_or_point() == {"type": "Point", "coordinates": [62.33, 25.11]}
    line = {"type": "LineString", "coordinates": [[67.01, 24.86], [71.58, 34.01]]}
    commitment.geometry = line
    assert commitment.geometry_or_point() == line
    assert geometry_or_point(None, None, 62.33) is None
    assert unsaved_commitment().geometry_or_point() is None


# --------------------------------------------------------------------------------------------------------------------
# The vendored outlines and the catalogue's places


def inside_ring(lon, lat, ring):
    """Ray casting: does a ray going east from the position cross the ring an odd number of times?"""
    crossings = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings = not crossings
    return crossings


def inside_country(lon, lat, country):
    """In one of the polygons of a MultiPolygon: inside its outer ring and in none of its holes."""
    return any(
        inside_ring(lon, lat, polygon[0]) and not any(inside_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in country["coordinates"]
    )


def country(iso):
    return next(c for c in OUTLINES["countries"] if c["id"] == iso)


def test_the_outlines_are_small_sourced_and_complete():
    assert maps.OUTLINES.stat().st_size < 300_000
    source = OUTLINES["source"]
    assert source["package"] == "world-atlas" and source["version"]
    assert "public domain" in source["licence"]
    ids = {c["id"] for c in OUTLINES["countries"]}
    assert {"PAK", "CHN", "IND", "AFG", "IRN"} <= ids
    for c in OUTLINES["countries"]:
        assert c["name"] and c["type"] == "MultiPolygon"
        for polygon in c["coordinates"]:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(round(value, 2) == value for position in ring for value in position)


def test_point_in_polygon_knows_the_two_countries():
    pakistan, china = country("PAK"), country("CHN")
    assert inside_country(73.05, 33.68, pakistan)  # Islamabad
    assert inside_country(75.99, 39.47, china)  # Kashgar; Beijing lies east of the view, where the outline is cut
    assert not inside_country(75.99, 39.47, pakistan)
    assert inside_country(87.6, 43.8, china)  # Urumqi
    assert not inside_country(77.2, 28.6, pakistan)  # Delhi
    assert not inside_country(77.2, 28.6, china)
    assert not inside_country(64.0, 23.0, pakistan)  # the Arabian Sea


def test_every_catalogue_place_lies_in_pakistan_or_china(catalogue):
    located = list(Commitment.objects.located())
    assert {c.slug for c in located} >= {
        "gwadar-port-development",
        "gwadar-new-international-airport",
        "khunjerab-pass-operation",
        "kkh-phase-ii-realignment",
        "ml1-railway-upgrade",
    }
    pakistan, china = country("PAK"), country("CHN")
    for commitment in located:
        assert commitment.geometry, f"{commitment.slug} has a place but no geometry in the catalogue"
        for lon, lat in positions(commitment.geometry):
            assert inside_country(lon, lat, pakistan) or inside_country(lon, lat, china), (commitment.slug, lon, lat)


def test_catalogue_points_agree_with_latitude_and_longitude(catalogue):
    for commitment in Commitment.objects.located():
        if commitment.geometry["type"] == "Point":
            assert commitment.geometry["coordinates"] == [float(commitment.longitude), float(commitment.latitude)]
        else:  # a line's latitude and longitude are one of its points
            assert [float(commitment.longitude), float(commitment.latitude)] in commitment.geometry["coordinates"]


# --------------------------------------------------------------------------------------------------------------------
# The page


class SvgShapes(HTMLParser):
    """The links drawn inside the map's SVG: slug to the set of shapes (circle, polyline, rect) in them."""

    def __init__(self):
        super().__init__()
        self.svg = None
        self.in_svg = False
        self.link = None
        self.shapes = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "map-svg" in attrs.get("class", ""):
            self.svg, self.in_svg = attrs, True
        elif self.in_svg and tag == "a":
            self.link = attrs
            self.shapes.setdefault(attrs["data-slug"], {"href": attrs["href"], "shapes": []})
        elif self.link is not None and tag in ("circle", "polyline", "rect"):
            self.shapes[self.link["data-slug"]]["shapes"].append((tag, attrs.get("class", "")))

    def handle_endtag(self, tag):
        if tag == "a":
            self.link = None
        elif tag == "svg":
            self.in_svg = False


def drawn(response):
    parser = SvgShapes()
    parser.feed(response.content.decode())
    assert parser.svg is not None, "no map SVG on the page"
    return parser


def test_the_map_draws_every_located_catalogue_commitment(client, catalogue):
    response = client.get(MAP_URL)
    assert response.status_code == 200
    page = drawn(response)
    assert page.svg["role"] == "group" and "Pakistan" in page.svg["aria-label"]
    located = Commitment.objects.published().located()
    assert set(page.shapes) == {c.slug for c in located}
    for commitment in located:
        found = page.shapes[commitment.slug]
        assert found["href"] == commitment.get_absolute_url()
        kinds = {tag for tag, _ in found["shapes"]}
        assert kinds == ({"polyline", "rect"} if commitment.geometry["type"] == "LineString" else {"circle"})
        assert all(f"status-{commitment.status}" in css for _, css in found["shapes"] if "casing" not in css)
    html = response.content.decode()
    # Tooltips, country names, the text legend and the list that reads without the picture.
    assert "<title>" in html and "Gwadar Port, Balochistan</title>" in html
    assert re.search(r'class="map-label map-label-major"[^>]*>Pakistan</text>', html)
    assert re.search(r'class="map-label map-label-major"[^>]*>China</text>', html)
    planned = located.filter(status=Status.PLANNED).count()
    assert 'class="legend map-legend"' in html and f"Planned: {planned}" in html
    for commitment in located:
        assert f'<a href="{commitment.get_absolute_url()}">{commitment.title}</a>' in html
    # Nothing from another host, and no inline script: the only script is the filters' static file.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/filters.js" defer>']
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_the_map_is_in_the_main_navigation(client, db):
    html = client.get(reverse("commitments:dashboard")).content.decode()
    assert f'<a href="{reverse("commitments:map")}">Map</a>' in html


def test_status_filter_reduces_the_shapes(client, catalogue):
    everything = drawn(client.get(MAP_URL)).shapes
    planned = drawn(client.get(MAP_URL, {"status": Status.PLANNED})).shapes
    assert set(planned) == set(Commitment.objects.published().located().filter(status=Status.PLANNED).values_list(
        "slug", flat=True))  # fmt: skip
    assert {"kkh-phase-ii-realignment", "ml1-railway-upgrade"} <= set(planned)
    assert len(planned) < len(everything)
    assert drawn(client.get(MAP_URL, {"status": Status.CANCELLED})).shapes == {}
    assert drawn(client.get(MAP_URL, {"q": "Gwadar"})).shapes.keys() >= {"gwadar-port-development"}


def test_an_invalid_filter_draws_nothing(client, catalogue):
    response = client.get(MAP_URL, {"target_year": "not a year"})
    assert response.status_code == 200
    assert drawn(response).shapes == {}
    assert "Some filters were not understood" in response.content.decode()


def test_drafts_are_not_drawn(client, db):
    CommitmentFactory(slug="public-road", geometry={"type": "Point", "coordinates": [70.0, 30.0]})
    CommitmentFactory(slug="secret-road", published=False, geometry={"type": "Point", "coordinates": [71.0, 31.0]})
    CommitmentFactory(slug="secret-dam", published=False, latitude=31, longitude=72)
    CommitmentFactory(slug="nowhere")
    html = client.get(MAP_URL).content.decode()
    assert set(drawn_from(html)) == {"public-road"}
    assert "secret" not in html


def drawn_from(html):
    parser = SvgShapes()
    parser.feed(html)
    return parser.shapes


def test_latitude_and_longitude_alone_draw_a_point(client, db):
    CommitmentFactory(slug="old-style", latitude="35.49000", longitude="74.59000")
    shapes = drawn_from(client.get(MAP_URL).content.decode())
    assert [tag for tag, _ in shapes["old-style"]["shapes"]] == ["circle"]


def test_a_place_outside_the_map_is_listed_not_drawn(client, db):
    CommitmentFactory(
        slug="in-beijing", title="Beijing office", geometry={"type": "Point", "coordinates": [116.4, 39.9]}
    )
    html = client.get(MAP_URL).content.decode()
    assert drawn_from(html) == {}
    assert "Beijing office</a>" in html and "outside the area of the map" in html


def test_points_sharing_a_place_are_spread_apart(catalogue):
    drawing = maps.draw(Commitment.objects.published().located())
    gwadar = [m for m in drawing.points if m.commitment.slug.startswith("gwadar")]
    assert len(gwadar) == 2  # the port and the airport
    markers = [(m.marker_x, m.marker_y) for m in gwadar]
    for index, a in enumerate(markers):
        for b in markers[index + 1 :]:
            assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 2 * maps.MARKER_RADIUS
    assert all(m.moved for m in gwadar)


def make_located(count):
    pillar, source = PillarFactory(), SourceDocumentFactory()
    for number in range(count):
        geometry = (
            {"type": "Point", "coordinates": [61 + number * 0.4 % 25, 24 + number * 0.3 % 14]}
            if number % 2
            else {"type": "LineString", "coordinates": [[65, 25 + number % 10], [70, 30], [75, 35]]}
        )
        status = list(Status)[number % len(Status)]
        done = datetime.date(2025, 6, 1) if status == Status.COMPLETED else None
        CommitmentFactory(pillar=pillar, source=source, geometry=geometry, status=status, completion_date=done)


def uncounted_yet(client, url):
    """The queries of a request whose map cells are not kept from an earlier one (`cache.of_site_query`)."""
    cache.clear()
    return count_queries(client, url)


def test_query_count_does_not_grow_with_the_commitments(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    make_located(5)
    client.get(MAP_URL)  # warm one-off lookups
    small = uncounted_yet(client, MAP_URL)
    assert len(drawn(client.get(MAP_URL)).shapes) == 5
    make_located(45)
    large = uncounted_yet(client, MAP_URL)
    assert len(drawn(client.get(MAP_URL)).shapes) == 50
    assert small == large
    filtered = uncounted_yet(client, f"{MAP_URL}?status=planned&q=Commitment")
    assert filtered == small
