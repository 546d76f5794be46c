"""Tables render their rows themselves (`commitments.tables.Cells`): every table page must read exactly as
django-tables2's own template writes it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from commitments import badges
from commitments.models import Commitment
from commitments.vocabulary import ClaimKind, Status, Verdict, Verification

from .factories import CommitmentFactory, MilestoneFactory, ProgressUpdateFactory

PAGES = [
    ("commitments:commitment_list", {}),
    ("commitments:commitment_list", {"sort": "-status", "per_page": 100}),
    ("commitments:staff_commitments", {}),
    ("commitments:staff_overdue", {}),
    ("commitments:staff_stale", {}),
    ("commitments:staff_mine", {}),
    ("commitments:staff_drafts", {}),
    ("commitments:staff_milestones", {}),
    ("commitments:staff_changes", {}),
    ("commitments:staff_updates", {}),
]


@pytest.fixture
def staff_world(catalogue, editor):
    """Rows for every staff table: drafts, an owner, overdue milestones and commitments, internal updates."""
    CommitmentFactory(owner=editor, title="Owned", target_date=datetime.date(2024, 1, 31))
    draft = CommitmentFactory(published=False, title="A draft <with> “marks” & signs", status=Status.IN_PROGRESS)
    MilestoneFactory(commitment=draft, title="Survey <done>")
    ProgressUpdateFactory(commitment=draft, public=False, status=Status.IN_PROGRESS, text="Internal & early")
    return editor


def without_layout(html):
    """The HTML without the white space between tags, and without CSRF tokens (masked anew in each form)."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]*"', r"\1", html)
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_every_table_page_reads_as_django_tables2_writes_it(client, staff_world, name, params):
    client.force_login(staff_world)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    table = response.context["table"]
    assert len(table.page.object_list) > 0, "a table with rows"
    ours = table.as_html(response.wsgi_request)
    table.template_name = "django_tables2/table.html"
    theirs = table.as_html(response.wsgi_request)
    assert without_layout(ours) == without_layout(theirs)
    assert "<td" in ours


def test_an_empty_table_says_so(client, catalogue):
    response = client.get(reverse("commitments:commitment_list"), {"q": "no such words anywhere"})
    assert "No commitment matches these filters." in response.content.decode()


def test_a_column_that_never_shows_its_value_never_reads_it(client, staff_world, monkeypatch):
    """The queue's `check` column is a form: reading `record.check` would run `Model.check()`, the system checks,
    once a row."""
    calls = []
    monkeypatch.setattr(Commitment, "check", classmethod(lambda cls, **kwargs: calls.append(cls) or []))
    client.force_login(staff_world)
    response = client.get(reverse("commitments:staff_stale"))
    assert len(response.context["table"].page.object_list) > 0
    assert "Checked, nothing new" in response.content.decode()
    assert calls == []


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_a_badge_shows_the_label_and_meaning_of_the_language_it_is_drawn_in(language):
    """Badges are worked out once for each value and language: each shows what the field's display and the
    value's meaning give in the language active when it is drawn, whichever was drawn first."""
    cases = [
        (Status, "status", ClaimKind.PLEDGE, badges.commitment_status),
        (Verification, "verification", ClaimKind.REPORTED_RESULT, badges.commitment_status),
        (Verdict, "verdict", ClaimKind.PLEDGE, badges.verdict_badge),
    ]
    for vocabulary, field, claim_kind, badge in cases:
        for value in vocabulary.values:
            commitment = Commitment(claim_kind=claim_kind, **{field: value})
            with translation.override("en"):
                badge(commitment)
            with translation.override(language):
                html = badge(commitment)
                label, meaning = getattr(commitment, f"get_{field}_display")(), vocabulary(value).meaning
                assert f'class="{field} {field}-{value}" title="{escape(meaning)}">{escape(label)}</span>' in html
    assert badges.verdict_badge(Commitment(verdict="")) == ""


def test_a_progress_bar_is_written_in_the_language_it_is_drawn_in():
    with translation.override("en"):
        assert "not known" in badges.progress_bar(None)
    with translation.override("ur"):
        assert badges.progress_bar(None) == badges._progress_bar_in.__wrapped__(None, "ur")
        assert "not known" not in badges.progress_bar(None)
    assert 'width="40"' in badges.progress_bar(40) and "40%" in badges.progress_bar(40)


def test_a_date_never_given_reads_never(client, catalogue, editor):
    """The verification queue lists first the promises never checked, with "never" for the date."""
    Commitment.objects.filter(pk__in=Commitment.objects.published().promises()[:3].values("pk")).update(
        last_checked=None
    )
    client.force_login(editor)
    response = client.get(reverse("commitments:staff_stale"))
    first = next(iter(response.context["table"].paginated_rows))
    assert first.record.last_checked is None
    assert re.search(r"<td >never</td>|<td>never</td>", response.content.decode())
