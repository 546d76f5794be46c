import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from commitments.roles import ADMINISTRATORS, EDITORS, VIEWERS

from .factories import UserFactory

CATALOGUE = (
    Path(__file__).resolve().parent.parent
    / "commitments"
    / "catalogue"
    / "2025-02-21-china-pakistan-all-weather-partnership.yaml"
)


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Tests render templates without running collectstatic first, and hash passwords quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts its cache version counters afresh, so no page may survive from another test.
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def catalogue(db):
    call_command("import_catalogue", str(CATALOGUE), stdout=io.StringIO())


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", groups=[VIEWERS])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=[EDITORS])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", groups=[ADMINISTRATORS])
