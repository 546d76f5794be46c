"""Pages for signed-in staff: what is slipping, and recording progress. Never cached, never public."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from .. import services
from ..cache import count_of_site, of_site_query
from ..concurrency import MissingVersion
from ..exports import SafeExportMixin
from ..filters import StaffCommitmentFilter
from ..forms import CheckForm, ProgressForm, VerdictForm
from ..history import status_timeline
from ..models import Check, Commitment, EvidenceSource, Follow, Indicator, Milestone, ProgressUpdate
from ..models.commitments import long_texts
from ..tables import (
    ChangeTable,
    DraftTable,
    MilestoneTable,
    QueueTable,
    SearchedTableMixin,
    StaffCommitmentTable,
    UpdateTable,
)
from ..vocabulary import Status
from .access import PermissionRequiredMixin, permission_required

STAFF_PERMISSION = "commitments.view_draft"
BOARD_COLUMN_LENGTH = 12


class StaffMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to sign in; signed-in people without a staff role get 403."""

    permission_required = STAFF_PERMISSION


class StaffExportMixin(SafeExportMixin):
    table_pagination = {"per_page": 50}


def staff_commitments():
    return Commitment.objects.for_listing("owner", "owner__username").select_related("owner").with_last_update()


class StaffCommitmentListView(StaffMixin, StaffExportMixin, SearchedTableMixin, SingleTableMixin, FilterView):
    """All commitments, drafts included; the lists below narrow it."""

    table_class = StaffCommitmentTable
    filterset_class = StaffCommitmentFilter
    template_name = "staff/commitment_list.html"
    export_name = "commitments"
    heading = _("All commitments")
    intro = _("Every commitment, drafts included.")

    def get_queryset(self):
        return self.narrow(staff_commitments())

    def narrow(self, commitments):
        return commitments

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, intro=self.intro, **kwargs)


class OverdueView(StaffCommitmentListView):
    export_name = "overdue"
    heading = _("Overdue")
    intro = _("Target date passed, not completed or cancelled.")

    def narrow(self, commitments):
        return commitments.overdue().order_by("target_date")

    def get_table_kwargs(self):
        return {"order_by": ()}


class StaleView(StaffCommitmentListView):
    """The verification queue: what nobody has looked at for a while, with a one-click "checked, nothing new"."""

    table_class = QueueTable
    export_name = "verification-queue"
    heading = _("Verification queue")

    @property
    def intro(self):
        return _(
            "Published promises nobody has checked for more than %(days)d days, the longest unchecked first. "
            "“Checked, nothing new” records who checked, when and against which source."
        ) % {"days": settings.STALE_AFTER_DAYS}

    def narrow(self, commitments):
        return commitments.verification_queue(settings.STALE_AFTER_DAYS).with_latest_source()

    def get_table_kwargs(self):
        return {"order_by": (), "can_check": self.request.user.has_perm("commitments.add_check")}


class MineView(StaffCommitmentListView):
    export_name = "assigned-to-me"
    heading = _("Assigned to me")
    intro = _("The commitments you own.")

    def narrow(self, commitments):
        return commitments.filter(owner=self.request.user)


class DraftsView(StaffCommitmentListView):
    table_class = DraftTable
    export_name = "drafts"
    heading = _("Drafts")
    intro = _("Unpublished commitments. Editors publish them from each commitment's staff page.")

    def narrow(self, commitments):
        return commitments.drafts()


class MilestonesView(StaffMixin, StaffExportMixin, SingleTableView):
    table_class = MilestoneTable
    template_name = "staff/table_page.html"
    export_name = "milestones"

    def get_queryset(self):
        horizon = timezone.localdate() + datetime.timedelta(days=settings.MILESTONE_HORIZON_DAYS)
        return Milestone.objects.due_before(horizon).select_related("commitment").defer(*long_texts("commitment__"))

    def get_table_kwargs(self):
        return {"today": timezone.localdate()}

    def get_context_data(self, **kwargs):
        intro = _("Milestones overdue, and those due in the next %(days)d days.") % {
            "days": settings.MILESTONE_HORIZON_DAYS
        }
        return super().get_context_data(heading=_("Milestones"), intro=intro, **kwargs)


class RecentChangesView(StaffMixin, StaffExportMixin, SingleTableView):
    table_class = ChangeTable
    template_name = "staff/table_page.html"
    export_name = "recent-changes"

    def get_queryset(self):
        return Commitment.history.select_related("history_user")

    def get_context_data(self, **kwargs):
        intro = _("The latest edits of commitments, through any path, with who made them.")
        return super().get_context_data(heading=_("Recently changed"), intro=intro, **kwargs)


class RecentUpdatesView(StaffMixin, StaffExportMixin, SingleTableView):
    table_class = UpdateTable
    template_name = "staff/table_page.html"
    export_name = "recent-updates"

    def get_queryset(self):
        return ProgressUpdate.objects.select_related("commitment", "author")

    def get_context_data(self, **kwargs):
        intro = _("The latest progress updates, public and internal, with who recorded them.")
        return super().get_context_data(heading=_("Recent updates"), intro=intro, **kwargs)


