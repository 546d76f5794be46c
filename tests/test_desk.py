"""The drafting desk: from a new statement to reviewed drafts, without typing a quote."""

import datetime
import io
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfWriter

from commitments import desk
from commitments.catalogue import import_catalogue, read_catalogue
from commitments.models import Commitment, SourceDocument, Statement
from commitments.suggest import evaluate, sentences, suggest
from commitments.vocabulary import ClaimKind, DatePrecision, Party

from .conftest import CATALOGUE as SPEECH
from .factories import PillarFactory

TEST_STATEMENT = Path(__file__).resolve().parent / "data" / "2025-09-01-joint-statement-for-tests.yaml"
STATEMENT_TEXT = (
    "The two sides agreed to complete the upgrade of the Main Line-1 railway by the end of 2030.\n\n"
    "Both sides will build 50 schools in Balochistan by June 2027.\n\n"
    "China will provide 500 scholarships to Pakistani students in 2026."
)


def quotes_of(path):
    data = read_catalogue(path)
    return data["source"]["text"], [entry["quote"] for entry in data["commitments"]]


# --- The suggester -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SPEECH, TEST_STATEMENT])
def test_the_suggester_finds_the_statements_of_the_shipped_catalogues(db, path):
    text, quotes = quotes_of(path)
    result = evaluate(text, "en", quotes)
    assert result.recall >= 0.95, result.missed
    assert 0 < result.precision <= 1


def test_evaluate_suggestions_prints_recall_precision_and_misses(db):
    out = io.StringIO()
    call_command("evaluate_suggestions", str(SPEECH), stdout=out)
    assert "Recall:" in out.getvalue() and "Precision:" in out.getvalue()


def test_sentences_keep_their_positions_in_urdu_and_chinese():
    for language, text in [
        ("ur", "ہم پچاس اسکول بنائیں گے۔ یہ کام 2027 تک مکمل ہوگا۔"),
        ("zh-hans", "双方将在2027年前建设50所学校。这很重要。"),
        ("en", "We will build 50 schools. Dr. Li said so in Jan. 2025."),
    ]:
        found = sentences(text, language)
        assert len(found) == 2, (language, found)
        assert all(text[s.start : s.end] == s.text for s in found)


def test_a_chinese_pledge_is_suggested_with_its_quantity():
    candidate = suggest("双方将在2027年前建设50所学校。这很重要。", "zh-hans")[0]
    assert candidate.suggested and candidate.quantity == 50


def test_what_a_sentence_gives_is_proposed():
    pledge, request, result = suggest(
        "Both sides will build 50 schools in Balochistan by June 2027. We hope that Pakistan will increase "
        "security investments. Last year, trade exceeded $1 billion.",
        "en",
    )
    assert (pledge.claim_kind, pledge.party, pledge.quantity) == (ClaimKind.JOINT_PLEDGE, Party.BOTH, 50)
    assert pledge.deadline == (datetime.date(2027, 6, 1), DatePrecision.MONTH)
    assert "Balochistan" in pledge.places
    assert request.claim_kind == ClaimKind.REQUEST
    assert result.claim_kind == ClaimKind.REPORTED_RESULT and result.quantity == 1_000_000_000


def test_a_sentence_naming_ml1_is_offered_as_its_restatement(catalogue):
    candidates = suggest(STATEMENT_TEXT, "en", list(Commitment.objects.all()))
    assert [c.slug for c in candidates[0].restates] == ["ml1-railway-upgrade"]
    assert not candidates[1].restates


# --- The desk ----------------------------------------------------------------------------------------------------


def new_source(client, **overrides):
    data = {
        "title": "Joint statement of September 2025",
        "date": "2025-09-01",
        "speaker": "Both sides",
        "kind": "joint_statement",
        "language": "en",
        "text": STATEMENT_TEXT,
        **overrides,
    }
    return client.post(reverse("commitments:desk"), data)


@pytest.fixture
def drafted_source(client, editor, catalogue):
    client.force_login(editor)
    response = new_source(client)
    assert response.status_code == 302
    source = SourceDocument.objects.get(title="Joint statement of September 2025")
    assert source.draft and source.text == STATEMENT_TEXT
    return source


def confirm(client, source, text=None):
    url = reverse("commitments:desk_source", args=[source.slug])
    return client.post(url, {"text": text if text is not None else source.text})


