import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from commitments.backup import in_insert_order
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
    # A request to /ur/ leaves Urdu active in this process; every test starts in the default language.
    translation.activate(settings.LANGUAGE_CODE)
    # Each test starts its cache version counters afresh, so no page may survive from another test.
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def app_tables_in_insert_order(app_label="commitments"):
    """The app's tables, history and many-to-many tables included, each after the tables it points to."""
    models = [
        model
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return in_insert_order(models)


@pytest.fixture(scope="session")
def catalogue_rows(django_db_setup, django_db_blocker):
    """Every row the catalogue import writes, read once per session from an import that is then rolled back.

    Rows are copied column by column through the database cursor, not through the models, so that the
    copy is exact: no model constructor, translation field or history signal comes in between.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_catalogue", str(CATALOGUE), stdout=io.StringIO())
        rows = []
        with connection.cursor() as cursor:
            for model in app_tables_in_insert_order():
                columns = [field.column for field in model._meta.concrete_fields]
                names = ", ".join(map(connection.ops.quote_name, columns))
                cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY 1")
                rows.append((model, columns, cursor.fetchall()))
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def catalogue(db, catalogue_rows):
    """The real speech catalogue, as `import_catalogue` writes it, inserted in a few milliseconds."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, rows in catalogue_rows:
            if rows:
                table = connection.ops.quote_name(model._meta.db_table)
                names = ", ".join(map(connection.ops.quote_name, columns))
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
        # PostgreSQL's sequences do not move for rows given their ids; the next insert would reuse one.
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _, rows in catalogue_rows if rows]):
            cursor.execute(sql)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", groups=[VIEWERS])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=[EDITORS])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", groups=[ADMINISTRATORS])
