"""One write path: every way of changing the record applies the same rules.

Admin forms, inlines, actions and deletes, the admin import, the staff forms, `import_catalogue`,
`restore` and publishing each go through the services layer, so after each of them the commitment's
status and progress follow its timeline and progress rule, its version has moved on, the change is in
the history with its author, and its cached public page shows the change.
"""

import copy
import datetime
import gc
import io
import json

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import backup, resources, services
from commitments.catalogue import import_catalogue, read_catalogue
from commitments.models import Commitment, Indicator, Milestone, ProgressUpdate, SourceDocument, VerdictRecord
from commitments.vocabulary import ProgressMethod, Status, Verdict

from .conftest import CATALOGUE
from .factories import (
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)
from .helpers import change_form, inline_management, post_progress

pytestmark = pytest.mark.django_db

ML1 = "ml1-railway-upgrade"


def admin_change_form(commitment, **overrides):
    """The admin change form of an existing commitment as it stands, with `overrides`."""
    commitment.refresh_from_db()
    data = change_form(
        commitment,
        commitment.version,
        title_en=commitment.title,
        title_ur=commitment.title_ur or "",
        summary_en=commitment.summary,
        party=commitment.party,
        kind=commitment.kind,
        quote=commitment.quote,
        progress_method=commitment.progress_method,
        weight=str(commitment.weight),
        published="on" if commitment.published else "",
        parent=commitment.parent_id or "",
    )
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def save_in_admin(client, commitment, **overrides):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    return client.post(url, admin_change_form(commitment, **overrides))


def milestone_rows(commitment):
    """The admin's milestone inline for every milestone of `commitment`, as it stands."""
    milestones = list(commitment.milestones.order_by("pk"))
    data = {**inline_management("milestones", len(milestones)), "milestones-INITIAL_FORMS": str(len(milestones))}
    for n, milestone in enumerate(milestones):
        data.update(
            {
                f"milestones-{n}-id": milestone.pk,
                f"milestones-{n}-commitment": commitment.pk,
                f"milestones-{n}-title_en": milestone.title,
                f"milestones-{n}-order": milestone.order,
                f"milestones-{n}-due_date": milestone.due_date or "",
                f"milestones-{n}-completed_date": milestone.completed_date or "",
            }
        )
    return data


def consistent(commitment):
    commitment.refresh_from_db()
    return all(getattr(commitment, name) == value for name, value in commitment.derived_state().items())


# --- Imports never undo editors' work ---------------------------------------------------------------------------


def test_rerunning_the_import_keeps_edits_from_the_admin_the_staff_form_and_the_admin_import(client, editor):
    call_command("import_catalogue", str(CATALOGUE), stdout=io.StringIO())
    ml1 = Commitment.objects.get(slug=ML1)
    client.force_login(editor)
    assert save_in_admin(client, ml1, title_en="ML-1, as the editor names it").status_code == 302
    response = post_progress(
        client, ml1, status="stalled", progress="10", text="Financing talks stalled.", date="2026-09-01"
    )
    assert response.status_code == 302
    indicator = Indicator.objects.filter(key=True).order_by("slug").first()
    dataset = resources.IndicatorResource().export(queryset=Indicator.objects.filter(pk=indicator.pk))
    dataset.dict = [{**row, "target_value": "4321"} for row in dataset.dict]
    result = resources.IndicatorResource().import_data(dataset, dry_run=False, user=editor)
    assert not result.has_errors() and not result.has_validation_errors()

    out = io.StringIO()
    call_command("import_catalogue", str(CATALOGUE), stdout=out)

    ml1.refresh_from_db()
    indicator.refresh_from_db()
    assert ml1.title == "ML-1, as the editor names it"
    assert (ml1.status, ml1.progress) == (Status.STALLED, 10)
    assert indicator.target_value == 4321
    report = out.getvalue()
    assert f"kept the editors' value for commitment:{ML1}.title, changed on" in report
    assert "by editor" in report
    assert f"kept the editors' value for indicator:{indicator.slug}.target_value" in report


