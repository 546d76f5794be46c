import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, Measurement, ProgressUpdate
from commitments.vocabulary import ProgressMethod, Status

from .factories import (
    CommitmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    SourceDocumentFactory,
    ThemeFactory,
    UserFactory,
)
from .helpers import body, count_queries, post_progress, record_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    """Asked when the test runs, not at import, so that a run across midnight agrees with the views."""
    return timezone.localdate()


def test_editor_records_progress_and_moves_status_in_one_step(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED, progress=None)
    client.force_login(editor)
    response = post_progress(client, commitment)
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.progress == 25
    update = commitment.updates.latest()
    assert (update.status, update.progress, update.author, update.public) == (Status.IN_PROGRESS, 25, editor, True)


def test_status_change_without_a_note_is_refused(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED, progress=None)
    client.force_login(editor)
    response = post_progress(client, commitment, text="")
    assert response.status_code == 400
    assert "A status change needs a note" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED
    assert commitment.updates.count() == 1  # only the one that recorded it as planned


def test_progress_only_update_may_have_no_note(client, editor):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS, progress=10)
    client.force_login(editor)
    post_progress(client, commitment, text="", progress="30")
    commitment.refresh_from_db()
    assert commitment.progress == 30


def test_update_without_source_is_refused_and_input_kept(client, editor):
    commitment = CommitmentFactory()
    client.force_login(editor)
    response = post_progress(client, commitment, source_url="", text="Kept text")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a source link or choose a source document." in page
    assert "Kept text" in page
    assert not ProgressUpdate.objects.filter(text="Kept text").exists()


def test_completing_sets_the_completion_date(client, editor):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    client.force_login(editor)
    post_progress(client, commitment, status="completed", progress="100", date="2025-07-01")
    commitment.refresh_from_db()
    assert commitment.status == Status.COMPLETED
    assert commitment.completion_date == datetime.date(2025, 7, 1)


def test_measurement_recorded_with_the_update(client, editor):
    commitment = CommitmentFactory()
    indicator = IndicatorFactory(commitment=commitment)
    client.force_login(editor)
    response = post_progress(client, commitment, indicator=indicator.pk, value="420", as_of="2025-05-31")
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=indicator)
    assert measurement.value == 420
    assert measurement.as_of == datetime.date(2025, 5, 31)
    assert measurement.source_url == "https://example.org/survey"


def test_negative_count_measurement_refused_and_nothing_written(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED)
    indicator = IndicatorFactory(commitment=commitment)
    client.force_login(editor)
    response = post_progress(client, commitment, indicator=indicator.pk, value="-4")
    assert response.status_code == 400
    assert "A count or amount cannot be negative." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == Status.PLANNED
    assert commitment.updates.count() == 1  # only the one that recorded it as planned
    assert not Measurement.objects.exists()


def test_value_without_indicator_is_refused(client, editor):
    commitment = CommitmentFactory()
    client.force_login(editor)
    response = post_progress(client, commitment, value="5")
    assert "Choose the indicator this value measures." in response.content.decode()


def test_viewer_cannot_record_progress(client, viewer):
    commitment = CommitmentFactory(status=Status.PLANNED)
    client.force_login(viewer)
    assert post_progress(client, commitment).status_code == 403
    assert commitment.updates.count() == 1  # only the one that recorded it as planned


def test_viewer_sees_no_progress_form(client, viewer):
    commitment = CommitmentFactory()
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_commitment", args=[commitment.slug])).content.decode()
    assert "Record progress" not in page
    assert "Publish" not in page and "Return to draft" not in page


def test_record_progress_refuses_get(client, editor):
    client.force_login(editor)
    assert client.get(record_url(CommitmentFactory())).status_code == 405


