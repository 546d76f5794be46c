from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from . import import_jobs, resources, services
from .admin_guard import ChangelistGuardMixin
from .concurrency import StaleEdit, lock_current
from .exports import SafeCSV, SafeXLSX
from .models import (
    Check,
    Commitment,
    EvidenceSource,
    ImportJob,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    SourceDocument,
    Statement,
    Theme,
    VerdictRecord,
)
from .services import owner_id
from .uploads import check_upload
from .vocabulary import VerdictKind

admin.site.site_header = _("Commitment tracker administration")
admin.site.site_title = _("Commitment tracker")
admin.site.index_title = _("Data entry")


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        upload.rows = check_upload(upload) - 1  # less the header
        return upload


class StrictImportExportMixin(ImportExportMixin):
    """CSV and XLSX import with a preview; any invalid row, at preview or at confirm, writes nothing."""

    import_form_class = LimitedImportForm
    import_template_name = "admin/commitments/import.html"
    from_encoding = "utf-8-sig"

    @property
    def formats(self):
        return [SafeCSV, SafeXLSX]

    def import_action(self, request, **kwargs):
        """A file of more rows than a request can handle in time is previewed by an import job."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid() and form.cleaned_data["import_file"].rows > settings.IMPORT_BACKGROUND_ROWS:
                upload = form.cleaned_data["import_file"]
                job = ImportJob.objects.create(
                    user=request.user,
                    model=self.model._meta.label_lower,
                    file_name=upload.name,
                    file_format=int(form.cleaned_data["format"]),
                    data=upload.read(),
                    rows=upload.rows,
                )
                return self.run_import_job(request, job)
        return super().import_action(request, **kwargs)

    def run_import_job(self, request, job):
        import_format = self.get_import_formats()[job.file_format]()
        if not import_format.is_binary():
            import_format.encoding = self.from_encoding
        import_jobs.start(job, self.get_import_resource_classes(request)[0], import_format)
        return redirect(f"admin:{job.model.replace('.', '_')}_import_job", job_pk=job.pk)

    def get_urls(self):
        name = "{}_{}_import_job".format(*self.get_model_info())
        view = self.admin_site.admin_view(self.import_job_view)
        return [path("import/jobs/<int:job_pk>/", view, name=name), *super().get_urls()]

    def import_job_view(self, request, job_pk):
        """An import job's progress and outcome; confirming a clean preview starts the import."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_pk, user=request.user, model=self.model._meta.label_lower)
        if request.method == "POST":
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job.pk)
                if job.state != ImportJob.State.PREVIEWED:
                    messages.error(request, _("Only a preview without problems can be imported, once."))
                    return redirect(request.path)
                job.state = ImportJob.State.CONFIRMED
                job.save(update_fields=["state"])
                copied = ["user", "model", "file_name", "file_format", "data", "rows"]
                job = ImportJob.objects.create(dry_run=False, **{name: getattr(job, name) for name in copied})
            return self.run_import_job(request, job)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "job": job,
            "done": import_jobs.rows_done(job),
            "stalled": import_jobs.stalled(job),
        }
        return TemplateResponse(request, "admin/commitments/import_job.html", context)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, UnicodeDecodeError):
            message = _("The file is not UTF-8 text. Save it as “CSV UTF-8” (or as XLSX) and try again.")
        else:
            message = _("The file could not be read as %(format)s (%(error)s). Check the format chosen.") % {
                "format": form.cleaned_data.get("format", ""),
                "error": error,
            }
        form.add_error("import_file", message)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, _("The import was rolled back and nothing was written: the file has invalid rows."))
            info = self.get_model_info()
            return redirect(f"admin:{info[0]}_{info[1]}_import")
        return super().process_result(result, request)


class ServiceWritesMixin:
    """Admin saves, inlines, deletes and list edits all go through the services layer (services.py).

    `save_model` only prepares: the object is saved with its inlines in `save_related`, in one call of
    the service, so that the rules run once on the whole change.
    """

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        parts, deleted = [], []
        for formset in formsets:
            parts.extend((formset.fk.name, part) for part in formset.save(commit=False))
            deleted.extend(formset.deleted_objects)
        for _fk, part in parts:
            if isinstance(part, (ProgressUpdate, VerdictRecord)) and not part.author_id:
                part.author = request.user
            if isinstance(part, Check) and not part.checked_by_id:
                part.checked_by = request.user
        self.save_through_services(request, form, bound_to_parent(parts, form.instance), deleted)
        form.save_m2m()

    def save_through_services(self, request, form, parts, deleted):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_through_services(request, obj)

    def delete_queryset(self, request, queryset):
        with services.write():
            for obj in queryset:
                self.delete_through_services(request, obj)


