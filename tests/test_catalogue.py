import copy
import datetime
import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from commitments.catalogue import CatalogueError, import_catalogue, read_catalogue
from commitments.models import Commitment, Indicator, Measurement, Milestone, Pillar, ProgressUpdate, SourceDocument
from commitments.vocabulary import Status

from .conftest import CATALOGUE

pytestmark = pytest.mark.django_db

ALL_MODELS = [SourceDocument, Pillar, Commitment, Milestone, Indicator, Measurement, ProgressUpdate]


def table_counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture
def data():
    return read_catalogue(CATALOGUE)


def test_every_quote_stands_verbatim_at_its_recorded_position(catalogue):
    speech = CATALOGUE.with_suffix(".txt").read_text(encoding="utf-8")
    commitments = Commitment.objects.all()
    assert commitments.count() >= 30
    for commitment in commitments:
        assert speech[commitment.quote_start : commitment.quote_end] == commitment.quote, commitment.slug


@pytest.mark.parametrize(
    "slug, status",
    [
        ("kkh-phase-ii-realignment", Status.IN_PROGRESS),
        ("ml1-railway-upgrade", Status.IN_PROGRESS),
        ("gwadar-port-development", Status.ONGOING),
        ("khunjerab-pass-operation", Status.ONGOING),
        ("gwadar-new-international-airport", Status.COMPLETED),
        ("buffalo-dairy-first-batch", Status.COMPLETED),
        ("health-kits-distribution", Status.COMPLETED),
        ("agricultural-training-1000-pakistanis", Status.PLANNED),
        ("celebrate-75th-anniversary", Status.PLANNED),
    ],
)
def test_statuses_follow_the_speech(catalogue, slug, status):
    """The speech's own update gives the status it stated; later evidence may move it since."""
    speech = Commitment.objects.get(slug=slug).updates.get(date=datetime.date(2025, 2, 21))
    assert speech.status == status


def test_named_commitments_of_the_speech_are_all_there(catalogue):
    titles = " ".join(Commitment.objects.values_list("title", flat=True)).lower()
    for phrase in [
        "karakoram", "main line-1", "gwadar port", "khunjerab", "agricultural trade", "dairy", "second batch",
        "xinjiang", "contract farming", "special economic zones", "artificial intelligence", "e-commerce",
        "third-party", "chinese personnel", "counter-terrorism", "airport", "friendship hospital", "health kits",
        "heart disease", "1,000", "education", "media", "think tank", "youth", "film", "75th anniversary",
    ]:  # fmt: skip
        assert phrase in titles, phrase


def test_numbers_of_the_speech_are_indicators_with_measurements(catalogue):
    def latest(slug):
        return Measurement.objects.filter(indicator__slug=slug).latest().value

    dairy = Indicator.objects.get(commitment__slug="buffalo-dairy-first-batch")
    assert dairy.measurements.get().value == Decimal("26.5")
    assert dairy.measurements.get().as_of == datetime.date(2025, 2, 14)
    trainees = Indicator.objects.get(commitment__slug="agricultural-training-1000-pakistanis")
    assert trainees.target_value == 1000
    values = set(Measurement.objects.values_list("value", flat=True))
    assert {Decimal(1_000_000_000), Decimal(237_000_000), Decimal(150_000), Decimal(1_260), Decimal(20_000)} <= values
    assert Indicator.objects.filter(key=True).count() >= 5


def test_each_status_from_the_speech_is_cited_by_an_update(catalogue):
    source = SourceDocument.objects.get()
    for commitment in Commitment.objects.all():
        latest = commitment.updates.latest()
        assert latest.source_document == source
        assert latest.status == commitment.status, commitment.slug


def test_children_belong_to_broad_pledges(catalogue):
    parent = Commitment.objects.get(slug="second-batch-cpec-agricultural-projects")
    assert parent.children.count() == 5


def test_import_twice_changes_nothing(data):
    import_catalogue(data=copy.deepcopy(data))
    before = table_counts()
    stamps = dict(Commitment.objects.values_list("slug", "updated"))
    report = import_catalogue(data=copy.deepcopy(data))
    assert report.changed == 0
    assert table_counts() == before
    assert dict(Commitment.objects.values_list("slug", "updated")) == stamps