def test_parent_progress_is_the_weighted_average_of_children(client, editor):
    parent = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, progress=None)
    first = CommitmentFactory(parent=parent, weight=3, progress=0)
    CommitmentFactory(parent=parent, weight=1, progress=None)  # counts as 0
    client.force_login(editor)
    post_progress(client, first, progress="80")
    parent.refresh_from_db()
    assert parent.progress == 60  # (3 * 80 + 1 * 0) / 4


def test_roll_up_climbs_every_level(client, editor):
    top = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, progress=None)
    middle = CommitmentFactory(parent=top, progress_method=ProgressMethod.CHILDREN, progress=None)
    leaf = CommitmentFactory(parent=middle, progress=0)
    client.force_login(editor)
    post_progress(client, leaf, progress="50")
    middle.refresh_from_db()
    top.refresh_from_db()
    assert (middle.progress, top.progress) == (50, 50)


def test_milestone_rule_counts_completed_milestones(editor, client):
    commitment = CommitmentFactory(progress_method=ProgressMethod.MILESTONES, progress=None)
    MilestoneFactory(commitment=commitment, completed_date=datetime.date(2025, 1, 1))
    MilestoneFactory(commitment=commitment)
    MilestoneFactory(commitment=commitment)
    MilestoneFactory(commitment=commitment, completed_date=datetime.date(2025, 2, 1))
    client.force_login(editor)
    post_progress(client, commitment, progress="")
    commitment.refresh_from_db()
    assert commitment.progress == 50


def test_computed_progress_cannot_be_set_by_hand(client, editor):
    commitment = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, progress=None)
    client.force_login(editor)
    response = post_progress(client, commitment, progress="90")
    assert response.status_code == 400
    assert "cannot be set by hand" in response.content.decode()


def test_admin_milestone_edit_rolls_progress_up(client, editor):
    commitment = CommitmentFactory(progress_method=ProgressMethod.MILESTONES, progress=None)
    milestone = MilestoneFactory(commitment=commitment)
    MilestoneFactory(commitment=commitment)
    client.force_login(editor)
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    commitment.refresh_from_db()
    data = {"commitment": commitment.pk, "title_en": milestone.title, "due_date": "2026-01-01"}
    data["expected_version"] = commitment.version
    data.update(completed_date="2025-12-01", order="0")
    assert client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.progress == 50


def test_public_page_states_the_progress_rule_and_weights(client):
    parent = CommitmentFactory(progress_method=ProgressMethod.CHILDREN, progress=0)
    CommitmentFactory(parent=parent, weight=2.5, title="Heavier part")
    page = client.get(parent.get_absolute_url()).content.decode()
    assert "weighted average" in page
    assert "counts as 0" in page
    assert "Heavier part" in page and "2.5" in page


def test_board_groups_by_status_and_filters_by_owner(client, viewer):
    owner = UserFactory(username="owner", is_staff=True)
    CommitmentFactory(title="Owned road", status=Status.STALLED, owner=owner)
    CommitmentFactory(title="Other road", status=Status.STALLED)
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_board"), {"owner": owner.pk}).content.decode()
    assert "Owned road" in page
    assert "Other road" not in page


def test_overdue_list_shows_only_late_unfinished(client, viewer, today):
    CommitmentFactory(title="Late one", target_date=today - datetime.timedelta(days=3))
    CommitmentFactory(title="On time", target_date=today + datetime.timedelta(days=30))
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_overdue")).content.decode()
    assert "Late one" in page and "On time" not in page


def test_stale_list_oldest_first_and_skips_watched(client, viewer, settings, today):
    settings.STALE_AFTER_DAYS = 90
    old = CommitmentFactory(title="Forgotten long ago")
    ProgressUpdateFactory(commitment=old, date=today - datetime.timedelta(days=400))
    older_but_newer = CommitmentFactory(title="Forgotten recently")
    ProgressUpdateFactory(commitment=older_but_newer, date=today - datetime.timedelta(days=120))
    watched = CommitmentFactory(title="Watched one")
    ProgressUpdateFactory(commitment=watched, date=today - datetime.timedelta(days=5))
    CommitmentFactory(title="Never updated")
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_stale")).content.decode()
    assert "Watched one" not in page
    assert page.index("Never updated") < page.index("Forgotten long ago") < page.index("Forgotten recently")


