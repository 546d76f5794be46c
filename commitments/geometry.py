"""Where a commitment is: a GeoJSON Point or LineString, checked before it is saved.

A commitment's `geometry` holds {"type": "Point", "coordinates": [lon, lat]} or
{"type": "LineString", "coordinates": [[lon, lat], ...]}, in GeoJSON's order:
longitude first. A commitment without a geometry but with a latitude and a
longitude is a Point there (`geometry_or_point`). Its marker on the map sits at one
position (`marker_position`), kept in two columns that the map groups by and the
`area` filter reads.
"""

from dataclasses import astuple, dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POINT = "Point"
LINE = "LineString"
TYPES = (POINT, LINE)
EXAMPLE = '{"type": "Point", "coordinates": [74.59, 35.49]}'


def geometry_problems(geometry):
    """Everything wrong with a GeoJSON geometry, as sentences; an empty list when it is valid."""
    if not isinstance(geometry, dict):
        return [_("The geometry must be a GeoJSON object, such as %(example)s.") % {"example": EXAMPLE}]
    kind = geometry.get("type")
    if kind not in TYPES:
        return [
            _('The geometry type must be "Point" or "LineString", not %(type)s.')
            % {"type": f'"{kind}"' if isinstance(kind, str) else _("missing")}
        ]
    coordinates = geometry.get("coordinates")
    if kind == POINT:
        if not is_pair(coordinates):
            return [_("A Point's coordinates must be one position [longitude, latitude], e.g. [74.59, 35.49].")]
        return position_problems(coordinates)
    if not isinstance(coordinates, list) or not all(is_pair(position) for position in coordinates):
        return [
            _("A LineString's coordinates must be a list of positions [longitude, latitude], e.g. %(example)s.")
            % {"example": "[[72.92, 34.86], [74.59, 35.49]]"}
        ]
    if len(coordinates) < 2:
        return [_("A LineString needs at least two points; this one has %(count)d.") % {"count": len(coordinates)}]
    problems = []
    for number, position in enumerate(coordinates, start=1):
        problems.extend(
            _("Point %(number)d: %(problem)s") % {"number": number, "problem": problem}
            for problem in position_problems(position)
        )
    return problems


def is_pair(position):
    return (
        isinstance(position, list | tuple)
        and len(position) == 2
        and all(isinstance(number, int | float) and not isinstance(number, bool) for number in position)
    )


def position_problems(position):
    longitude, latitude = position
    problems = []
    if not -180 <= longitude <= 180:
        problems.append(
            _("longitude %(longitude)s is outside -180 to 180 (GeoJSON puts longitude first: [longitude, latitude]).")
            % {"longitude": longitude}
        )
    if not -90 <= latitude <= 90:
        problems.append(
            _("latitude %(latitude)s is outside -90 to 90 (GeoJSON puts latitude second: [longitude, latitude]).")
            % {"latitude": latitude}
        )
    return [problem[:1].upper() + problem[1:] for problem in problems]


def validate_geometry(geometry):
    """Raise a ValidationError naming every problem; empty geometry (None) is allowed."""
    if geometry in (None, ""):
        return
    problems = geometry_problems(geometry)
    if problems:
        raise ValidationError(problems)


def geometry_or_point(geometry, latitude, longitude):
    """The geometry, or a Point at (latitude, longitude) when there is none; None for neither."""
    if geometry:
        return geometry
    if latitude is None or longitude is None:
        return None
    return {"type": POINT, "coordinates": [float(longitude), float(latitude)]}


def positions(geometry):
    """Every [lon, lat] position of a valid geometry: one for a Point, all vertices for a LineString."""
    if not geometry:
        return []
    if geometry["type"] == POINT:
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def marker_position(geometry, latitude, longitude):
    """(longitude, latitude) where the commitment's marker sits on the map: the point itself, a line's middle
    vertex, or the latitude and longitude; (None, None) when it has no place."""
    coordinates = positions(geometry_or_point(geometry, latitude, longitude))
    if not coordinates:
        return None, None
    longitude, latitude = coordinates[len(coordinates) // 2]
    return float(longitude), float(latitude)


@dataclass(frozen=True)
class Area:
    """A box in degrees; it holds the positions with west <= longitude < east and south <= latitude < north,
    so that boxes side by side share no position."""

    west: float
    south: float
    east: float
    north: float

    def __str__(self):
        # The form the `area` filter reads back: "70,30,72.5,32".
        return ",".join(degrees(value) for value in astuple(self))

    def __and__(self, other):
        return Area(
            max(self.west, other.west),
            max(self.south, other.south),
            min(self.east, other.east),
            min(self.north, other.north),
        )


WORLD = Area(-180.0, -90.0, 180.0, 90.0)


def degrees(value):
    """The shortest text that reads back as the same number: 70.0 is "70", 71.25 is "71.25"."""
    return repr(float(value)).removesuffix(".0")