def test_an_untouched_field_follows_the_file_and_a_deleted_row_is_not_created_again():
    data = read_catalogue(CATALOGUE)
    import_catalogue(data=copy.deepcopy(data))
    milestone = Milestone.objects.order_by("pk").first()
    services.delete_part(milestone, user=None)
    entry = next(e for e in data["commitments"] if e["slug"] == ML1)
    entry["summary"] = "A corrected summary."
    report = import_catalogue(data=data)
    assert Commitment.objects.get(slug=ML1).summary == "A corrected summary."
    assert not Milestone.objects.filter(title=milestone.title, commitment=milestone.commitment).exists()
    assert any("kept the editors' change or deletion of milestone:" in line for line in report.lines())


def test_a_slug_of_another_sources_commitment_is_refused_and_nothing_written(catalogue, tmp_path):
    (tmp_path / "next.txt").write_text("The two sides agreed to start ML-1 next year.", encoding="utf-8")
    (tmp_path / "next.yaml").write_text(
        "source: {slug: next-statement, title: Next statement, date: 2025-06-01, speaker: Both, "
        "kind: joint_statement, text_file: next.txt}\n"
        "commitments:\n"
        f"  - {{slug: {ML1}, title: Taken over, pillar: practical, party: both, kind: infrastructure, "
        "quote: 'The two sides agreed to start ML-1 next year.'}\n",
        encoding="utf-8",
    )
    before = Commitment.objects.get(slug=ML1)
    with pytest.raises(CommandError) as error:
        call_command("import_catalogue", str(tmp_path / "next.yaml"), stdout=io.StringIO())
    assert f"'{ML1}' already belongs to a commitment of" in str(error.value)
    assert "(2025-02-21-china-pakistan-all-weather-partnership)" in str(error.value)
    assert "(next-statement)" in str(error.value)
    after = Commitment.objects.get(slug=ML1)
    assert (after.title, after.source_id, after.quote) == (before.title, before.source_id, before.quote)
    assert not SourceDocument.objects.filter(slug="next-statement").exists()


# --- Status only through dated, sourced updates --------------------------------------------------------------


def test_admin_form_cannot_set_status_or_progress(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED, progress=5)
    client.force_login(editor)
    assert save_in_admin(client, commitment, status="completed", progress="100").status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (Status.PLANNED, 5)


