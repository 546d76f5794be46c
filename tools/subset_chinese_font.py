"""Make the Chinese font of the site: Noto Sans SC cut down to the characters the Chinese interface and the
shipped catalogues use (static/fonts/noto-sans-sc/tracker-subset.woff2), and the one stylesheet that serves
it (tracker.css), so that a first Chinese page costs one small font file.

Characters beyond the subset come from the full font split by Unicode range (the faces of 400.css, from the
@fontsource/noto-sans-sc package), so nothing shows as a box. The subset and those faces are one font family
whose Unicode ranges never overlap: each character has exactly one file that can draw it, so a browser never
downloads a range file for a character the subset draws, however slowly the subset arrives. Run it again when
the translations or the catalogues gain characters:

    apt-get install fonts-noto-cjk      # the full font, Debian's build of Noto Sans CJK
    pip install fonttools brotli
    python tools/subset_chinese_font.py

Without the full font it rewrites the stylesheet from the subset already made.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SIMPLIFIED_CHINESE = 2  # the faces of the collection: JP, KR, SC, TC, HK
SOURCES = [
    ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    *sorted((ROOT / "commitments" / "catalogue").glob("*.yaml")),
]
FONTS = ROOT / "static" / "fonts" / "noto-sans-sc"
SUBSET = FONTS / "tracker-subset.woff2"
RANGE_FACES = FONTS / "400.css"
STYLESHEET = FONTS / "tracker.css"

HEADER = """/* Noto Sans SC for Chinese pages, made by tools/subset_chinese_font.py; do not edit. The first face is the
   font cut down to the characters of the Chinese interface and the shipped catalogues: one small file for a
   first Chinese page. The others are the full font split by Unicode range (from 400.css), less the subset's
   characters, so that every character has one file to come from. SIL Open Font License (LICENSE.txt). */
"""
FACE = """@font-face {{
  font-family: 'Noto Sans SC';
  font-style: normal;
  font-display: swap;
  font-weight: 400;
  src: url({url}) format('woff2');
  unicode-range: {ranges};
}}
"""
FACE_IN_CSS = re.compile(r"src: url\((?P<url>[^)]+)\) format\('woff2'\);\s*unicode-range: (?P<ranges>[^;]+);")


def main():
    if FULL_FONT.exists():
        make_subset()
    STYLESHEET.write_text(stylesheet(subset_characters(), RANGE_FACES.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{STYLESHEET.relative_to(ROOT)}: {STYLESHEET.stat().st_size} bytes")


def make_subset():
    characters = sorted({c for path in SOURCES for c in path.read_text(encoding="utf-8") if ord(c) >= 0x2E80})
    text = ROOT / "tools" / ".chinese-characters.txt"
    text.write_text("".join(characters), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "fontTools.subset", str(FULL_FONT), f"--font-number={SIMPLIFIED_CHINESE}",
         f"--text-file={text}", "--flavor=woff2", "--layout-features=*", f"--output-file={SUBSET}"],
        check=True,
    )  # fmt: skip
    text.unlink()
    print(f"{len(characters)} characters, {SUBSET.stat().st_size} bytes: {SUBSET.relative_to(ROOT)}")


def subset_characters():
    """The code points the subset can draw, read from its own character map."""
    from fontTools.ttLib import TTFont

    return set(TTFont(SUBSET).getBestCmap())


def stylesheet(subset, range_faces_css):
    faces = [FACE.format(url=f"./{SUBSET.name}", ranges=unicode_range(subset))]
    for face in FACE_IN_CSS.finditer(range_faces_css):
        rest = code_points(face["ranges"]) - subset
        if rest:
            faces.append(FACE.format(url=face["url"], ranges=unicode_range(rest)))
    return HEADER + "\n".join(faces)


def code_points(ranges):
    """The code points of a CSS unicode-range value such as "U+0000-00FF,U+0131"."""
    points = set()
    for part in ranges.split(","):
        first, _, last = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def unicode_range(points):
    """The shortest CSS unicode-range value for a set of code points."""
    runs = []
    for point in sorted(points):
        if runs and runs[-1][1] == point - 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ",".join(f"U+{first:x}" if first == last else f"U+{first:x}-{last:x}" for first, last in runs)


if __name__ == "__main__":
    main()
