"""Build the country outlines of the map page from Natural Earth, once, into a small vendored file.

The source is the npm package `world-atlas` (Natural Earth's Admin 0 countries as TopoJSON).
Install it outside the repository and point this script at it:

    mkdir -p /tmp/wa && cd /tmp/wa && npm install world-atlas
    .venv/bin/python tools/build_map_outlines.py /tmp/wa/node_modules/world-atlas

It decodes the TopoJSON arcs (delta-encoded, quantized) itself, keeps the countries that
reach into BOX, clips them to it, simplifies them a little, rounds coordinates to 2 decimals
and writes commitments/static/commitments/map/outlines.json. The map page reads only that
file; nothing is loaded from another host. Needs nothing beyond the standard library.
"""

import argparse
import json
import math
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "commitments" / "static" / "commitments" / "map" / "outlines.json"
SCALE = "10m"
# west, south, east, north: a margin around the map's view of Pakistan and western China.
BOX = (55.0, 18.0, 100.0, 46.0)
DECIMALS = 2
TOLERANCE = 0.01  # degrees; Douglas-Peucker simplification, well under a pixel on the map

# ISO 3166-1 numeric (as world-atlas names countries) to alpha-3, for the countries the box reaches.
ISO_ALPHA3 = {
    "004": "AFG", "050": "BGD", "064": "BTN", "104": "MMR", "156": "CHN", "356": "IND", "364": "IRN",
    "398": "KAZ", "417": "KGZ", "418": "LAO", "496": "MNG", "512": "OMN", "524": "NPL", "586": "PAK",
    "643": "RUS", "682": "SAU", "764": "THA", "762": "TJK", "784": "ARE", "795": "TKM", "860": "UZB",
    "704": "VNM", "634": "QAT", "048": "BHR", "414": "KWT", "368": "IRQ", "031": "AZE",
}  # fmt: skip


def decode_arcs(topology):
    """Absolute [lon, lat] positions of every arc: undo the delta encoding, then the quantization."""
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring(indexes, arcs):
    """A closed ring from arc indexes; ~i (a negative index) is arc i walked backwards."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])  # each arc starts where the last one ended
    return points


def polygons(geometry, arcs):
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def clip_ring(points, box):
    """Sutherland-Hodgman: the part of a closed ring inside the box (edges along the box where it is cut)."""
    west, south, east, north = box
    edges = [
        (lambda p: p[0] >= west, lambda p, q: cross_x(p, q, west)),
        (lambda p: p[0] <= east, lambda p, q: cross_x(p, q, east)),
        (lambda p: p[1] >= south, lambda p, q: cross_y(p, q, south)),
        (lambda p: p[1] <= north, lambda p, q: cross_y(p, q, north)),
    ]
    for inside, cross in edges:
        if not points:
            break
        clipped = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    clipped.append(cross(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(cross(previous, point))
            previous = point
        points = clipped
    return points


def cross_x(p, q, x):
    t = (x - p[0]) / (q[0] - p[0])
    return (x, p[1] + t * (q[1] - p[1]))


def cross_y(p, q, y):
    t = (y - p[1]) / (q[1] - p[1])
    return (p[0] + t * (q[0] - p[0]), y)


def simplify(points, tolerance):
    """Douglas-Peucker on an open line of points."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)
    farthest, distance = 0, -1.0
    for index in range(1, len(points) - 1):
        x, y = points[index]
        d = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length if length else math.hypot(x - x1, y - y1)
        if d > distance:
            farthest, distance = index, d
    if distance <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: farthest + 1], tolerance)[:-1] + simplify(points[farthest:], tolerance)


def compact(points):
    """Simplify a closed ring, round it and drop repeated positions; None when too little is left."""
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(points) < 3:
        return None
    # Split the ring at its first point and its farthest point, so the simplification keeps both.
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2)
    halves = simplify(points[: far + 1], TOLERANCE)[:-1] + simplify([*points[far:], points[0]], TOLERANCE)
    rounded = []
    for x, y in halves:
        position = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != position:
            rounded.append(position)
    while len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < 3:
        return None
    return [*rounded, rounded[0]]


def bounds(polygon_list):
    xs = [x for polygon in polygon_list for r in polygon for x, _ in r]
    ys = [y for polygon in polygon_list for r in polygon for _, y in r]
    return min(xs), min(ys), max(xs), max(ys)


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def build(package_dir):
    package_dir = Path(package_dir)
    package = json.loads((package_dir / "package.json").read_text())
    topology = json.loads((package_dir / f"countries-{SCALE}.json").read_text())
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = polygons(geometry, arcs)
        if not shapes or not overlaps(bounds(shapes), BOX):
            continue
        kept = []
        for polygon in shapes:
            rings = [compact(clip_ring(r, BOX)) for r in polygon]
            if rings[0] is None:
                continue
            kept.append([r for r in rings if r is not None])
        if not kept:
            continue
        numeric = geometry.get("id")  # None for areas without an ISO code, such as the Siachen Glacier
        countries.append(
            {
                "id": ISO_ALPHA3[numeric] if numeric else None,
                "iso_numeric": numeric,
                "name": geometry["properties"]["name"],
                "type": "MultiPolygon",
                "coordinates": kept,
            }
        )
    countries.sort(key=lambda country: (country["id"] is None, country["id"] or country["name"]))
    return {
        "source": {
            "package": package["name"],
            "version": package["version"],
            "file": f"countries-{SCALE}.json",
            "data": f"Natural Earth Admin 0 countries, 1:{SCALE}, version 4.1.0 (public domain)",
            "licence": "Natural Earth data is in the public domain; world-atlas packaging is ISC-licensed.",
            "clipped_to": list(BOX),
            "decimals": DECIMALS,
            "simplified_tolerance_degrees": TOLERANCE,
        },
        "countries": countries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", help="the installed world-atlas package, e.g. /tmp/wa/node_modules/world-atlas")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    data = build(args.package_dir)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    names = ", ".join(country["name"] for country in data["countries"])
    print(f"{output}: {output.stat().st_size} bytes, {len(data['countries'])} countries ({names})")


if __name__ == "__main__":
    main()
