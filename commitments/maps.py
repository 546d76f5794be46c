"""The server-rendered SVG map: country outlines and the commitments that have a place.

Everything is projected here, so the template only draws. The projection is
equirectangular over VIEW (Pakistan and western China), with the horizontal
scale true at the view's middle latitude. Country outlines come from the
vendored Natural Earth file (static/commitments/map/outlines.json, built by
tools/build_map_outlines.py) and their SVG paths are computed once per process.

Up to MAP_MARK_LIMIT commitments, each is drawn and numbered. Beyond that one
mark each would be unreadable and slow, so the database counts them by cell of a
grid over their markers' places (`Commitment.map_longitude`, `map_latitude`) and
each cell is drawn as one circle sized by its count, in slices by status.
"""

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import cache as page_cache
from .geometry import LINE, POINT, WORLD, Area, positions
from .models.commitments import MAP_CELL_DEGREES
from .scorecard import commitments_url
from .vocabulary import Status

OUTLINES = Path(__file__).resolve().parent / "static" / "commitments" / "map" / "outlines.json"

# west, south, east, north in degrees
VIEW = (59.0, 22.5, 86.0, 40.5)
WIDTH = 1000
FOCUS_COUNTRIES = {"PAK", "CHN"}
GRATICULE_STEP = 5
# Markers closer than this (in map units) are spread around their common place, with leader lines.
CLUSTER_DISTANCE = 20
MARKER_RADIUS = 11
# Above this many located commitments the map counts them by place instead of drawing each.
MAP_MARK_LIMIT = 200
# Beyond this many cells, cells are merged in fours (a grid twice as coarse) until there are no more: the map and
# the list of places stay readable however widely the commitments are spread.
MAP_CELL_LIMIT = 150
# The circle of the fullest cell; the others are smaller by area, down to a marker's, which keeps its count legible.
CELL_RADIUS = 26

# Name, longitude and latitude of each label, and its kind (a CSS class suffix).
LABELS = [
    (_("Pakistan"), 66.4, 28.4, "major"),
    (_("China"), 81.0, 38.0, "major"),
    (_("India"), 78.5, 24.5, "minor"),
    (_("Afghanistan"), 65.8, 33.6, "minor"),
    (_("Iran"), 60.6, 27.6, "minor"),
    (_("Tajikistan"), 70.2, 38.8, "minor"),
    (_("Nepal"), 82.6, 28.75, "minor"),
    (_("Arabian Sea"), 64.0, 23.2, "sea"),
]


@dataclass(frozen=True)
class Projection:
    west: float
    south: float
    east: float
    north: float
    width: float

    @property
    def scale_x(self):
        return self.width / (self.east - self.west)

    @property
    def scale_y(self):
        middle = math.radians((self.north + self.south) / 2)
        return self.scale_x / math.cos(middle)

    @property
    def height(self):
        return round((self.north - self.south) * self.scale_y, 1)

    def __call__(self, lon, lat):
        return round((lon - self.west) * self.scale_x, 1), round((self.north - lat) * self.scale_y, 1)

    def contains(self, lon, lat):
        return self.west <= lon <= self.east and self.south <= lat <= self.north


PROJECTION = Projection(*VIEW, WIDTH)


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    d: str
    focus: bool


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float
    kind: str


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str
    tx: float
    ty: float
    vertical: bool


@dataclass
class Mark:
    """One commitment on the map."""

    commitment: object
    geometry: dict
    number: int = 0
    # map units: the true place of a point, the marker (moved off it when it shares its place), a line's points
    x: float = 0.0
    y: float = 0.0
    marker_x: float = 0.0
    marker_y: float = 0.0
    points: str = ""
    drawn: bool = True

    @property
    def is_line(self):
        return self.geometry["type"] == LINE

    @property
    def badge_x(self):
        return round(self.marker_x - MARKER_RADIUS, 1)

    @property
    def badge_y(self):
        return round(self.marker_y - MARKER_RADIUS, 1)

    @property
    def moved(self):
        return (self.marker_x, self.marker_y) != (self.x, self.y)

    @property
    def coordinates(self):
        return positions(self.geometry)