def test_admin_import_refuses_a_status_change_on_a_commitment_row(editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    dataset = resources.CommitmentResource().export(queryset=Commitment.objects.filter(pk=commitment.pk))
    dataset.dict = [{**row, "status": "completed"} for row in dataset.dict]
    result = resources.CommitmentResource().import_data(
        dataset, dry_run=False, user=editor, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors()
    messages = str(result.invalid_rows[0].error_dict)
    assert "change only with a dated, sourced update" in messages
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED


def test_an_internal_update_cannot_move_the_status(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    response = post_progress(client, commitment, public="", status="stalled", text="Quietly stalled.")
    assert response.status_code == 400
    assert "An update that changes the status or progress is public" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED


def test_an_internal_note_that_moves_nothing_is_allowed(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED, progress=None)
    client.force_login(editor)
    response = post_progress(client, commitment, public="", status="planned", progress="", text="Phoned the agency.")
    assert response.status_code == 302
    assert commitment.updates.filter(public=False, text="Phoned the agency.").exists()


def test_admin_update_form_refuses_an_internal_status_change(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    form = {
        "commitment": commitment.pk,
        "date": "2025-08-01",
        "text_en": "Stopped.",
        "source_url": "https://example.org/stop",
        "source_kind": "media_report",
        "status": "stalled",
    }
    response = client.post(reverse("admin:commitments_progressupdate_add"), form)
    assert response.status_code == 200
    assert "An update that changes the status or progress is public" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED


def test_a_backdated_update_does_not_override_a_later_one(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment, status="in_progress", date="2025-09-01", text="Started.")
    post_progress(client, commitment, status="stalled", date="2025-04-01", text="An older report.")
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_reopening_clears_the_completion_date_and_the_iati_end_date(client, editor):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    client.force_login(editor)
    post_progress(client, commitment, status="completed", progress="100", date="2025-07-01", text="Done.")
    commitment.refresh_from_db()
    assert commitment.completion_date == datetime.date(2025, 7, 1)
    post_progress(client, commitment, status="in_progress", progress="90", date="2025-08-01", text="Reopened.")
    commitment.refresh_from_db()
    assert (commitment.status, commitment.completion_date) == (Status.IN_PROGRESS, None)
    xml = client.get(reverse("commitments:iati_activity", args=[commitment.slug])).content.decode()
    assert 'activity-date type="4"' not in xml


def test_status_history_is_dated_by_the_evidence_and_says_when_it_was_recorded(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment, status="in_progress", date="2025-03-04", text="Started.")
    client.logout()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert '<time datetime="2025-03-04">' in page
    assert "recorded" in page


# --- Roll-up, quotes and caches after every kind of write ------------------------------------------------------------


def children_parent(**children):
    parent = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, title="Parent")
    made = {
        name: CommitmentFactory(parent=parent, progress=progress, published=published)
        for name, (progress, published) in children.items()
    }
    parent.refresh_from_db()
    return parent, made


def test_a_published_parent_counts_only_published_children():
    parent, _children = children_parent(shown=(100, True), draft=(0, False))
    assert parent.progress == 100


def test_publishing_a_child_rolls_up_to_its_parent():
    parent, children = children_parent(shown=(100, True), draft=(0, False))
    services.set_published([children["draft"]], True, user=None)
    parent.refresh_from_db()
    assert parent.progress == 50


def test_publishing_a_parent_counts_its_published_children_only_from_then():
    parent, _children = children_parent(shown=(100, True), draft=(0, False))
    services.set_published([parent], False, user=None)
    parent.refresh_from_db()
    assert parent.progress == 50  # a draft counts every child
    services.set_published([parent], True, user=None)
    parent.refresh_from_db()
    assert parent.progress == 100


def test_publishing_many_drafts_gives_each_a_history_entry_by_its_editor(editor):
    drafts = [CommitmentFactory(published=False) for _ in range(5)]
    chosen = Commitment.objects.filter(pk__in=[draft.pk for draft in drafts])
    assert services.set_published(chosen, True, user=editor) == 5
    assert services.set_published(chosen, True, user=editor) == 0  # already published: nothing changes
    for draft in drafts:
        version = draft.version
        draft.refresh_from_db()
        assert draft.published and draft.version > version
        latest = draft.history.order_by("-history_id").first()
        assert (latest.published, latest.history_user, latest.version) == (True, editor, draft.version)


def test_a_bulk_history_entry_holds_every_tracked_field_as_the_write_left_the_row(editor):
    draft = CommitmentFactory(published=False, title="Gwadar airport", title_ur="گوادر ہوائی اڈہ")
    ProgressUpdateFactory(commitment=draft, status=Status.IN_PROGRESS, progress=40)
    services.set_published([draft], True, user=editor)
    draft.refresh_from_db()
    entry = draft.history.order_by("-history_id").first()
    tracked = [field.attname for field in Commitment.history.model.tracked_fields]
    assert "title_ur" not in tracked and "statement_count" not in tracked  # the fields the history leaves out
    assert {name: getattr(entry, name) for name in tracked} == {name: getattr(draft, name) for name in tracked}
    assert (entry.history_type, entry.history_change_reason, entry.history_user) == ("~", "", editor)
    assert entry.history_date >= draft.updated


def test_a_bulk_history_entry_of_a_write_by_no_one_has_no_author():
    draft = CommitmentFactory(published=False)
    services.set_published([draft], True, user=None)
    assert draft.history.order_by("-history_id").first().history_user is None


def test_a_parent_published_with_its_children_counts_them_and_keeps_one_history_entry():
    parent = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, published=False)
    children = [CommitmentFactory(parent=parent, progress=progress, published=False) for progress in (100, 0)]
    entries = parent.history.count()
    services.set_published([parent, *children], True, user=None)
    parent.refresh_from_db()
    assert parent.published and parent.progress == 50
    assert parent.history.count() == entries + 1
    assert parent.history.order_by("-history_id").first().progress == 50


def test_publishing_writes_each_commitment_once():
    """The flag and the figures that follow from it go in one UPDATE of each row: a commitment's indexes are
    written again with every UPDATE of it."""
    drafts = [CommitmentFactory(published=False, status=Status.IN_PROGRESS) for _ in range(3)]
    with CaptureQueriesContext(connection) as context:
        services.set_published(drafts, True, user=None)
    table = connection.ops.quote_name(Commitment._meta.db_table)
    updates = [query["sql"] for query in context.captured_queries if f"UPDATE {table} " in query["sql"]]
    assert len(updates) == 1
    if connection.vendor == "postgresql":  # one statement joined to every row's new values
        assert "FROM unnest(" in updates[0] and Commitment.objects.filter(published=True).count() == 3
    else:  # one statement executed for each row, logged once
        assert updates[0].startswith("3 times:")


def drafts_with_records(count, parent):
    """Drafts with everything a commitment derives its figures from: updates, milestones, a measured
    indicator, an editor's verdict."""
    drafts = []
    for n in range(count):
        draft = CommitmentFactory(published=False, parent=parent, status=Status.IN_PROGRESS, progress=n)
        MilestoneFactory(commitment=draft)
        MeasurementFactory(indicator=IndicatorFactory(commitment=draft))
        verdict = VerdictRecord(
            commitment=draft, verdict=Verdict.ON_TRACK, reason="Works began.", source_document=draft.source
        )
        services.save_part(verdict, user=None, expected_version=Commitment.objects.get(pk=draft.pk).version)
        drafts.append(draft)
    return drafts


def test_publishing_reads_and_writes_in_batches_whatever_their_number():
    parent = CommitmentFactory(progress_method=ProgressMethod.CHILDREN)
    few, many = drafts_with_records(2, parent), drafts_with_records(8, parent)

    def queries(drafts):
        with CaptureQueriesContext(connection) as context:
            assert services.set_published(drafts, True, user=None) == len(drafts)
        return len(context.captured_queries)

    assert queries(few) == queries(many)
    for draft in [*few, *many]:
        draft.refresh_from_db()
        assert draft.evidence_sources and draft.last_checked  # its public updates count once it is published
    parent.refresh_from_db()
    assert parent.progress == round(sum([*range(2), *range(8)]) / 10)  # every child counts, each weighing 1


def test_no_full_collection_runs_during_a_write_and_the_collector_is_as_before_after_it_even_after_a_refusal():
    before = gc.get_threshold()
    draft = CommitmentFactory(published=False)
    blocked = CommitmentFactory(published=False)
    SourceDocument.objects.filter(pk=blocked.source_id).update(draft=True)
    seen = []
    with services.write():
        seen.append(gc.get_threshold())
        services.set_published([draft], True, user=None)  # a write within it ends
        seen.append(gc.get_threshold())
    assert seen == [(*before[:2], services.NEVER)] * 2 and gc.get_threshold() == before
    with pytest.raises(ValidationError):
        services.set_published([blocked], True, user=None)
    assert gc.get_threshold() == before


def test_writes_that_overlap_in_two_threads_pause_full_collections_until_the_last_of_them_ends():
    before = gc.get_threshold()
    first, second = services._collector_paused(), services._collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[2] == services.NEVER
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_a_draft_source_stops_the_whole_publication():
    ready = CommitmentFactory(published=False)
    blocked = CommitmentFactory(published=False)
    SourceDocument.objects.filter(pk=blocked.source_id).update(draft=True)
    with pytest.raises(ValidationError, match="still a draft"):
        services.set_published([ready, blocked], True, user=None)
    assert not Commitment.objects.filter(pk__in=[ready.pk, blocked.pk], published=True).exists()


def test_moving_a_child_to_another_parent_refreshes_both(client, editor):
    old, children = children_parent(a=(100, True), b=(0, True))
    new = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, title="New parent")
    client.force_login(editor)
    assert save_in_admin(client, children["b"], parent=new.pk).status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.progress, new.progress) == (100, 0)


