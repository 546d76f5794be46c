"""Colour contrast of the stylesheet meets WCAG AA (4.5:1 for text)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text(encoding="utf-8")
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))
WHITE, AA = "#ffffff", 4.5


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first, second):
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "status",
    [
        "announced", "planned", "in_progress", "ongoing", "completed", "stalled", "cancelled",
        "kept", "partly_kept", "not_kept", "on_track", "late", "too_early", "not_rated",
    ],
)  # fmt: skip
def test_status_badges_white_text_meets_aa(status):
    assert contrast(VARIABLES[status], WHITE) >= AA, status


@pytest.mark.parametrize(
    "foreground, background",
    [("ink", "paper"), ("ink", "wash"), ("muted", "paper"), ("muted", "wash"), ("accent", "paper"), ("accent", "wash")],
)
def test_text_colours_meet_aa(foreground, background):
    assert contrast(VARIABLES[foreground], VARIABLES[background]) >= AA


def test_header_links_meet_aa():
    assert contrast(WHITE, VARIABLES["ink"]) >= AA
