"""A text written from a page in another language is never missing from the default language's column.

Through django-modeltranslation, `update.text` is the active language's column: a progress update recorded from
the Urdu staff pages would keep its text in `text_ur` alone, and the English pages, which fall back to nothing,
would show it blank. A new row's texts also go to the default language (`MODELTRANSLATION_AUTO_POPULATE`); their
translations are entered beside them in the admin."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from commitments.models import Commitment, ProgressUpdate

pytestmark = pytest.mark.django_db

KKH = "kkh-phase-ii-realignment"
OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def default_column(field):
    return f"{field}_{settings.LANGUAGE_CODE}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize(
    ("model", "field"),
    # Sorted: the registry's field sets come in another order in each process, and xdist's workers must agree.
    sorted(
        (
            (model, field)
            for model in translator.get_registered_models()
            for field in translator.get_options_for_model(model).fields
        ),
        key=lambda pair: (pair[0].__name__, pair[1]),
    ),
    ids=lambda value: getattr(value, "__name__", value),
)
def test_a_new_rows_text_given_in_another_language_is_in_the_default_languages_column(model, field, language):
    with translation.override(language):
        row = model(**{field: "Written from another language's page"})
    assert getattr(row, default_column(field)) == "Written from another language's page"


def test_a_progress_update_recorded_from_an_urdu_page_shows_on_the_english_page(client, catalogue, editor):
    kkh = Commitment.objects.get(slug=KKH)
    client.force_login(editor)
    with translation.override("ur"):
        url = reverse("commitments:staff_record_progress", args=[KKH])
    assert url.startswith("/ur/")
    response = client.post(
        url,
        {
            "date": "2026-11-01", "text": "Tunnel section opened to traffic.", "source_url": "https://example.org/kkh",
            "source_kind": "media_report", "status": "in_progress", "progress": "60", "public": "on",
            "version": kkh.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(commitment=kkh, text_ur="Tunnel section opened to traffic.")
    assert update.text_en == "Tunnel section opened to traffic."
    client.logout()
    english = client.get(reverse("commitments:commitment_detail", args=[KKH]), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Tunnel section opened to traffic." in english.content
