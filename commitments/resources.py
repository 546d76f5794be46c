"""Import and export of the whole dataset as CSV or XLSX, through the admin (django-import-export).

Rows are matched by slug, or by a stable combination where a model has none
(a milestone by commitment and title, a measurement by indicator and date, an
update by commitment, date and text), so a re-import changes nothing. Every row
is saved through the services layer, with the rules of every other write path;
any invalid row rolls the whole file back. A commitment's status and progress are
exported for reading; they change only through update rows, each dated and sourced.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, IntegerField, TextField, Value, When
from import_export import fields, resources, widgets

from . import services
from .exports import unescape_formula
from .import_jobs import PROGRESS_EVERY
from .models import (
    Commitment,
    EvidenceSource,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    SourceDocument,
    Statement,
    Theme,
    translation_columns,
)
from .vocabulary import Status


class NullableTextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row=row, **kwargs) or None


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug (or another unique field); an unknown name is a row error, not a crash."""

    def __init__(self, model, field="slug"):
        super().__init__(model, field=field)
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        # A file names the same few rows many times: each is looked up once per import (`forget`).
        if value in self.found:
            return self.found[value]
        try:
            self.found[value] = super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} '{value}'") from None
        return self.found[value]

    def forget(self):
        self.found = {}


def related(column, model, field="slug", attribute=None):
    return fields.Field(attribute=attribute or column, column_name=column, widget=SlugWidget(model, field))