def test_deleting_a_child_or_a_milestone_refreshes_the_parent(client, editor):
    parent, children = children_parent(a=(100, True), b=(0, True))
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_delete", args=[children["b"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    parent.refresh_from_db()
    assert parent.progress == 100

    by_milestones = CommitmentFactory(progress_method=ProgressMethod.MILESTONES)
    MilestoneFactory(commitment=by_milestones, completed_date=datetime.date(2025, 5, 1))
    pending = MilestoneFactory(commitment=by_milestones)
    by_milestones.refresh_from_db()
    assert by_milestones.progress == 50
    url = reverse("admin:commitments_milestone_delete", args=[pending.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    by_milestones.refresh_from_db()
    assert by_milestones.progress == 100


def test_deleting_a_parent_refreshes_its_childrens_cached_pages(client, editor):
    parent = CommitmentFactory(title="Doomed parent", slug="doomed-parent")
    child = CommitmentFactory(parent=parent)
    assert b"doomed-parent" in client.get(child.get_absolute_url()).content  # now cached
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_delete", args=[parent.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    client.logout()
    assert b"doomed-parent" not in client.get(child.get_absolute_url()).content


def test_editing_a_source_text_moves_its_quotes(client, editor):
    commitment = CommitmentFactory()
    source = commitment.source
    client.force_login(editor)
    url = reverse("admin:commitments_sourcedocument_change", args=[source.pk])
    form = {
        "title": source.title,
        "slug": source.slug,
        "date": "2025-02-21",
        "speaker": source.speaker,
        "kind": source.kind,
        "language": "en",
        "text": "A new opening sentence. " + source.text,
    }
    assert client.get(source.get_absolute_url()).status_code == 200  # cached before the edit
    assert client.post(url, form).status_code == 302
    commitment.refresh_from_db()
    source.refresh_from_db()
    assert source.text[commitment.quote_start : commitment.quote_end] == commitment.quote
    assert commitment.quote_start == len("A new opening sentence. ")
    page = client.get(source.get_absolute_url()).content.decode()
    assert "A new opening sentence." in page


def test_a_source_text_that_loses_a_quote_is_refused_naming_the_commitment(client, editor):
    commitment = CommitmentFactory(title="The northern road")
    source = commitment.source
    client.force_login(editor)
    url = reverse("admin:commitments_sourcedocument_change", args=[source.pk])
    form = {"title": source.title, "slug": source.slug, "date": "2025-02-21", "speaker": source.speaker}
    response = client.post(url, {**form, "kind": source.kind, "text": "Nothing about roads any more."})
    assert response.status_code == 200
    assert "no longer in the text: The northern road" in response.content.decode()
    source.refresh_from_db()
    assert commitment.quote in source.text


# --- No lost edits -------------------------------------------------------------------------------------------


def test_a_milestone_saved_meanwhile_makes_an_open_commitment_form_stale(client, editor):
    commitment = CommitmentFactory()
    milestone = MilestoneFactory(commitment=commitment)
    commitment.refresh_from_db()
    opened = admin_change_form(commitment, **milestone_rows(commitment))
    client.force_login(editor)
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    form = {"commitment": commitment.pk, "title_en": milestone.title, "order": "0", "completed_date": "2025-05-05"}
    assert client.post(url, {**form, "expected_version": commitment.version}).status_code == 302
    stale = client.post(reverse("admin:commitments_commitment_change", args=[commitment.pk]), opened)
    assert stale.status_code == 200
    assert "Someone else saved this commitment" in stale.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_date == datetime.date(2025, 5, 5)


@pytest.mark.parametrize("admin_form", ["commitment", "milestone"])
def test_an_admin_form_without_a_version_is_refused(client, editor, admin_form):
    commitment = CommitmentFactory()
    milestone = MilestoneFactory(commitment=commitment)
    client.force_login(editor)
    if admin_form == "commitment":
        url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
        data = admin_change_form(commitment, title_en="Without a version")
    else:
        url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
        data = {"commitment": commitment.pk, "title_en": "Without a version", "order": "0"}
    data.pop("expected_version", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Commitment.objects.filter(title="Without a version").exists()
    assert not Milestone.objects.filter(title="Without a version").exists()


def test_a_publish_without_a_version_is_refused(client, editor):
    draft = CommitmentFactory(published=False)
    client.force_login(editor)
    client.post(reverse("commitments:staff_publish", args=[draft.slug]), {"published": "1"})
    draft.refresh_from_db()
    assert not draft.published


# --- Every path, the same rules ------------------------------------------------------------------------------------


def milestone_commitment():
    commitment = CommitmentFactory(progress_method=ProgressMethod.MILESTONES, slug="walked")
    MilestoneFactory(commitment=commitment, title="First")
    MilestoneFactory(commitment=commitment, title="Second")
    commitment.refresh_from_db()
    return commitment


def through_admin_inline(client, commitment, editor):
    client.force_login(editor)
    rows = milestone_rows(commitment)
    rows["milestones-0-completed_date"] = "2025-05-01"
    assert save_in_admin(client, commitment, **rows).status_code == 302


def through_admin_milestone_form(client, commitment, editor):
    client.force_login(editor)
    milestone = commitment.milestones.order_by("pk").first()
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    form = {"commitment": commitment.pk, "title_en": milestone.title, "order": milestone.order}
    form.update(completed_date="2025-05-01", expected_version=commitment.version)
    assert client.post(url, form).status_code == 302


def through_admin_import(client, commitment, editor):
    resource = resources.MilestoneResource()
    dataset = resource.export(queryset=commitment.milestones.order_by("pk")[:1])
    dataset.dict = [{**row, "completed_date": "2025-05-01"} for row in dataset.dict]
    result = resources.MilestoneResource().import_data(dataset, dry_run=False, user=editor)
    assert not result.has_errors() and not result.has_validation_errors()


def complete_first_behind_the_services_back(commitment):
    """Set up a derived figure that is out of date, which the next write through any path must correct."""
    Milestone.objects.filter(commitment=commitment, title="First").update(completed_date=datetime.date(2025, 5, 1))


def through_admin_delete(client, commitment, editor):
    client.force_login(editor)
    complete_first_behind_the_services_back(commitment)
    extra = Milestone.objects.create(commitment=commitment, title="Extra")
    response = client.post(reverse("admin:commitments_milestone_delete", args=[extra.pk]), {"post": "yes"})
    assert response.status_code == 302


def through_staff_form(client, commitment, editor):
    client.force_login(editor)
    complete_first_behind_the_services_back(commitment)
    response = post_progress(client, commitment, status="stalled", progress="", text="Stopped.")
    assert response.status_code == 302


def through_publishing(client, commitment, editor):
    client.force_login(editor)
    complete_first_behind_the_services_back(commitment)
    services.set_published([commitment], False, user=editor)
    commitment.refresh_from_db()
    form = {"published": "1", "version": commitment.version}
    assert client.post(reverse("commitments:staff_publish", args=[commitment.slug]), form).status_code == 302


def through_catalogue_import(client, commitment, editor):
    import_catalogue(data=catalogue_of(commitment, first_done=None))  # the file takes the row as it is
    import_catalogue(data=catalogue_of(commitment, first_done=datetime.date(2025, 5, 1)))


def catalogue_of(commitment, first_done):
    return {
        "source": {
            "slug": commitment.source.slug, "title": commitment.source.title, "date": commitment.source.date,
            "speaker": commitment.source.speaker, "kind": commitment.source.kind, "text": commitment.source.text,
        },
        "commitments": [
            {
                "slug": commitment.slug, "title": commitment.title, "pillar": commitment.pillar.slug,
                "party": commitment.party, "kind": commitment.kind, "quote": commitment.quote, "published": True,
                "progress_method": "milestones", "target_date": commitment.target_date,
                "summary": commitment.summary,
                "milestones": [{"title": "First", "completed_date": first_done}, {"title": "Second"}],
            }
        ],
    }  # fmt: skip


def through_restore(client, commitment, editor):
    stream = io.StringIO()
    backup.write_backup(stream)
    snapshot = json.loads(stream.getvalue())
    for row in snapshot["objects"]:
        if row["model"] == "commitments.milestone" and row["fields"]["title"] == "First":
            row["fields"]["completed_date"] = "2025-05-01"
    for model in reversed(backup.backed_up_models()):
        if model._meta.label_lower != "auth.group":
            model._default_manager.all().delete()
    backup.restore_backup(snapshot)


@pytest.mark.parametrize(
    "write",
    [
        through_admin_inline,
        through_admin_milestone_form,
        through_admin_import,
        through_admin_delete,
        through_staff_form,
        through_publishing,
        through_catalogue_import,
        through_restore,
    ],
)
def test_every_write_path_applies_the_same_rules(client, editor, write):
    commitment = milestone_commitment()
    assert commitment.progress == 0
    page = client.get(commitment.get_absolute_url()).content.decode()  # cached now
    assert "50%" not in page

    write(client, commitment, editor)

    commitment = Commitment.objects.get(slug="walked")
    assert commitment.progress == 50  # the progress rule ran
    assert consistent(commitment)  # status and progress as the timeline gives them
    if write is not through_restore:
        assert commitment.version > 1  # a form opened before the write is now stale
    client.logout()
    assert "50%" in client.get(commitment.get_absolute_url()).content.decode()  # the cached page followed


def test_a_write_records_its_author_in_the_history(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment, status="in_progress", text="Started.")
    assert commitment.history.latest().history_user == editor
    assert ProgressUpdate.history.latest().history_user == editor


def test_an_import_preview_writes_nothing_and_leaves_the_cache(editor):
    commitment = milestone_commitment()
    dataset = resources.MilestoneResource().export(queryset=commitment.milestones.all())
    dataset.dict = [{**row, "completed_date": "2025-05-01"} for row in dataset.dict]
    result = resources.MilestoneResource().import_data(tablib.Dataset(*dataset, headers=dataset.headers),
                                                       dry_run=True, user=editor)  # fmt: skip
    assert not result.has_errors()
    commitment.refresh_from_db()
    assert commitment.progress == 0
    assert not Milestone.objects.filter(completed_date__isnull=False).exists()


def test_feed_entries_are_dated_by_their_update(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment, status="in_progress", date="2025-03-04", text="Started.")
    client.logout()
    feed = client.get(reverse("commitments:commitment_feed", args=[commitment.slug])).content.decode()
    assert "<published>2025-03-04T00:00:00+00:00</published>" in feed


def test_a_corrected_source_text_keeps_a_quote_an_editor_changed():
    data = read_catalogue(CATALOGUE)
    import_catalogue(data=copy.deepcopy(data))
    ml1 = Commitment.objects.get(slug=ML1)
    ml1.quote = "the Main Line-1 railway project"  # an editor narrows the quote
    services.save_commitment(ml1, user=None, expected_version=ml1.version)
    data["source"]["text"] = "A corrected heading.\n" + data["source"]["text"]
    import_catalogue(data=data)
    ml1.refresh_from_db()
    assert ml1.quote == "the Main Line-1 railway project"
    assert ml1.source.text[ml1.quote_start : ml1.quote_end] == ml1.quote
