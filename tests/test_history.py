import copy
import datetime
import re

import pytest
from django.urls import reverse

from commitments.catalogue import import_catalogue, read_catalogue
from commitments.models import Commitment
from commitments.vocabulary import Status

from .conftest import CATALOGUE
from .factories import CommitmentFactory, MilestoneFactory, UserFactory
from .helpers import change_form, post_progress

pytestmark = pytest.mark.django_db


def statuses(commitment):
    return list(commitment.history.order_by("history_id").values_list("status", flat=True))


def test_admin_edit_is_recorded_with_its_author_and_cannot_move_the_status(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    commitment.refresh_from_db()
    client.post(url, change_form(commitment, commitment.version, status="stalled", title_en="Renamed"))
    latest = commitment.history.latest()
    assert (latest.title, latest.status, latest.history_user) == ("Renamed", Status.PLANNED, editor)


def test_staff_form_status_change_is_recorded(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment)
    assert statuses(commitment)[-1] == Status.IN_PROGRESS
    assert commitment.history.latest().history_user == editor


def test_import_status_change_is_recorded():
    data = read_catalogue(CATALOGUE)
    import_catalogue(data=copy.deepcopy(data))
    entry = next(e for e in data["commitments"] if e["slug"] == "kkh-phase-ii-realignment")
    entry["updates"].append(
        {"date": "2026-09-01", "text": "Work stopped.", "source_kind": "media_report", "status": "stalled",
         "source_url": "https://example.org/kkh"}
    )  # fmt: skip
    import_catalogue(data=data)
    kkh = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    assert statuses(kkh)[0] == Status.ANNOUNCED  # as created, before its first update
    before = kkh.updates.filter(date__lt=datetime.date(2026, 9, 1)).order_by("-date", "-created").first()
    assert statuses(kkh)[-2:] == [before.status, Status.STALLED]


def test_milestones_and_updates_keep_history_too(client, editor):
    milestone = MilestoneFactory(title="Survey")
    milestone.title = "Survey done"
    milestone.save()
    assert [h.title for h in milestone.history.order_by("history_id")] == ["Survey", "Survey done"]


def test_admin_shows_an_objects_history(client, editor):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    client.force_login(editor)
    response = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert response.status_code == 200
    assert "In progress" in response.content.decode()


def test_staff_page_shows_status_history_with_authors(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment)
    page = client.get(reverse("commitments:staff_commitment", args=[commitment.slug])).content.decode()
    assert "Planned" in page and "→ <strong>In progress</strong>" in page and "by editor" in page


def test_public_page_shows_dated_status_changes_without_names(client):
    editor = UserFactory(username="amina.khan", groups=["Editors"])
    commitment = CommitmentFactory(status=Status.PLANNED, internal_notes="Secret note")
    client.force_login(editor)
    post_progress(client, commitment)
    client.logout()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Status history" in page
    assert "→ <strong>In progress</strong>" in page
    assert "amina.khan" not in page and "Secret note" not in page


def test_admin_history_pages_have_no_inline_style_for_the_csp_to_block(client, administrator):
    commitment = CommitmentFactory(status=Status.PLANNED)
    commitment.status = Status.IN_PROGRESS
    commitment.save()
    client.force_login(administrator)
    history = reverse("admin:commitments_commitment_history", args=[commitment.pk])
    record = commitment.history.earliest()
    version = reverse("admin:commitments_commitment_simple_history", args=[commitment.pk, record.pk])
    for url in (history, version):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "style-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"\sstyle\s*=|<style", page, re.IGNORECASE), url
    assert "css/admin-history.css" in client.get(history).content.decode()