def test_a_draft_source_is_corrected_then_confirmed_and_never_public_before(client, drafted_source):
    assert client.get(drafted_source.get_absolute_url()).status_code == 404
    corrected = STATEMENT_TEXT.replace("June 2027", "June 2027")
    assert confirm(client, drafted_source, corrected).status_code == 302
    drafted_source.refresh_from_db()
    assert not drafted_source.draft
    page = client.get(reverse("commitments:desk_source", args=[drafted_source.slug])).content.decode()
    assert "Restates “Upgrade the Main Line-1 railway”?" in page
    assert page.count('type="checkbox" name="sentence"') == 3


def test_drafting_a_sentence_a_selection_and_a_restatement(client, drafted_source, editor):
    confirm(client, drafted_source)
    text, draft_url = drafted_source.text, reverse("commitments:desk_draft", args=[drafted_source.slug])
    pillar = Commitment.objects.get(slug="ml1-railway-upgrade").pillar
    # A suggested sentence, prefilled.
    start = text.index("Both sides will")
    end = text.index("\n", start)
    form = client.get(draft_url, {"start": start, "end": end}).context["form"]
    assert form.initial["quantity"] == 50 and form.initial["target_date_precision"] == DatePrecision.MONTH
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "pillar": pillar.pk, "kind": "infrastructure"}
    data.update(title="Build 50 schools in Balochistan", deliverable="build schools")
    data.pop("restates", None)
    assert client.post(draft_url, data).status_code == 302
    schools = Commitment.objects.get(title="Build 50 schools in Balochistan")
    assert not schools.published and schools.quote == text[start:end]
    assert (schools.target_date, schools.checkability) == (datetime.date(2027, 6, 30), 5)
    # A span selected in the text: exactly those characters.
    start = text.index("500 scholarships")
    selection = {"start": start, "end": start + len("500 scholarships to Pakistani students")}
    form = client.get(draft_url, selection).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v not in (None, "")}, "pillar": pillar.pk, "party": "china"}
    data.update(title="500 scholarships", claim_kind="pledge", kind="programme")
    assert client.post(draft_url, data).status_code == 302
    assert Commitment.objects.get(title="500 scholarships").quote == "500 scholarships to Pakistani students"
    # A restatement of ML-1: a statement added, nothing else changed.
    ml1 = Commitment.objects.get(slug="ml1-railway-upgrade")
    title, quote = ml1.title, ml1.quote
    start = 0
    end = text.index("\n")
    data = {"start": start, "end": end, "restates": ml1.pk, "party": "both", "claim_kind": "joint_pledge",
            "kind": "infrastructure", "target_date": "2030-01-01", "target_date_precision": "year"}  # fmt: skip
    assert client.post(draft_url, data).status_code == 302
    ml1.refresh_from_db()
    assert (ml1.title, ml1.quote, ml1.statements.count()) == (title, quote, 2)
    assert ml1.target_date == datetime.date(2030, 12, 31)
    # The drafts are published from the drafts list, and appear on the public pages.
    for commitment in Commitment.objects.filter(title__in=["Build 50 schools in Balochistan", "500 scholarships"]):
        response = client.post(
            reverse("commitments:staff_publish", args=[commitment.slug]),
            {"published": "1", "version": commitment.version},
        )
        assert response.status_code == 302
        assert Commitment.objects.get(pk=commitment.pk).published
    source_page = client.get(drafted_source.get_absolute_url()).content.decode()
    assert source_page.count('class="quote-mark') == 3


def test_without_javascript_the_checked_sentences_are_drafted(client, drafted_source):
    confirm(client, drafted_source)
    candidates = desk.proposals(drafted_source)
    spans = [f"{c.sentence.start}:{c.sentence.end}" for c in candidates[1:]]
    pillar = PillarFactory()
    url = reverse("commitments:desk_draft_checked", args=[drafted_source.slug])
    assert client.post(url, {"sentence": spans, "pillar": pillar.pk}).status_code == 302
    drafted = Commitment.objects.filter(source=drafted_source)
    assert drafted.count() == 2 and not drafted.filter(published=True).exists()
    assert {c.quote for c in drafted} == {c.quote for c in candidates[1:]}