def bound_to_parent(parts, parent):
    """The inline rows, each pointed at its parent as the service reaches it: a new parent has its id only
    once the service has saved it, just before it validates and saves the rows."""
    for fk, part in parts:
        setattr(part, fk, parent)
        yield part


class SharedRowAdminMixin(ServiceWritesMixin):
    def save_through_services(self, request, form, parts, deleted):
        services.save_shared(form.instance, user=request.user, parts=parts, deleted=deleted)

    def delete_through_services(self, request, obj):
        services.delete_shared(obj, user=request.user)


class VersionCheckedForm(forms.ModelForm):
    """Carries the version of the commitment the editor opened, so a save over someone else's is refused
    (concurrency.py). A form for something that exists and has no version is refused too."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].required = True
            self.fields["expected_version"].initial = self.commitment_version()

    def commitment_id(self):
        return self.instance.pk if isinstance(self.instance, Commitment) else owner_id(self.instance)

    def commitment_version(self):
        return Commitment.objects.filter(pk=self.commitment_id()).values_list("version", flat=True).first()

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("expected_version") is not None:
            try:
                lock_current(self.commitment_id(), data["expected_version"])
            except StaleEdit as stale:
                self.data = self.data.copy()
                self.data["expected_version"] = stale.current.version
                raise
        return data


class PartAdminMixin(ServiceWritesMixin):
    form = VersionCheckedForm

    def save_through_services(self, request, form, parts, deleted):
        if isinstance(form.instance, ProgressUpdate) and form.instance.pk is None and not form.instance.author_id:
            form.instance.author = request.user
        expected = form.cleaned_data.get("expected_version")
        services.save_part(form.instance, user=request.user, expected_version=expected, parts=parts, deleted=deleted)

    def delete_through_services(self, request, obj):
        services.delete_part(obj, user=request.user)


class ThemeInline(TranslationTabularInline):
    model = Theme
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Pillar)
class PillarAdmin(ChangelistGuardMixin, SharedRowAdminMixin, StrictImportExportMixin, TranslationAdmin):
    resource_classes = [resources.PillarResource]
    list_display = ["name", "order", "slug"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(ChangelistGuardMixin, SharedRowAdminMixin, StrictImportExportMixin, TranslationAdmin):
    resource_classes = [resources.ThemeResource]
    list_display = ["name", "pillar", "order"]
    list_filter = ["pillar"]
    list_select_related = ["pillar"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SourceDocument)
class SourceDocumentAdmin(ChangelistGuardMixin, SharedRowAdminMixin, StrictImportExportMixin, admin.ModelAdmin):
    resource_classes = [resources.SourceDocumentResource]
    list_display = ["title", "date", "speaker", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "speaker", "text"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}


class StatementInline(admin.StackedInline):
    model = Statement
    extra = 0
    fields = [
        ("source", "speaker", "claim_kind"),
        "quote",
        "quote_start",
        "deliverable",
        ("quantity", "unit", "place"),
        ("target_date", "target_date_precision", "responsible_party"),
    ]
    readonly_fields = ["quote_start"]
    verbose_name_plural = _("statements: the first is its origin, later ones restate it")


class VerdictInline(admin.StackedInline):
    """An editor's verdicts and their withdrawals; the rule's own verdicts are history, not edited here."""

    model = VerdictRecord
    extra = 0
    fields = [("kind", "verdict", "judged_on"), "reason", ("source_url", "source_document"), "author"]
    readonly_fields = ["author"]
    verbose_name = _("editor's verdict")
    verbose_name_plural = _("editor's verdicts (each with a reason and a source; the rule's are in the history)")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(kind=VerdictKind.RULE)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [(k.value, k.label) for k in (VerdictKind.OVERRIDE, VerdictKind.WITHDRAWN)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class CheckInline(admin.TabularInline):
    model = Check
    extra = 0
    fields = ["checked_on", "source_url", "source_document", "note", "checked_by"]
    readonly_fields = ["checked_by"]


class MilestoneInline(TranslationTabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "due_date_precision", "completed_date", "completed_date_precision", "order"]


class IndicatorInline(TranslationTabularInline):
    model = Indicator
    extra = 0
    show_change_link = True
    fields = ["name", "slug", "unit", "measure", "key", "baseline_value", "target_value", "target_date"]
    prepopulated_fields = {"slug": ["name"]}


class ProgressUpdateInline(TranslationStackedInline):
    model = ProgressUpdate
    extra = 0
    fields = [
        ("date", "public"),
        "text",
        ("source_kind", "source_url", "source_document"),
        ("status", "progress"),
        "author",
    ]
    readonly_fields = ["author"]
    ordering = ["-date", "-created"]


@admin.action(description=_("Publish the selected commitments"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    count = services.set_published(queryset, True, user=request.user)
    modeladmin.message_user(
        request, ngettext("%d commitment published.", "%d commitments published.", count) % count, messages.SUCCESS
    )


@admin.action(description=_("Return the selected commitments to draft"), permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    count = services.set_published(queryset, False, user=request.user)
    modeladmin.message_user(
        request, ngettext("%d commitment unpublished.", "%d commitments unpublished.", count) % count, messages.SUCCESS
    )


class CommitmentAdminForm(VersionCheckedForm):
    class Meta:
        model = Commitment
        fields = ["title"]  # the admin replaces this with the fields of CommitmentAdmin.fieldsets


@admin.register(Commitment)
class CommitmentAdmin(
    ChangelistGuardMixin, ServiceWritesMixin, StrictImportExportMixin, TranslationAdmin, SimpleHistoryAdmin
):
    form = CommitmentAdminForm
    resource_classes = [resources.CommitmentResource]
    history_list_display = ["status_label", "progress", "published", "version"]
    list_display = [
        "title", "pillar", "party", "claim_kind", "status", "progress", "checkability", "target_date", "last_update",
        "published",
    ]  # fmt: skip
    list_filter = ["pillar", "theme", "party", "claim_kind", "verdict", "evidence_strength", "verification", "status",
                   "checkability", "kind", "published"]  # fmt: skip
    list_select_related = ["pillar"]
    search_fields = ["title", "summary", "quote", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "owner"]
    actions = [publish, unpublish]
    inlines = [StatementInline, MilestoneInline, IndicatorInline, ProgressUpdateInline, VerdictInline, CheckInline]
    # What follows from its statements and its timeline is shown, not edited here.
    readonly_fields = [
        "status", "progress", "record_update", "claim_kind", "checkability", "target_date", "target_date_precision",
        "quote_start", "created", "updated", "verdict", "verdict_date", "verdict_overridden", "verdict_reason",
        "evidence_strength", "evidence_sources", "independent_sources", "last_checked",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "published", "owner", "expected_version"]}),
        (_("Classification"), {"fields": ["pillar", "theme", "party", "kind", ("parent", "weight")]}),
        (_("Claim"), {"fields": [("claim_kind", "checkability"), "verification"]}),
        (
            _("Verdict and evidence"),
            {
                "fields": [
                    ("verdict", "verdict_date", "verdict_overridden"),
                    "verdict_reason",
                    ("evidence_strength", "evidence_sources", "independent_sources", "last_checked"),
                ]
            },
        ),
        (_("Progress"), {"fields": [("status", "progress"), "record_update", "progress_method"]}),
        (
            _("Dates"),
            {
                "fields": [
                    ("start_date", "start_date_precision"),
                    ("target_date", "target_date_precision"),
                    ("completion_date", "completion_date_precision"),
                ]
            },
        ),
        (_("Place"), {"fields": ["location", ("latitude", "longitude"), "geometry"]}),
        (_("First statement"), {"fields": ["source", "quote", "quote_start"]}),
        (_("Identifiers and notes"), {"fields": [("iati_identifier", "aiddata_id"), "internal_notes"]}),
        (_("Record"), {"fields": [("created", "updated")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_update_date=Max("updates__date"))

    def get_readonly_fields(self, request, obj=None):
        """A new commitment is given its first statement's source and words here; after that they are edited
        under Statements, so that each quote has one place to be changed."""
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "source", "quote"] if obj is not None else fields

    @admin.display(description=_("last update"), ordering="last_update_date")
    def last_update(self, obj):
        return obj.last_update_date

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()

    def has_publish_permission(self, request):
        return request.user.has_perm("commitments.publish_commitment")

    @admin.display(description=_("change the status or progress"))
    def record_update(self, obj):
        """Status and progress follow the timeline: they move only with a dated, sourced update."""
        if not obj.pk:
            return _("Save the commitment, then record its first update (or add one under “Progress updates”).")
        return format_html(
            '<a href="{}#record">{}</a> {}',
            reverse("commitments:staff_commitment", args=[obj.slug]),
            _("Record a dated, sourced update"),
            _("(or add one under “Progress updates” below)."),
        )

    def save_through_services(self, request, form, parts, deleted):
        expected = form.cleaned_data.get("expected_version")
        services.save_commitment(
            form.instance, user=request.user, expected_version=expected, parts=parts, deleted=deleted
        )

    def delete_through_services(self, request, obj):
        services.delete_commitment(obj, user=request.user)


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(ChangelistGuardMixin, SharedRowAdminMixin, StrictImportExportMixin, SimpleHistoryAdmin):
    """Who published each cited source decides how independent it is; a copy is kept when it is archived."""

    resource_classes = [resources.EvidenceSourceResource]
    list_display = ["title", "publisher", "publisher_kind", "country", "published_on", "link_state", "archived_at"]
    list_filter = ["publisher_kind", "link_state", "country"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = [
        "archive_sha256", "archive_content_type", "archived_at", "archive_note", "link_state", "link_checked_at",
        "archived_copy",
    ]  # fmt: skip
    fields = [
        "title", ("publisher", "publisher_kind", "country"), "url", "source_document", ("published_on", "retrieved_on"),
        "archive", "archived_copy", ("archive_sha256", "archive_content_type", "archived_at"), "archive_note",
        ("link_state", "link_checked_at"),
    ]  # fmt: skip

    @admin.display(description=_("archived copy"))
    def archived_copy(self, obj):
        if not obj.archive:
            return _("none yet: upload one, or run manage.py archive_sources")
        return format_html(
            '<a href="{}">{}</a>', reverse("commitments:staff_archived_copy", args=[obj.pk]), _("Open the copy")
        )


@admin.register(Statement)
class StatementAdmin(ChangelistGuardMixin, PartAdminMixin, StrictImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [resources.StatementResource]
    list_display = ["commitment", "source", "claim_kind", "target_date", "quantity", "unit"]
    list_filter = ["claim_kind", "speaker", "responsible_party", "source"]
    list_select_related = ["commitment", "source"]
    search_fields = ["quote", "deliverable", "commitment__title"]
    autocomplete_fields = ["commitment"]
    readonly_fields = ["quote_start"]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ["as_of", "as_of_precision", "value", "source_url", "source_document", "note"]


@admin.register(Indicator)
class IndicatorAdmin(
    ChangelistGuardMixin, PartAdminMixin, StrictImportExportMixin, TranslationAdmin, SimpleHistoryAdmin
):
    resource_classes = [resources.IndicatorResource]
    list_display = ["name", "commitment", "unit", "measure", "key", "target_value"]
    list_filter = ["measure", "key"]
    list_select_related = ["commitment"]
    search_fields = ["name", "commitment__title"]
    autocomplete_fields = ["commitment"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MeasurementInline]


@admin.register(Milestone)
class MilestoneAdmin(
    ChangelistGuardMixin, PartAdminMixin, StrictImportExportMixin, TranslationAdmin, SimpleHistoryAdmin
):
    resource_classes = [resources.MilestoneResource]
    list_display = ["title", "commitment", "due_date", "completed_date"]
    list_select_related = ["commitment"]
    search_fields = ["title", "commitment__title"]
    autocomplete_fields = ["commitment"]


@admin.register(Measurement)
class MeasurementAdmin(ChangelistGuardMixin, PartAdminMixin, StrictImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [resources.MeasurementResource]
    list_display = ["indicator", "value", "as_of"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name"]
    autocomplete_fields = ["indicator"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(
    ChangelistGuardMixin, PartAdminMixin, StrictImportExportMixin, TranslationAdmin, SimpleHistoryAdmin
):
    resource_classes = [resources.ProgressUpdateResource]
    list_display = ["commitment", "date", "status", "progress", "source_kind", "public", "author"]
    list_filter = ["status", "source_kind", "public"]
    list_select_related = ["commitment", "author"]
    search_fields = ["text", "commitment__title"]
    autocomplete_fields = ["commitment"]
    readonly_fields = ["author"]
    date_hierarchy = "date"


from . import admin_users  # noqa: E402, F401  (re-registers users and groups: only a superuser grants superuser status)
