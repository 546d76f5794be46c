import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import Commitment, Indicator, Milestone, ProgressUpdate
from commitments.roles import EDITORS

from .factories import CommitmentFactory, PillarFactory, SourceDocumentFactory
from .helpers import add_form

pytestmark = pytest.mark.django_db


def test_editors_group_has_data_entry_permissions_only():
    codenames = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    assert {"add_commitment", "change_commitment", "add_milestone", "add_indicator", "add_progressupdate"} <= codenames
    assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group")}


def test_editor_can_add_commitment_with_milestone_indicator_and_update(client, editor):
    client.force_login(editor)
    pillar, source = PillarFactory(), SourceDocumentFactory()
    response = client.post(reverse("admin:commitments_commitment_add"), add_form(pillar, source))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    commitment = Commitment.objects.get(slug="northern-road")
    assert commitment.quote_start == 0
    assert Milestone.objects.get(commitment=commitment).title == "Survey finished"
    assert Indicator.objects.get(commitment=commitment).target_value == 120
    update = ProgressUpdate.objects.get(commitment=commitment)
    assert update.author == editor


def test_admin_rejects_a_quote_missing_from_the_source(client, editor):
    client.force_login(editor)
    pillar, source = PillarFactory(), SourceDocumentFactory()
    data = add_form(pillar, source, quote="We will build a bridge.")
    response = client.post(reverse("admin:commitments_commitment_add"), data)
    assert response.status_code == 200
    assert "does not occur word for word" in response.content.decode()
    assert not Commitment.objects.exists()
    assert not Milestone.objects.exists()


def test_admin_rejects_update_without_source(client, editor):
    client.force_login(editor)
    data = add_form(PillarFactory(), SourceDocumentFactory(), **{"updates-0-source_url": ""})
    response = client.post(reverse("admin:commitments_commitment_add"), data)
    assert response.status_code == 200
    assert "Give a source URL or a source document for the update." in response.content.decode()
    assert not Commitment.objects.exists()


def test_viewer_cannot_add_a_commitment(client, viewer):
    client.force_login(viewer)
    pillar, source = PillarFactory(), SourceDocumentFactory()
    response = client.post(reverse("admin:commitments_commitment_add"), add_form(pillar, source))
    assert response.status_code == 403
    assert not Commitment.objects.exists()


def test_user_without_role_cannot_enter_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="a-long-test-password")
    client.force_login(user)
    response = client.get(reverse("admin:commitments_commitment_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editor_cannot_manage_users(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_changelist_lists_searches_and_filters(client, editor):
    CommitmentFactory(title="Realign the highway", status="in_progress")
    CommitmentFactory(title="Open the airport", status="completed", completion_date="2025-02-01")
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_changelist")
    assert "Realign the highway" in client.get(url).content.decode()
    response = client.get(url, {"q": "airport"})
    assert "Open the airport" in response.content.decode()
    assert "Realign the highway" not in response.content.decode()
    response = client.get(url, {"status__exact": "in_progress"})
    assert "Realign the highway" in response.content.decode()
    assert "Open the airport" not in response.content.decode()


def test_editor_can_publish_drafts_from_the_changelist(client, editor):
    draft = CommitmentFactory(published=False)
    client.force_login(editor)
    client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.published