def test_the_downloaded_catalogue_reads_back_to_the_same_records(client, drafted_source, tmp_path):
    confirm(client, drafted_source)
    candidates = desk.proposals(drafted_source)
    pillar = Commitment.objects.get(slug="ml1-railway-upgrade").pillar
    desk.draft_many(drafted_source, [(c.sentence.start, c.sentence.end) for c in candidates[1:]], pillar, None)
    first = candidates[0].sentence
    ml1 = Commitment.objects.get(slug="ml1-railway-upgrade")
    desk.draft(drafted_source, first.start, first.end, {"restates": ml1, "party": "both", "claim_kind": "joint_pledge"},
               None)  # fmt: skip
    response = client.get(reverse("commitments:desk_catalogue", args=[drafted_source.slug]))
    assert response["Content-Disposition"].startswith("attachment")
    document = yaml.safe_load(response.content)

    def record():
        return sorted(
            Statement.objects.filter(source__slug=drafted_source.slug).values_list(
                "commitment__slug", "commitment__title", "quote", "quote_start", "claim_kind", "quantity",
                "target_date", "target_date_precision", "commitment__published",
            )
        )  # fmt: skip

    before = record()
    Commitment.objects.filter(source=drafted_source).delete()
    Statement.objects.filter(source=drafted_source).delete()
    SourceDocument.objects.filter(pk=drafted_source.pk).delete()
    import_catalogue(data=document)
    assert record() == before
    assert import_catalogue(data=yaml.safe_load(response.content)).changed == 0


# --- Bad input --------------------------------------------------------------------------------------------------


def pdf_without_text():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "   "}, "The text is empty"),
        ({"text": "", "file": SimpleUploadedFile("big.txt", b"x" * 3_000_000)}, "the largest accepted is"),
        ({"text": "", "file": SimpleUploadedFile("photo.png", b"\x89PNG")}, "is not a file the desk reads"),
        ({"text": "", "file": SimpleUploadedFile("scan.pdf", pdf_without_text())}, "no text layer"),
        ({"text": "", "file": SimpleUploadedFile("latin.txt", "caf\u00e9".encode("latin-1"))}, "not UTF-8"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, editor, db, overrides, message):
    client.force_login(editor)
    before = SourceDocument.objects.count()
    response = new_source(client, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SourceDocument.objects.count() == before


def test_a_text_that_is_already_a_source_is_refused(client, editor, catalogue):
    client.force_login(editor)
    speech = SourceDocument.objects.get()
    response = new_source(client, text=speech.text)
    assert response.status_code == 400
    assert f"This text is already the source “{speech.title}”" in response.content.decode()
    assert SourceDocument.objects.count() == 1


def test_a_web_page_and_a_pdf_give_their_text(client, editor, db):
    client.force_login(editor)
    page = b"<html><head><script>x()</script></head><body><nav>Menu</nav><p>China will build a port.</p></body></html>"
    response = new_source(client, text="", file=SimpleUploadedFile("statement.html", page))
    assert response.status_code == 302
    assert SourceDocument.objects.get().text == "China will build a port."


def test_the_desk_is_for_editors(client, viewer, db):
    client.force_login(viewer)
    assert client.get(reverse("commitments:desk")).status_code == 403


def test_a_draft_quoting_a_draft_source_cannot_be_published(client, drafted_source, editor):
    source = drafted_source
    pillar = PillarFactory()
    commitment = Commitment(title="Early", slug="early", pillar=pillar, party="both", kind="programme",
                            source=source, quote="Both sides will build 50 schools", published=False)  # fmt: skip
    from commitments import services

    services.save_commitment(commitment, user=None)
    response = client.post(reverse("commitments:staff_publish", args=["early"]), {"published": "1", "version": 1})
    assert response.status_code == 302
    assert not Commitment.objects.get(slug="early").published


def test_line_breaks_are_kept_as_the_page_shows_them(client, drafted_source):
    """Browsers send a textarea's line breaks as CR LF; positions counted in the page must match the text."""
    confirm(client, drafted_source, STATEMENT_TEXT.replace("\n", "\r\n"))
    drafted_source.refresh_from_db()
    assert drafted_source.text == STATEMENT_TEXT


def test_the_side_named_first_acts_and_a_drafted_sentence_is_no_longer_checked(client, drafted_source):
    confirm(client, drafted_source)
    scholarships = desk.proposals(drafted_source)[2]
    assert scholarships.party == Party.CHINA  # "China will provide ... to Pakistani students"
    pillar = PillarFactory()
    desk.draft_many(drafted_source, [(scholarships.sentence.start, scholarships.sentence.end)], pillar, None)
    page = client.get(reverse("commitments:desk_source", args=[drafted_source.slug])).content.decode()
    assert page.count('name="sentence"') == 3 and page.count(" checked>") == 2
    assert "Drafted already:" in page