@dataclass
class Cell:
    """The located commitments in one cell of the grid, drawn as one circle at the mean place of their markers."""

    area: Area
    counts: Counter  # by status value
    longitude: float
    latitude: float
    href: str = ""  # the table of the commitments it counts
    # map units
    x: float = 0.0
    y: float = 0.0
    radius: float = 0.0
    drawn: bool = True

    @cached_property
    def total(self):
        return sum(self.counts.values())

    @cached_property
    def statuses(self):
        """[(status value, label, count)] of the statuses in the cell, in the order of the legend."""
        return [(status.value, status.label, self.counts[status]) for status in Status if self.counts[status]]

    @cached_property
    def label(self):
        """Its name in the list of places: "12 commitments around 73.0°E, 33.6°N"."""
        return ngettext(
            "%(count)d commitment around %(longitude).1f°E, %(latitude).1f°N",
            "%(count)d commitments around %(longitude).1f°E, %(latitude).1f°N",
            self.total,
        ) % {"count": self.total, "longitude": self.longitude, "latitude": self.latitude}

    @cached_property
    def breakdown(self):
        """Its count by status, in words: "Planned: 3 · In progress: 9"."""
        return " · ".join(f"{label}: {count}" for _status, label, count in self.statuses)

    @cached_property
    def slices(self):
        """[(status value, SVG path)] of its pie, clockwise from the top; a single status is a whole circle."""
        if len(self.statuses) == 1:
            return [(self.statuses[0][0], disc(self.x, self.y, self.radius))]
        slices, start = [], 0
        for status, _label, count in self.statuses:
            end = start + count / self.total
            slices.append((status, wedge(self.x, self.y, self.radius, start, end)))
            start = end
        return slices


@dataclass
class Drawing:
    marks: list[Mark]
    projection: Projection = PROJECTION
    legend: list[tuple[str, str, int]] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    located: int = 0  # the commitments with a place
    matching: int = 0  # and all those the filters found, with a place or not

    @property
    def grouped(self):
        """Drawn as cells, a circle per place, rather than a mark per commitment."""
        return bool(self.cells)

    @property
    def drawn_cells(self):
        return [cell for cell in self.cells if cell.drawn]

    @property
    def pies(self):
        """[(status value, SVG path)]: the slices of every pie drawn, one path per status, so that the page holds a
        few long paths rather than a shape per slice."""
        paths = defaultdict(list)
        for cell in self.drawn_cells:
            for status, path in cell.slices:
                paths[status].append(path)
        return [(status.value, "".join(paths[status.value])) for status in Status if paths[status.value]]

    @property
    def drawn_count(self):
        """How many commitments the picture shows: each drawn mark, or the count of each drawn cell."""
        if self.grouped:
            return sum(cell.total for cell in self.drawn_cells)
        return len(self.drawn)

    @property
    def width(self):
        return self.projection.width

    @property
    def height(self):
        return self.projection.height

    radius = MARKER_RADIUS
    badge_size = 2 * MARKER_RADIUS

    @property
    def lines(self):
        return [mark for mark in self.marks if mark.is_line and mark.drawn]

    @property
    def points(self):
        return [mark for mark in self.marks if not mark.is_line and mark.drawn]

    @property
    def drawn(self):
        return [mark for mark in self.marks if mark.drawn]

    @property
    def countries(self):
        return base_layer(self.projection)

    @property
    def labels(self):
        return [Label(str(text), *self.projection(lon, lat), kind) for text, lon, lat, kind in LABELS]

    @property
    def graticule(self):
        return graticule(self.projection)


@cache
def outlines():
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


@cache
def base_layer(projection=PROJECTION):
    """The countries reaching into the view, as SVG paths in map units; computed once per process."""
    countries = []
    for country in outlines()["countries"]:
        rings = [ring for polygon in country["coordinates"] for ring in polygon]
        if not any(overlaps(ring_bounds(ring), projection) for ring in rings):
            continue
        d = "".join(ring_path(ring, projection) for ring in rings if overlaps(ring_bounds(ring), projection))
        countries.append(Country(country["id"] or "", country["name"], d, country["id"] in FOCUS_COUNTRIES))
    # The focus countries last, so their borders are drawn over their neighbours'.
    return tuple(sorted(countries, key=lambda country: country.focus))


