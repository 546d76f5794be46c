"""What every browser test shares: Debian's Chromium, its flags for this closed network, and where
screenshots go (test-artifacts/screenshots, git-ignored)."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def require_chromium():
    """Skip without Chromium, except on CI (CI=true), where a missing browser fails the run."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}; the browser tests need Debian's chromium package."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " On CI this is an error, not a reason to skip.", pytrace=False)
        pytest.skip(message)
    return CHROMIUM