class BoardView(StaffMixin, FilterView):
    """Commitments by status at a glance, with the lists that need attention."""

    filterset_class = StaffCommitmentFilter
    template_name = "staff/board.html"

    def get_queryset(self):
        return Commitment.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counts over every commitment are kept for each version of the site's content (every write moves it, a
        # draft's included): each costs a pass over an index. The columns are read afresh, from an index each.
        commitments = context["filter"].qs
        by_status = commitments.order_by().values_list("status").annotate(n=Count("pk"))
        counts = dict(of_site_query("board-counts", by_status))
        context["columns"] = [
            (
                status,
                counts.get(status.value, 0),
                commitments.filter(status=status).order_by("title")[:BOARD_COLUMN_LENGTH],
            )
            for status in Status
        ]
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=settings.MILESTONE_HORIZON_DAYS)
        context["attention"] = {
            "overdue": count_of_site(commitments.overdue(today)),
            "stale": count_of_site(commitments.verification_queue(settings.STALE_AFTER_DAYS, today)),
            "mine": commitments.filter(owner=self.request.user).count(),
            "drafts": count_of_site(commitments.drafts()),
            "milestones": count_of_site(self.milestones_due(horizon, commitments)),
        }
        return context

    def milestones_due(self, horizon, commitments):
        due = Milestone.objects.due_before(horizon)
        # Unfiltered, every commitment counts: no need to ask the database which ones.
        return due.filter(commitment__in=commitments) if self.filterset.is_bound else due


def staff_commitment_context(request, commitment, form=None, verdict_form=None):
    can_edit = request.user.has_perm("commitments.add_progressupdate")
    if can_edit and form is None:
        form = ProgressForm(commitment=commitment)
    can_judge = request.user.has_perm("commitments.add_verdictrecord") and commitment.is_promise
    return {
        "commitment": commitment,
        "form": form if can_edit else None,
        "verdict_form": (verdict_form or VerdictForm()) if can_judge else None,
        "can_publish": request.user.has_perm("commitments.publish_commitment"),
        "following": Follow.objects.filter(user=request.user, commitment=commitment).exists(),
        "timeline": status_timeline(commitment.updates.all()),
        "today": timezone.localdate(),
    }


def get_staff_commitment(slug):
    commitments = Commitment.objects.select_related("pillar", "theme", "source", "parent", "owner").prefetch_related(
        "milestones",
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author", "source_document")),
        "children",
    )
    return get_object_or_404(commitments, slug=slug)


@permission_required(STAFF_PERMISSION)
def commitment_detail(request, slug):
    commitment = get_staff_commitment(slug)
    return render(request, "staff/commitment_detail.html", staff_commitment_context(request, commitment))


@require_POST
@permission_required("commitments.add_progressupdate")
def record_progress_view(request, slug):
    commitment = get_staff_commitment(slug)
    form = ProgressForm(request.POST, commitment=commitment)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_progress(
                commitment=commitment,
                author=request.user,
                date=data["date"],
                text=data["text"],
                source_kind=data["source_kind"],
                source_url=data["source_url"],
                source_document=data["source_document"],
                status=data["status"],
                progress=data["progress"],
                public=data["public"],
                measurement=form.measurement(),
                expected_version=data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("commitments:staff_commitment", slug=slug)
    context = staff_commitment_context(request, commitment, form)
    return render(request, "staff/commitment_detail.html", context, status=400)


@require_POST
@permission_required("commitments.publish_commitment")
def publish_view(request, slug):
    commitment = get_object_or_404(Commitment, slug=slug)
    publish = request.POST.get("published") == "1"
    version = request.POST.get("version", "")
    try:
        if not (version.isascii() and version.isdigit()):
            raise MissingVersion()
        services.set_published([commitment], publish, user=request.user, expected_version=int(version))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published.") if publish else _("Returned to draft."))
    return redirect(safe_next(request, reverse("commitments:staff_commitment", args=[slug])))


@require_POST
@permission_required(STAFF_PERMISSION)
def follow_view(request, slug):
    commitment = get_object_or_404(Commitment, slug=slug)
    if request.POST.get("follow") == "1":
        Follow.objects.get_or_create(user=request.user, commitment=commitment)
        messages.success(request, _("You follow this commitment; its changes come in your daily digest."))
    else:
        Follow.objects.filter(user=request.user, commitment=commitment).delete()
        messages.success(request, _("You no longer follow this commitment."))
    return redirect("commitments:staff_commitment", slug=slug)


@require_POST
@permission_required("commitments.add_check")
def check_view(request, slug):
    """ "Checked, nothing new": who checked, when, and against which source."""
    commitment = get_object_or_404(Commitment, slug=slug)
    form = CheckForm(request.POST)
    if form.is_valid():
        check = Check(commitment=commitment, checked_by=request.user, **form.cleaned_data)
        try:
            services.save_part(check, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Recorded: “%(title)s” checked today.") % {"title": commitment.title})
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(safe_next(request, "commitments:staff_stale"))


@require_POST
@permission_required("commitments.add_verdictrecord")
def verdict_view(request, slug):
    """An editor's verdict, or its withdrawal, with a reason and a source."""
    commitment = get_staff_commitment(slug)
    form = VerdictForm(request.POST)
    if form.is_valid():
        try:
            services.save_part(form.record(commitment, request.user), user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Verdict recorded."))
            return redirect("commitments:staff_commitment", slug=slug)
    context = staff_commitment_context(request, commitment, verdict_form=form)
    return render(request, "staff/commitment_detail.html", context, status=400)


def safe_next(request, fallback):
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return fallback


@permission_required(STAFF_PERMISSION)
def archived_copy(request, pk):
    """The copy of a cited page kept when it was read, for staff: it is still here when the link dies. An HTML
    copy is a download, and every copy is sandboxed, so that no script in it runs on this site."""
    evidence = get_object_or_404(EvidenceSource.objects.exclude(archive=""), pk=pk)
    content_type = evidence.archive_content_type or "application/octet-stream"
    response = FileResponse(
        evidence.archive.open("rb"),
        content_type=content_type,
        as_attachment=content_type == "text/html",
        filename=evidence.archive.name.rsplit("/", 1)[-1],
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