def ring_bounds(ring):
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def overlaps(bounds, projection):
    west, south, east, north = bounds
    return west < projection.east and east > projection.west and south < projection.north and north > projection.south


def ring_path(ring, projection):
    """An SVG subpath: positions less than a map unit from the last one kept are dropped."""
    kept = []
    for lon, lat in ring:
        x, y = projection(lon, lat)
        if not kept or abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= 1:
            kept.append((x, y))
    if len(kept) < 3:
        return ""
    first, *rest = (f"{number(x)} {number(y)}" for x, y in kept)
    return f"M{first}L{' '.join(rest)}Z"


def number(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


@cache
def graticule(projection=PROJECTION):
    lines = []
    step = GRATICULE_STEP
    for lon in range(math.ceil(projection.west / step) * step, math.floor(projection.east) + 1, step):
        if projection.west < lon < projection.east:
            (x, y1), (_, y2) = projection(lon, projection.north), projection(lon, projection.south)
            lines.append(GridLine(x, y1, x, y2, f"{lon}°E", x + 4, y2 - 6, True))
    for lat in range(math.ceil(projection.south / step) * step, math.floor(projection.north) + 1, step):
        if projection.south < lat < projection.north:
            (x1, y), (x2, _) = projection(projection.west, lat), projection(projection.east, lat)
            lines.append(GridLine(x1, y, x2, y, f"{lat}°N", x1 + 4, y - 5, False))
    return tuple(lines)


def draw(matching, projection=PROJECTION, within=None, link=None):
    """The map of the commitments among `matching` that have a place: a mark for each, up to MAP_MARK_LIMIT, or else
    a circle per cell of the grid, linked to `link(area)` (the table of the commitments in the area). `within` is
    the area `matching` is filtered to, if any, which each cell's area keeps."""
    cells, unplaced = count_by_cell(matching, within)
    located = sum(cell.total for cell in cells)
    if located <= MAP_MARK_LIMIT:
        drawing = draw_marks(matching.located(), projection)
    else:
        drawing = draw_cells(cells, projection, link or table_of)
    drawing.located, drawing.matching = located, located + unplaced
    return drawing


def table_of(area):
    return commitments_url(area=str(area))


def count_by_cell(matching, within=None):
    """The cells of the grid holding any of these commitments, the fullest first, and how many have no place; from
    one query. Beyond MAP_CELL_LIMIT cells, the grid is made coarser."""
    rows = page_cache.of_site_query("map-cells", matching.by_map_cell())
    placed = [row for row in rows if row["column"] is not None]
    factor = coarseness(placed)
    members = defaultdict(list)
    for row in placed:
        members[int(row["column"] // factor), int(row["row"] // factor)].append(row)
    size = factor * MAP_CELL_DEGREES
    cells = [
        cell_of(members[column, row], Area(column * size, row * size, (column + 1) * size, (row + 1) * size), within)
        for column, row in members
    ]
    unplaced = sum(row["count"] for row in rows if row["column"] is None)
    return sorted(cells, key=lambda cell: (-cell.total, -cell.area.north, cell.area.west)), unplaced


def coarseness(rows):
    """How many cells of the grid a side the map's cells span: the least power of two that leaves MAP_CELL_LIMIT
    cells at most."""
    factor = 1
    while len({(row["column"] // factor, row["row"] // factor) for row in rows}) > MAP_CELL_LIMIT:
        factor *= 2
    return factor


def cell_of(rows, area, within=None):
    """A cell from its rows of `by_map_cell`: its count by status and the mean place of its markers."""
    counts, total = Counter(), sum(row["count"] for row in rows)
    for row in rows:
        counts[row["status"]] += row["count"]
    longitude = sum(row["mean_longitude"] * row["count"] for row in rows) / total
    latitude = sum(row["mean_latitude"] * row["count"] for row in rows) / total
    area = area & WORLD
    return Cell(area & within if within else area, counts, longitude, latitude)


def draw_cells(cells, projection, link):
    """A circle per cell, its area in proportion to its count; the legend counts the cells drawn."""
    fullest = max(cell.total for cell in cells)
    for cell in cells:
        cell.drawn = projection.contains(cell.longitude, cell.latitude)
        cell.x, cell.y = projection(cell.longitude, cell.latitude)
        cell.radius = round(max(MARKER_RADIUS, CELL_RADIUS * math.sqrt(cell.total / fullest)), 1)
        cell.href = link(cell.area)
    counts = Counter()
    for cell in cells:
        if cell.drawn:
            counts.update(cell.counts)
    legend = [(status.value, status.label, counts[status.value]) for status in Status if counts[status.value]]
    return Drawing([], projection, legend, cells=cells)


def wedge(x, y, radius, start, end):
    """The SVG path of a pie slice from `start` to `end`, as fractions of a turn clockwise from the top."""

    def point(fraction):
        angle = 2 * math.pi * fraction - math.pi / 2
        return f"{number(x + radius * math.cos(angle))} {number(y + radius * math.sin(angle))}"

    large = 1 if end - start > 0.5 else 0
    return f"M{number(x)} {number(y)}L{point(start)}A{number(radius)} {number(radius)} 0 {large} 1 {point(end)}Z"


def disc(x, y, radius):
    """The SVG path of a whole circle: two half circles."""
    left, right, r, y = number(x - radius), number(x + radius), number(radius), number(y)
    return f"M{left} {y}A{r} {r} 0 1 1 {right} {y}A{r} {r} 0 1 1 {left} {y}Z"


def draw_marks(commitments, projection=PROJECTION):
    """Project every commitment that has a place; number them in order, as the list below the map does."""
    marks = []
    for commitment in commitments:
        geometry = commitment.geometry_or_point()
        if geometry:
            marks.append(Mark(commitment, geometry, number=len(marks) + 1))
    for mark in marks:
        coordinates = mark.coordinates
        mark.drawn = any(projection.contains(lon, lat) for lon, lat in coordinates)
        projected = [projection(lon, lat) for lon, lat in coordinates]
        if mark.is_line:
            mark.points = " ".join(f"{number(x)},{number(y)}" for x, y in projected)
            # The number sits on the middle vertex of the line.
            mark.x, mark.y = projected[len(projected) // 2]
        else:
            mark.x, mark.y = projected[0]
        mark.marker_x, mark.marker_y = mark.x, mark.y
    spread(
        [mark for mark in marks if mark.drawn and mark.geometry["type"] == POINT]
        + [mark for mark in marks if mark.drawn and mark.is_line]
    )
    counts = Counter(mark.commitment.status for mark in marks if mark.drawn)
    legend = [(status.value, status.label, counts[status.value]) for status in Status if counts[status.value]]
    return Drawing(marks, projection, legend)


def spread(marks):
    """Markers that would hide one another are set around their common place, like the spokes of a wheel."""
    clusters = []
    for mark in marks:
        for cluster in clusters:
            if any(math.dist((mark.x, mark.y), (other.x, other.y)) < CLUSTER_DISTANCE for other in cluster):
                cluster.append(mark)
                break
        else:
            clusters.append([mark])
    for cluster in clusters:
        if len(cluster) < 2:
            continue
        centre_x = sum(mark.x for mark in cluster) / len(cluster)
        centre_y = sum(mark.y for mark in cluster) / len(cluster)
        radius = MARKER_RADIUS * max(2.4, len(cluster) / math.pi * 1.3)
        for index, mark in enumerate(cluster):
            angle = -math.pi / 2 + 2 * math.pi * index / len(cluster)
            mark.marker_x = round(centre_x + radius * math.cos(angle), 1)
            mark.marker_y = round(centre_y + radius * math.sin(angle), 1)