def test_stale_threshold_is_configurable(client, viewer, settings, today):
    commitment = CommitmentFactory(title="Quiet for a month")
    ProgressUpdateFactory(commitment=commitment, date=today - datetime.timedelta(days=30))
    client.force_login(viewer)
    settings.STALE_AFTER_DAYS = 60
    assert "Quiet for a month" not in client.get(reverse("commitments:staff_stale")).content.decode()
    settings.STALE_AFTER_DAYS = 20
    assert "Quiet for a month" in client.get(reverse("commitments:staff_stale")).content.decode()


def test_assigned_to_me_lists_only_my_commitments(client, editor):
    CommitmentFactory(title="Mine", owner=editor)
    CommitmentFactory(title="Theirs")
    client.force_login(editor)
    page = client.get(reverse("commitments:staff_mine")).content.decode()
    assert "Mine" in page and "Theirs" not in page


def test_milestones_page_lists_overdue_and_coming_up(client, viewer, today):
    MilestoneFactory(title="Missed step", due_date=today - datetime.timedelta(days=2))
    MilestoneFactory(title="Next step", due_date=today + datetime.timedelta(days=30))
    MilestoneFactory(title="Far step", due_date=today + datetime.timedelta(days=200))
    MilestoneFactory(title="Done step", due_date=today, completed_date=today)
    client.force_login(viewer)
    table = client.get(reverse("commitments:staff_milestones")).context["table"]
    # The state column, not the page: "Overdue" is also a link in the staff navigation.
    assert {row.record.title: row.get_cell("state") for row in table.rows} == {
        "Missed step": "Overdue",
        "Next step": "Coming up",
    }


def test_recent_changes_show_who_made_them(client, editor):
    commitment = CommitmentFactory(title="Changed road", status=Status.PLANNED)
    client.force_login(editor)
    post_progress(client, commitment)
    table = client.get(reverse("commitments:staff_changes")).context["table"]
    # The "By" column, not the page: the navigation shows the signed-in username on every page.
    assert ("Changed road", "editor") in [(row.record.title, str(row.get_cell("history_user"))) for row in table.rows]


def test_drafts_list_and_publish(client, editor):
    draft = CommitmentFactory(title="Draft road", published=False)
    CommitmentFactory(title="Public road")
    client.force_login(editor)
    page = client.get(reverse("commitments:staff_drafts")).content.decode()
    assert "Draft road" in page and "Public road" not in page
    client.post(reverse("commitments:staff_publish", args=[draft.slug]), {"published": "1", "version": draft.version})
    draft.refresh_from_db()
    assert draft.published
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.post(reverse("commitments:staff_publish", args=[draft.slug]), {"published": "0", "version": draft.version})
    draft.refresh_from_db()
    assert not draft.published


