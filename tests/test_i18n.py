"""English, Urdu and Chinese: interface, content, right-to-left layout and locale formats."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment

from .conftest import CATALOGUE
from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = {"ur": "ur", "zh-hans": "zh_Hans"}
KKH = "kkh-phase-ii-realignment"


@pytest.mark.parametrize("locale_name", LANGUAGES.values())
def test_every_interface_string_is_translated(locale_name):
    po = LOCALE / locale_name / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    translated = int(re.match(r"(\d+) translated", result.stderr).group(1))
    assert translated >= 400


def public_urls():
    return [
        reverse("commitments:dashboard"),
        reverse("commitments:commitment_list"),
        reverse("commitments:commitment_detail", args=[KKH]),
        reverse("commitments:pillar_list"),
        reverse("commitments:pillar_detail", args=["practical"]),
        reverse("commitments:source_list"),
        reverse("commitments:source_detail", args=["2025-02-21-china-pakistan-all-weather-partnership"]),
        reverse("commitments:map"),
    ]


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ur", "rtl"), ("zh-hans", "ltr")])
def test_every_public_page_renders_in_each_language(client, catalogue, language, direction):
    with translation.override(language):
        urls = public_urls()
        commitments_label = translation.gettext("Commitments")
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in page, url
        assert f">{commitments_label}</a>" in page, url
    if language != "en":
        assert commitments_label != "Commitments"


@pytest.mark.parametrize("language", ["ur", "zh-hans"])
def test_staff_pages_and_admin_labels_are_translated(client, catalogue, viewer, language):
    client.force_login(viewer)
    with translation.override(language):
        board = client.get(reverse("commitments:staff_board")).content.decode()
        assert translation.gettext("Progress board") in board
        assert translation.gettext("Progress board") != "Progress board"
        admin_page = client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
        assert str(Commitment._meta.verbose_name_plural).lower() in admin_page.lower()


def test_browser_language_is_honoured_on_a_first_visit(client):
    response = client.get("/commitments/?status=completed", HTTP_ACCEPT_LANGUAGE="ur,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ur/commitments/?status=completed"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").status_code == 200


def test_switcher_keeps_the_page_and_its_choice_wins(client, catalogue):
    detail = reverse("commitments:commitment_detail", args=[KKH])
    response = client.get(reverse("switch_language", args=["zh-hans"]), {"next": detail})
    assert response["Location"] == f"/zh-hans{detail}"
    response = client.get(reverse("switch_language", args=["en"]), {"next": f"/zh-hans{detail}"})
    assert response["Location"] == detail
    # Having chosen English, a browser that prefers Urdu is no longer redirected.
    assert client.get(detail, HTTP_ACCEPT_LANGUAGE="ur").status_code == 200


def test_switcher_refuses_other_hosts_and_unknown_languages(client):
    response = client.get(reverse("switch_language", args=["ur"]), {"next": "https://evil.example/"})
    assert response["Location"] == "/ur/"
    assert client.get("/language/fr/").status_code == 404


def test_the_switcher_links_to_the_same_page(client, catalogue):
    detail = reverse("commitments:commitment_detail", args=[KKH])
    page = client.get(detail).content.decode()
    assert f'href="/language/ur/?next={detail}"' in page


def test_catalogue_ships_urdu_and_chinese_titles_for_every_commitment():
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for entry in data["commitments"]:
        assert entry.get("title_ur") and entry.get("title_zh_hans"), entry["slug"]


def test_content_in_each_language_with_english_fallback(client, catalogue):
    kkh = Commitment.objects.get(slug=KKH)
    untranslated = CommitmentFactory(title_en="Only in English", title_ur=None, title_zh_hans=None)
    for language in ("ur", "zh-hans"):
        with translation.override(language):
            page = client.get(kkh.get_absolute_url()).content.decode()
            expected = getattr(kkh, f"title_{language.replace('-', '_')}")
            assert expected and expected in page
            assert "Only in English" in client.get(untranslated.get_absolute_url()).content.decode()


def test_dates_and_numbers_follow_the_locale(client, catalogue):
    dairy = reverse("commitments:commitment_detail", args=["buffalo-dairy-first-batch"])
    with translation.override("zh-hans"):
        page = client.get(reverse("commitments:commitment_detail", args=["buffalo-dairy-first-batch"])).content.decode()
    assert "2025年2月14日" in page
    english = client.get(dairy).content.decode()
    assert "Feb. 14, 2025" in english
    trade = client.get(reverse("commitments:commitment_detail", args=["agricultural-trade"])).content.decode()
    assert "1,000,000,000" in trade


def msgids(po_text):
    """Every msgid of a .po file, its continuation lines joined, whichever way the file was wrapped."""
    ids, parts = set(), None
    for line in [*po_text.splitlines(), ""]:
        if line.startswith("msgid "):
            parts = [line[len("msgid ") :]]
        elif parts is not None and line.startswith('"'):
            parts.append(line)
        elif parts is not None:
            ids.add("".join(part.strip()[1:-1] for part in parts))
            parts = None
    return ids - {""}


def test_translation_files_hold_every_string_of_the_source(tmp_path):
    """Extract the strings afresh from a copy of the code: none may be missing from the .po files."""
    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "project"
    subprocess.run(
        ["cp", "-r", "commitments", "templates", "tracker", "locale", "manage.py", str(copy.parent)], cwd=root
    )
    for name in ("commitments", "templates", "tracker", "locale", "manage.py"):
        (tmp_path / name).rename(copy / name) if copy.exists() else (
            copy.mkdir(),
            (tmp_path / name).rename(copy / name),
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ur", "--no-obsolete", "--no-location"],
        cwd=copy, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fresh = msgids((copy / "locale/ur/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    for locale_name in LANGUAGES.values():
        shipped = msgids((LOCALE / locale_name / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
        assert fresh <= shipped, f"{locale_name} lacks: {sorted(fresh - shipped)[:10]}"


@pytest.mark.parametrize(
    ("language", "day", "number"),
    [("en", "Feb. 21, 2025", "1,000,000,000"), ("ur", "21 فروری 2025", "1,000,000,000"),
     ("zh-hans", "2025年2月21日", "1,000,000,000")],
)  # fmt: skip
def test_dates_and_numbers_as_each_languages_readers_write_them(language, day, number):
    import datetime

    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(datetime.date(2025, 2, 21), "DATE_FORMAT") == day
        assert intcomma(1_000_000_000) == number