def test_changed_file_updates_in_place_by_slug(data):
    import_catalogue(data=copy.deepcopy(data))
    before = table_counts()
    kkh = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    changed = copy.deepcopy(data)
    entry = next(e for e in changed["commitments"] if e["slug"] == "kkh-phase-ii-realignment")
    entry["title"] = "Realign the Karakoram Highway between Thakot and Raikot"
    report = import_catalogue(data=changed)
    assert report.changed == 1
    assert table_counts() == before
    kkh_after = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    assert kkh_after.pk == kkh.pk
    assert kkh_after.title == "Realign the Karakoram Highway between Thakot and Raikot"


def test_file_with_one_bad_entry_is_rejected_whole(data):
    broken = copy.deepcopy(data)
    broken["commitments"][-1]["updates"][0]["status"] = "finished"
    broken["commitments"][3]["quote"] = "This sentence is not in the speech."
    with pytest.raises(CatalogueError) as error:
        import_catalogue(data=broken)
    assert all(count == 0 for count in table_counts().values())
    problems = "\n".join(error.value.problems)
    last = broken["commitments"][-1]["slug"]
    statuses = "announced, planned, in_progress, ongoing, completed, stalled, cancelled"
    assert f"({last}).updates[0]: status: “finished” is not one of the allowed values: {statuses}." in problems
    assert f"commitments[3] ({broken['commitments'][3]['slug']}): quote: The quote does not occur" in problems


def test_bad_entry_leaves_an_existing_catalogue_untouched(data):
    import_catalogue(data=copy.deepcopy(data))
    before = table_counts()
    broken = copy.deepcopy(data)
    broken["commitments"][0]["title"] = "A new title that must not be saved"
    broken["commitments"][1]["weight"] = -2
    with pytest.raises(CatalogueError, match="weight"):
        import_catalogue(data=broken)
    assert table_counts() == before
    assert Commitment.objects.get(slug=data["commitments"][0]["slug"]).title == data["commitments"][0]["title"]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["commitments"][0].update(colour="red"), "unknown fields: colour"),
        (lambda d: d["commitments"][0].update(pillar="nowhere"), "pillar: no pillar with slug 'nowhere'"),
        (lambda d: d["commitments"][0].update(target_date="2025-13-45"), "target_date"),
        (lambda d: d["commitments"].append(dict(d["commitments"][0])), "slug: appears more than once"),
        (lambda d: d["commitments"][0].update(status="completed"), "status and progress come from the commitment's"),
        (lambda d: d["commitments"][0]["updates"][0].update(progress=140), "progress: Ensure this value"),
        (lambda d: d["source"].update(kind="rumour"), "source: kind"),
    ],
)
def test_invalid_entries_are_named_with_their_field(data, mutate, message):
    mutate(data)
    with pytest.raises(CatalogueError) as error:
        import_catalogue(data=data)
    assert message in "\n".join(error.value.problems)
    assert all(count == 0 for count in table_counts().values())


def test_negative_count_measurement_is_rejected(data):
    indicator_entry = next(e for e in data["commitments"] if e.get("indicators"))["indicators"][0]
    indicator_entry["measure"] = "count"
    indicator_entry["measurements"] = [{"value": -3, "as_of": datetime.date(2025, 1, 1)}]
    with pytest.raises(CatalogueError, match="A count or amount cannot be negative"):
        import_catalogue(data=data)
    assert Measurement.objects.count() == 0


def test_command_loads_the_catalogue_and_reports(capsys):
    call_command("import_catalogue", str(CATALOGUE))
    assert "Catalogue loaded" in capsys.readouterr().out
    assert Commitment.objects.count() >= 30


def test_command_rejects_invalid_yaml_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("import_catalogue", str(bad))
    assert SourceDocument.objects.count() == 0


def test_command_rejects_missing_source_text(tmp_path):
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    data["source"]["text_file"] = "missing.txt"
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError, match="cannot find the source text"):
        call_command("import_catalogue", str(path))
    assert Commitment.objects.count() == 0


