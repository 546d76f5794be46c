"""The Chinese font's stylesheet: the subset of the characters the site uses and the Unicode-range faces of the
full font are one family whose ranges never overlap, so a browser fetches a range file only for characters
the subset cannot draw."""

import gettext

import pytest
from django.conf import settings

from tools.subset_chinese_font import (
    FACE_IN_CSS,
    RANGE_FACES,
    STYLESHEET,
    code_points,
    stylesheet,
    subset_characters,
    unicode_range,
)


def faces(css):
    return [(face["url"], code_points(face["ranges"])) for face in FACE_IN_CSS.finditer(css)]


def test_the_stylesheet_is_the_one_the_tool_makes_from_the_subset():
    assert STYLESHEET.read_text(encoding="utf-8") == stylesheet(subset_characters(), RANGE_FACES.read_text())


def test_each_character_has_one_file_to_come_from():
    (first_url, subset), *others = faces(STYLESHEET.read_text(encoding="utf-8"))
    assert first_url == "./tracker-subset.woff2"
    assert subset == subset_characters()
    for url, points in others:
        assert not points & subset, url
    every_range_face = set().union(*(points for _, points in faces(RANGE_FACES.read_text())))
    assert every_range_face <= subset | set().union(*(points for _, points in others))


def test_the_subset_draws_the_chinese_interface():
    catalogue = gettext.translation("django", settings.LOCALE_PATHS[0], ["zh_Hans"])._catalog
    used = {ord(c) for text in catalogue.values() for c in text if ord(c) >= 0x2E80}
    assert used
    assert used <= subset_characters()


@pytest.mark.parametrize(
    ("points", "css"),
    [({0x41}, "U+41"), ({0x41, 0x42, 0x43, 0x45}, "U+41-43,U+45"), (set(), "")],
)
def test_unicode_ranges_are_written_and_read_back(points, css):
    assert unicode_range(points) == css
    if css:
        assert code_points(css) == points