def test_viewer_cannot_publish(client, viewer):
    draft = CommitmentFactory(published=False)
    client.force_login(viewer)
    assert client.post(reverse("commitments:staff_publish", args=[draft.slug]), {"published": "1"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.published


def test_staff_page_shows_drafts_and_internal_notes(client, viewer):
    draft = CommitmentFactory(published=False, internal_notes="Ask the ministry again")
    ProgressUpdateFactory(commitment=draft, public=False, text="Internal check-in")
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_commitment", args=[draft.slug])).content.decode()
    assert "Ask the ministry again" in page and "Internal check-in" in page


def test_staff_lists_export_csv(client, viewer, today):
    CommitmentFactory(title="Exported road", target_date=today - datetime.timedelta(days=1))
    client.force_login(viewer)
    response = client.get(reverse("commitments:staff_overdue"), {"_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "Exported road" in body(response).decode()


@pytest.mark.parametrize(
    "name",
    [
        "staff_board", "staff_commitments", "staff_overdue", "staff_stale", "staff_mine", "staff_drafts",
        "staff_milestones", "staff_changes", "staff_updates",
    ],
)  # fmt: skip
def test_staff_lists_issue_a_fixed_number_of_queries(client, viewer, name, today):
    source = SourceDocumentFactory()
    client.force_login(viewer)

    def add(n):
        for _ in range(n):
            c = CommitmentFactory(source=source, owner=viewer, target_date=today - datetime.timedelta(days=1))
            MilestoneFactory(commitment=c, due_date=today)
            ProgressUpdateFactory(commitment=c, date=today - datetime.timedelta(days=200))

    add(3)
    url = reverse(f"commitments:{name}")
    small = count_queries(client, url)
    add(40)
    assert count_queries(client, url) == small
    assert Commitment.objects.count() == 43


def test_editor_publishes_a_draft_from_the_drafts_list(client, editor):
    draft = CommitmentFactory(title="Draft bridge", published=False)
    client.force_login(editor)
    drafts = reverse("commitments:staff_drafts") + "?q=bridge&sort=title"
    page = client.get(drafts).content.decode()
    assert reverse("commitments:staff_publish", args=[draft.slug]) in page
    # The button sends the reader back to the list as it was, its query escaped once in the page.
    [back] = re.findall(r'name="next" value="([^"]*)"', page)
    assert html.unescape(back) == drafts
    form = {"published": "1", "next": html.unescape(back), "version": draft.version}
    response = client.post(reverse("commitments:staff_publish", args=[draft.slug]), form)
    assert response["Location"] == drafts
    draft.refresh_from_db()
    assert draft.published


def test_viewer_sees_no_publish_button_on_the_drafts_list(client, viewer):
    draft = CommitmentFactory(published=False)
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_drafts")).content.decode()
    assert reverse("commitments:staff_publish", args=[draft.slug]) not in page


def test_board_filters_by_publication_in_words_and_counts_one_milestone_in_the_singular(client, viewer, today):
    CommitmentFactory(title="Public road")
    draft = CommitmentFactory(title="Draft road", published=False)
    MilestoneFactory(commitment=draft, due_date=today)
    client.force_login(viewer)
    page = client.get(reverse("commitments:staff_board")).content.decode()
    assert "Unknown" not in page
    assert ">Published and drafts<" in page and ">Drafts<" in page
    assert "<strong>1</strong> milestone overdue or due soon" in page
    drafts_only = client.get(reverse("commitments:staff_board"), {"published": "false"}).context["filter"].qs
    assert list(drafts_only.values_list("title", flat=True)) == ["Draft road"]


def test_progress_form_shows_no_version_label_and_cites_no_source_until_chosen(client, editor):
    commitment = CommitmentFactory()
    client.force_login(editor)
    page = client.get(reverse("commitments:staff_commitment", args=[commitment.slug])).content.decode()
    assert ">Version<" not in page
    assert 'name="version"' in page
    choices = page.split('name="source_document"')[1].split("</select>")[0]
    assert f'value="{commitment.source.pk}" selected' not in choices and 'value="" selected' in choices


def test_the_filters_list_a_pillar_and_a_theme_as_soon_as_they_are_saved(client, viewer, editor):
    """The lists of pillars and themes in the filters are kept for each version of the site's content: a pillar
    or theme saved through the services layer moves that version, so the next page lists it."""
    client.force_login(viewer)
    theme = ThemeFactory(name="Mining")
    assert "Mining" in client.get(reverse("commitments:staff_commitments")).content.decode()
    theme.name = "Seabed survey"
    services.save_shared(theme, user=editor)
    page = client.get(reverse("commitments:staff_commitments")).content.decode()
    assert "Seabed survey" in page and "Mining" not in page
    public = client.get(reverse("commitments:commitment_list")).content.decode()
    assert "Seabed survey" in public