def test_command_rejects_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes('source: {title: "Caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_catalogue", str(path))


def test_a_next_statement_loads_the_same_way(tmp_path, catalogue):
    (tmp_path / "statement.txt").write_text("Pakistan will open two new border markets this year.", encoding="utf-8")
    next_statement = {
        "source": {
            "slug": "2025-06-01-joint-statement",
            "title": "Joint statement",
            "date": datetime.date(2025, 6, 1),
            "speaker": "Both governments",
            "kind": "joint_statement",
            "text_file": "statement.txt",
        },
        "commitments": [
            {
                "slug": "two-border-markets",
                "title": "Open two border markets",
                "pillar": "practical",
                "party": "pakistan",
                "kind": "trade",
                "published": True,
                "quote": "Pakistan will open two new border markets this year.",
                "updates": [
                    {
                        "date": datetime.date(2025, 6, 1),
                        "text": "Announced in the joint statement.",
                        "source_kind": "official_statement",
                        "status": "announced",
                    }
                ],
            }
        ],
    }
    path = tmp_path / "statement.yaml"
    path.write_text(yaml.safe_dump(next_statement), encoding="utf-8")
    call_command("import_catalogue", str(path), stdout=io.StringIO())
    assert SourceDocument.objects.count() == 2
    assert Commitment.objects.get(slug="two-border-markets").source.slug == "2025-06-01-joint-statement"


def write_catalogue(folder, text_file="statement.txt", extra=""):
    (folder / "statement.txt").write_text("Pakistan will open two new border markets this year.", encoding="utf-8")
    path = folder / "statement.yaml"
    path.write_text(
        "source: {slug: hostile, title: Hostile, date: 2025-06-01, speaker: Someone, kind: speech, "
        f"text_file: '{text_file}'}}\n{extra}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("text_file", ["/etc/passwd", "../../../etc/hostname", "/proc/self/environ", "sub/../x"])
def test_a_source_text_outside_the_catalogues_folder_is_refused(tmp_path, text_file):
    with pytest.raises(CatalogueError, match="text_file") as error:
        read_catalogue(write_catalogue(tmp_path, text_file))
    assert "root:" not in str(error.value)
    assert not SourceDocument.objects.exists()


def test_a_link_leading_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "escape.txt").symlink_to("/etc/hostname")
    with pytest.raises(CatalogueError, match="leads outside the catalogue's folder"):
        read_catalogue(write_catalogue(tmp_path, "escape.txt"))


def test_files_over_the_size_limit_are_refused_before_parsing(tmp_path, settings):
    settings.CATALOGUE_MAX_BYTES = 1000
    path = write_catalogue(tmp_path, extra="commitments: []\n" + "# padding\n" * 200)
    with pytest.raises(CatalogueError, match="the largest accepted is 1000"):
        read_catalogue(path)
    path = write_catalogue(tmp_path)
    (tmp_path / "statement.txt").write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(CatalogueError, match="source: text_file: the file is"):
        read_catalogue(path)


def test_yaml_aliases_are_refused(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    with pytest.raises(CatalogueError, match="aliases"):
        read_catalogue(write_catalogue(tmp_path, extra=bomb))


def test_a_field_of_the_wrong_type_is_named_with_its_entry(tmp_path):
    extra = (
        "commitments:\n  - {slug: [a, list], title: T, pillar: practical, party: both, kind: trade, "
        "quote: 'Pakistan will open two new border markets this year.'}\n"
    )
    with pytest.raises(CatalogueError, match=r"commitments\[0\] \(\['a', 'list'\]\): slug: must be a single value"):
        import_catalogue(data=read_catalogue(write_catalogue(tmp_path, extra=extra)))


def test_commitments_are_drafts_unless_the_file_publishes_them(catalogue, tmp_path):
    extra = (
        "commitments:\n  - {slug: border-markets, title: Border markets, pillar: practical, party: pakistan, "
        "kind: trade, quote: 'Pakistan will open two new border markets this year.'}\n"
    )
    import_catalogue(data=read_catalogue(write_catalogue(tmp_path, extra=extra)))
    assert Commitment.objects.get(slug="border-markets").published is False


def test_an_import_started_in_another_language_writes_the_default_languages_columns(data):
    """The catalogue's texts are in English, with their translations beside them: an import started from a page in
    Urdu writes each to its own column."""
    with translation.override("ur"):
        import_catalogue(data=copy.deepcopy(data))
    expected = {
        entry["slug"]: (entry["title"], entry.get("title_ur"), entry.get("title_zh_hans"))
        for entry in data["commitments"]
    }
    written = Commitment.objects.values_list("slug", "title_en", "title_ur", "title_zh_hans")
    assert {slug: titles for slug, *titles in written} == {slug: list(titles) for slug, titles in expected.items()}
    assert not Milestone.objects.filter(title_en__isnull=True).exists()
