"""The bar charts' rows, drawn in Python (`charts.bar_rows`)."""

from html.parser import HTMLParser

from django.utils import translation

from commitments.charts import BarChart, BarRow, Segment, bar_rows, stacked_status_chart, status_chart
from commitments.vocabulary import Status


class Elements(HTMLParser):
    """Each element's tag, attributes and the text directly inside it, in order."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        self.found.append([tag, dict(attrs), ""])

    def handle_data(self, data):
        if self.found:
            self.found[-1][2] += data.strip()

    def all(self, tag):
        return [(attrs, text) for found, attrs, text in self.found if found == tag]


def test_a_stacked_chart_names_each_segment_in_its_description_its_tooltips_and_its_text():
    counts = {("a", "planned"): 1200, ("a", "completed"): 3, ("b", "planned"): 2}
    chart = stacked_status_chart(
        counts, ["a", "b"], lambda group: f"/pillars/{group}/?x=1&y=2", {"a": "Ports & <roads>", "b": "Health"}.get
    )
    html = str(bar_rows(chart))
    elements = Elements(html)

    assert html.count("<tr>") == 2
    links = elements.all("a")
    assert [(attrs["href"], text) for attrs, text in links] == [
        ("/pillars/a/?x=1&y=2", "Ports & <roads>"),
        ("/pillars/b/?x=1&y=2", "Health"),
    ]
    assert "Ports &amp; &lt;roads&gt;" in html and "?x=1&amp;y=2" in html  # escaped once, read back as written
    bars = [attrs["aria-label"] for attrs, _ in elements.all("svg")]
    assert bars == ["Ports & <roads>: 1203, Planned 1200, Completed 3", "Health: 2, Planned 2"]
    tooltips = [text for _, text in elements.all("title")]
    assert tooltips == ["Planned: 1200", "Completed: 3", "Planned: 2"]
    assert [text for _, text in elements.all("span")] == ["Planned 1200, Completed 3", "Planned 2"]
    rectangles = [attrs for attrs, _ in elements.all("rect")]
    assert [(r["class"], r["x"], r["width"]) for r in rectangles] == [
        ("status-planned", "0.00", "99.75"),
        ("status-completed", "99.75", "0.25"),
        ("status-planned", "0.00", "0.17"),
    ]
    assert [text for attrs, text in elements.all("td") if attrs.get("class") == "number"] == ["1203", "2"]


def test_a_chart_of_one_field_gives_each_row_its_meaning_and_draws_no_empty_segment():
    chart = status_chart({"planned": 4}, lambda status: f"/commitments/?status={status.value}")
    elements = Elements(bar_rows(chart))
    rows = {attrs["aria-label"]: attrs for attrs, _ in elements.all("svg")}
    assert "Planned: 4" in rows and "Completed: 0" in rows  # the description is the row's own, no segment list
    assert len(elements.all("rect")) == 1  # only the row with commitments has a bar
    assert len(elements.all("span")) == len(rows)  # each row's meaning; no segment text without a legend
    assert not any(attrs.get("class") == "segments" for attrs, _ in elements.all("span"))


def test_a_row_without_a_link_shows_its_label_escaped_and_the_words_in_the_active_language():
    chart = BarChart([BarRow(label="<b>", segments=[Segment("planned", "Planned", 1)])])
    html = str(bar_rows(chart))
    assert '<th scope="row">&lt;b&gt;</th>' in html and "<a " not in html
    with translation.override("ur"):
        html = str(bar_rows(status_chart({"planned": 1}, lambda status: "/")))
        planned = str(Status.PLANNED.label)
    assert planned != "Planned" and f"{planned}: 1" in html