class StrictResource(resources.ModelResource):
    """Validation every resource shares: model rules on every row, known columns only, no duplicate keys."""

    class Meta:
        abstract = True
        # Every row is validated by the services layer as it is saved (`save_instance`), once.
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    @classmethod
    def widget_from_django_field(cls, django_field, default=widgets.Widget):
        if isinstance(django_field, (CharField, TextField)):
            # An empty cell is NULL where the field stores "no value" so (the translations), else "".
            return NullableTextWidget if django_field.null else widgets.CharWidget
        return super().widget_from_django_field(django_field, default)

    def before_import(self, dataset, **kwargs):
        self.first_row_of_key = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, SlugWidget):
                field.widget.forget()
        expected = [field.column_name for field in self.get_import_fields()]
        headers = [header.strip() if isinstance(header, str) else header for header in dataset.headers or []]
        missing = [column for column in expected if column not in headers]
        unknown = [column for column in headers if column not in expected]
        if missing or unknown:
            problems = []
            if missing:
                problems.append(f"missing columns: {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown columns: {', '.join(map(str, unknown))}")
            raise ValueError(
                f"The file's columns do not match ({'; '.join(problems)}). Expected: {', '.join(expected)}."
            )

    def import_data_inner(self, dataset, dry_run, *args, **kwargs):
        # The whole file is one write: derived figures brought in line and the cache bumped once, at its end,
        # inside the import's transaction (which a preview rolls back).
        with services.write(invalidate=not dry_run):
            return super().import_data_inner(dataset, dry_run, *args, **kwargs)

    # Set by an import job (import_jobs.py): where this import reports how many rows it has done.
    progress_key = None

    def after_import_row(self, row, row_result, row_number=None, **kwargs):
        if self.progress_key and row_number and row_number % PROGRESS_EVERY == 0:
            cache.set(self.progress_key, row_number, timeout=24 * 60 * 60)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        services.save_imported(instance, user=kwargs.get("user"))
        self.after_save_instance(instance, row, **kwargs)

    def delete_instance(self, instance, row, **kwargs):
        self.before_delete_instance(instance, row, **kwargs)
        services.delete_imported(instance, user=kwargs.get("user"))
        self.after_delete_instance(instance, row, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        for column, value in row.items():
            row[column] = unescape_formula(value)
        key = tuple(str(row.get(column, "")) for column in self._meta.import_id_fields)
        if key in self.first_row_of_key:
            first = self.first_row_of_key[key]
            column = self._meta.import_id_fields[0]
            raise ValidationError(
                {column: f"{', '.join(key)} appears more than once in the file (first on row {first})."}
            )
        self.first_row_of_key[key] = row_number


class SourceDocumentResource(StrictResource):
    class Meta(StrictResource.Meta):
        model = SourceDocument
        import_id_fields = ["slug"]
        fields = ["slug", "title", "date", "speaker", "kind", "url", "summary", "text"]


class EvidenceSourceResource(StrictResource):
    source_document = related("source_document", SourceDocument)

    class Meta(StrictResource.Meta):
        model = EvidenceSource
        import_id_fields = ["url", "source_document"]
        fields = [
            "url", "source_document", "title", "publisher", "publisher_kind", "country", "published_on",
            "retrieved_on",
        ]  # fmt: skip


class PillarResource(StrictResource):
    class Meta(StrictResource.Meta):
        model = Pillar
        import_id_fields = ["slug"]
        fields = ["slug", *translation_columns("name"), "order", *translation_columns("description")]


class ThemeResource(StrictResource):
    pillar = related("pillar", Pillar)

    class Meta(StrictResource.Meta):
        model = Theme
        import_id_fields = ["slug"]
        fields = ["slug", "pillar", *translation_columns("name"), "order", *translation_columns("description")]


class CommitmentResource(StrictResource):
    pillar = related("pillar", Pillar)
    theme = related("theme", Theme)
    source = related("source", SourceDocument)
    parent = related("parent", Commitment)
    owner = related("owner", get_user_model(), field="username")
    # GeoJSON, as JSON text in one cell.
    geometry = fields.Field(attribute="geometry", column_name="geometry", widget=widgets.JSONWidget())
    # Read from the timeline; an import may repeat them but not change them (before_import_row).
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    progress = fields.Field(attribute="progress", column_name="progress", readonly=True, widget=widgets.IntegerWidget())
    # Follow its statements (the statements file): shown, never imported.
    claim_kind = fields.Field(attribute="claim_kind", column_name="claim_kind", readonly=True)
    checkability = fields.Field(
        attribute="checkability", column_name="checkability", readonly=True, widget=widgets.IntegerWidget()
    )

    class Meta(StrictResource.Meta):
        model = Commitment
        import_id_fields = ["slug"]
        fields = [
            "slug", *translation_columns("title"), "pillar", "theme", "party", "kind", "claim_kind", "verification",
            "status", "progress", "checkability", "progress_method", "location", "latitude", "longitude", "geometry",
            "start_date", "start_date_precision", "target_date", "target_date_precision", "completion_date",
            "completion_date_precision", "source", "quote", "published", "owner", *translation_columns("summary"),
            "internal_notes", "parent", "weight", "iati_identifier", "aiddata_id",
        ]  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        # Parents before children, so that an exported file imports in one pass.
        depth = Case(
            When(parent__isnull=True, then=Value(0)),
            When(parent__parent__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return queryset.annotate(depth=depth).order_by("depth", "pk")

    def before_import_row(self, row, row_number=None, **kwargs):
        super().before_import_row(row, row_number=row_number, **kwargs)
        current = Commitment.objects.filter(slug=row.get("slug")).values("status", "progress").first()
        if current is None:
            return
        # Cells as exported: the status's value and the progress as a number or empty.
        shown = {"status": current["status"], "progress": "" if current["progress"] is None else current["progress"]}
        changed = [column for column, value in shown.items() if str(row.get(column, "") or "") != str(value)]
        if changed:
            raise ValidationError(
                {
                    changed[0]: f"{row.get('slug')}: {' and '.join(changed)} change only with a dated, sourced "
                    f"update: add a row to the progress updates file instead "
                    f"(now {Status(current['status']).value}, progress {shown['progress'] or 'not known'})."
                }
            )


class StatementResource(StrictResource):
    commitment = related("commitment", Commitment)
    source = related("source", SourceDocument)

    class Meta(StrictResource.Meta):
        model = Statement
        import_id_fields = ["commitment", "source"]
        fields = [
            "commitment", "source", "quote", "speaker", "claim_kind", "deliverable", "quantity", "unit", "place",
            "target_date", "target_date_precision", "responsible_party",
        ]  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        # First statements before restatements, so that a file imports back in date order.
        return queryset.order_by("source__date", "source_id", "pk")


class MilestoneResource(StrictResource):
    commitment = related("commitment", Commitment)

    class Meta(StrictResource.Meta):
        model = Milestone
        import_id_fields = ["commitment", "title_en"]
        fields = [
            "commitment", *translation_columns("title"), "due_date", "due_date_precision", "completed_date",
            "completed_date_precision", "order",
        ]  # fmt: skip


class IndicatorResource(StrictResource):
    commitment = related("commitment", Commitment)

    class Meta(StrictResource.Meta):
        model = Indicator
        import_id_fields = ["slug"]
        fields = [
            "slug", "commitment", *translation_columns("name"), *translation_columns("unit"), "measure", "key",
            "baseline_value", "baseline_date", "target_value",
            "target_date", "order",
        ]  # fmt: skip


class MeasurementResource(StrictResource):
    indicator = related("indicator", Indicator)
    source_document = related("source_document", SourceDocument)

    class Meta(StrictResource.Meta):
        model = Measurement
        import_id_fields = ["indicator", "as_of"]
        fields = ["indicator", "as_of", "as_of_precision", "value", "source_url", "source_document", "note"]


class ProgressUpdateResource(StrictResource):
    commitment = related("commitment", Commitment)
    source_document = related("source_document", SourceDocument)
    author = related("author", get_user_model(), field="username")

    class Meta(StrictResource.Meta):
        model = ProgressUpdate
        import_id_fields = ["commitment", "date", "text_en"]
        fields = [
            "commitment", "date", *translation_columns("text"), "source_url", "source_document", "source_kind",
            "status", "progress", "public", "author",
        ]  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        # Oldest first, so that a file imports back in the order its rules read the timeline.
        return queryset.order_by("date", "created", "pk")


# In the order a whole dataset is exported and imported back.
DATASET_RESOURCES = [
    SourceDocumentResource, EvidenceSourceResource, PillarResource, ThemeResource, CommitmentResource,
    StatementResource, MilestoneResource, IndicatorResource, MeasurementResource, ProgressUpdateResource,
]  # fmt: skip
