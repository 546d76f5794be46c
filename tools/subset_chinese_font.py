"""Make static/fonts/noto-sans-sc/tracker-subset.woff2: Noto Sans SC cut down to the characters the Chinese
interface and the shipped catalogues use, so that a first Chinese page costs one small font file.

Characters a page uses beyond the subset come from the full font split by Unicode range (400.css, from the
@fontsource/noto-sans-sc package), so nothing shows as a box. Run it again when the translations or the
catalogues gain characters:

    apt-get install fonts-noto-cjk      # the full font, Debian's build of Noto Sans CJK
    pip install fonttools brotli
    python tools/subset_chinese_font.py
"""

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
OUTPUT = ROOT / "static" / "fonts" / "noto-sans-sc" / "tracker-subset.woff2"


def main():
    characters = sorted({c for path in SOURCES for c in path.read_text(encoding="utf-8") if ord(c) >= 0x2E80})
    text = ROOT / "tools" / ".chinese-characters.txt"
    text.write_text("".join(characters), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "fontTools.subset", str(FULL_FONT), f"--font-number={SIMPLIFIED_CHINESE}",
         f"--text-file={text}", "--flavor=woff2", "--layout-features=*", f"--output-file={OUTPUT}"],
        check=True,
    )  # fmt: skip
    text.unlink()
    print(f"{len(characters)} characters, {OUTPUT.stat().st_size} bytes: {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
