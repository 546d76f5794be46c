"""Numbers for the server-rendered SVG charts.

Geometry is computed here, in percentages of the chart's width, so that the
templates only draw. Every chart also carries its numbers as text.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import localize
from django.utils.html import format_html, format_html_join

from .vocabulary import Status, Verdict


@dataclass
class Segment:
    key: str
    label: str
    value: int
    x: float = 0.0
    width: float = 0.0


@dataclass
class BarRow:
    label: str
    segments: list[Segment]
    url: str = ""
    meaning: str = ""

    @property
    def total(self):
        return sum(segment.value for segment in self.segments)


@dataclass
class BarChart:
    rows: list[BarRow]
    legend: list[Segment] = field(default_factory=list)

    def __post_init__(self):
        largest = max((row.total for row in self.rows), default=0) or 1
        for row in self.rows:
            x = 0.0
            for segment in row.segments:
                segment.x = x
                segment.width = 100 * segment.value / largest
                x += segment.width


def bar_rows(chart):
    """The `<tr>` of each row of a bar chart: its label (a link where it has one) and meaning, its bar with a
    rectangle and a tooltip per segment, and its total; a stacked chart (one with a legend) also names each
    segment in the bar's description and in text beside it. Written in Python, like the badges: each
    segment's label and number appear three times, and a template looks each one up again."""
    stacked = bool(chart.legend)
    return format_html_join("\n", "{}", ((_bar_row(row, stacked),) for row in chart.rows))


def _bar_row(row, stacked):
    label = str(row.label)
    segments = [(segment, str(segment.label), localize(segment.value)) for segment in row.segments]
    named = [f"{name} {value}" for _, name, value in segments]
    total = localize(row.total)
    rectangles = format_html_join(
        "",
        '<rect class="status-{}" x="{}" y="0" width="{}" height="10"><title>{}: {}</title></rect>',
        (
            (segment.key, f"{segment.x:.2f}", f"{segment.width:.2f}", name, value)
            for segment, name, value in segments
            if segment.value
        ),
    )
    return format_html(
        '<tr><th scope="row">{}{}</th><td class="bar-cell">'
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{}">{}</svg>{}'
        '</td><td class="number">{}</td></tr>',
        format_html('<a href="{}">{}</a>', row.url, label) if row.url else label,
        format_html('<span class="meaning">{}</span>', row.meaning) if row.meaning else "",
        ", ".join([f"{label}: {total}", *named]) if stacked else f"{label}: {total}",
        rectangles,
        format_html('<span class="segments">{}</span>', ", ".join(named)) if stacked else "",
        total,
    )


def choice_chart(counts, choices, url_for):
    """One row per choice of a field (a status, a verdict), with its meaning: `counts` is {choice value: n}."""
    rows = [
        BarRow(
            label=choice.label,
            segments=[Segment(choice.value, choice.label, counts.get(choice.value, 0))],
            url=url_for(choice),
            meaning=choice.meaning,
        )
        for choice in choices
    ]
    return BarChart(rows)


def status_chart(counts, status_url):
    return choice_chart(counts, Status, status_url)


def verdict_chart(counts, verdict_url):
    return choice_chart(counts, Verdict, verdict_url)


def stacked_status_chart(counts, groups, url_for, label_for):
    """One row per group that has commitments, in the order of `groups`, split by status: `counts` is
    {(group, status): n}; `label_for(group)` names a row."""
    cells = defaultdict(dict)
    for group in groups:
        for status in Status:
            if counts.get((group, status.value)):
                cells[group][status.value] = counts[group, status.value]
    rows = [
        BarRow(
            label=str(label_for(group)),
            segments=[Segment(s.value, s.label, cells[group][s.value]) for s in Status if s.value in cells[group]],
            url=url_for(group),
        )
        for group in cells
    ]
    legend = [Segment(status.value, status.label, 0) for status in Status]
    return BarChart(rows, legend)


@dataclass
class TargetBar:
    """An indicator's latest actual value against its target."""

    indicator: object
    latest: object

    @property
    def actual(self):
        return self.latest.value if self.latest else None

    @property
    def percent(self):
        target = self.indicator.target_value
        if self.actual is None or not target:
            return None
        return min(100.0, float(100 * self.actual / target))


@dataclass
class Sparkline:
    """A measurement series as an SVG polyline in a 100 x 30 box."""

    coordinates: list[tuple[float, float]]
    first: object
    last: object

    @property
    def points(self):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.coordinates)

    @classmethod
    def from_measurements(cls, measurements):
        measurements = sorted(measurements, key=lambda m: m.as_of)
        if len(measurements) < 2:
            return None  # one value is a number, not a series
        values = [float(m.value) for m in measurements]
        low, high = min(values + [0.0]), max(values) or 1.0
        span_days = (measurements[-1].as_of - measurements[0].as_of).days or 1
        coordinates = [
            (
                100 * (measurement.as_of - measurements[0].as_of).days / span_days if len(values) > 1 else 50,
                28 - 26 * (value - low) / ((high - low) or 1),
            )
            for measurement, value in zip(measurements, values, strict=True)
        ]
        return cls(coordinates, measurements[0], measurements[-1])


@dataclass
class StatementRow:
    """One statement of a commitment, with how it moved the promise from the statement before it."""

    statement: object
    deadline: object  # PreciseDate or None
    is_origin: bool
    deadline_later: bool = False
    deadline_earlier: bool = False
    quantity_changed: bool = False
    party_changed: bool = False


@dataclass
class Drift:
    """A commitment's statements in date order, and its deadlines as an SVG line in a 100 x 40 box: across,
    the date of each statement; up, the deadline it gave."""

    rows: list[StatementRow]
    coordinates: list[tuple[float, float]]

    @property
    def points(self):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.coordinates)

    @property
    def moved_later(self):
        return any(row.deadline_later for row in self.rows)

    @classmethod
    def of(cls, statements):
        rows, previous = [], None
        last_deadline = None
        for index, statement in enumerate(statements):
            deadline = statement.precise("target_date")
            row = StatementRow(statement, deadline, is_origin=index == 0)
            if deadline and last_deadline:
                row.deadline_later = deadline.day > last_deadline.day
                row.deadline_earlier = deadline.day < last_deadline.day
            if previous is not None:
                row.quantity_changed = (statement.quantity, statement.unit) != (previous.quantity, previous.unit)
                row.party_changed = statement.responsible_party != previous.responsible_party
            last_deadline = deadline or last_deadline
            previous = statement
            rows.append(row)
        return cls(rows, _deadline_coordinates(rows))


def _deadline_coordinates(rows):
    dated = [row for row in rows if row.deadline]
    if not dated:
        return []
    first_said = rows[0].statement.date
    said_span = (rows[-1].statement.date - first_said).days or 1
    deadlines = [row.deadline.day for row in dated]
    low, deadline_span = min(deadlines), (max(deadlines) - min(deadlines)).days or 1
    return [
        (
            100 * (row.statement.date - first_said).days / said_span if len(rows) > 1 else 50,
            36 - 32 * (row.deadline.day - low).days / deadline_span if len(dated) > 1 else 20,
        )
        for row in dated
    ]
