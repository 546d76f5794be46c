import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Commitment


class CommitmentTable(tables.Table):
    """The public commitment table; its exports carry the quote and the full record."""

    title = tables.Column(verbose_name=_("Commitment"), linkify=True)
    pillar = tables.Column(verbose_name=_("Pillar"), order_by=("pillar__order", "title"))
    party = tables.Column(verbose_name=_("Party"))
    status = tables.TemplateColumn(
        template_name="includes/status_badge_cell.html", verbose_name=_("Status"), order_by=("status", "title")
    )
    progress = tables.TemplateColumn(template_name="includes/progress_cell.html", verbose_name=_("Progress"))
    target_date = tables.DateColumn(verbose_name=_("Target date"), format="j M Y")

    slug = tables.Column(visible=False)
    theme = tables.Column(visible=False, verbose_name=_("Theme"))
    kind = tables.Column(visible=False, verbose_name=_("Kind"))
    start_date = tables.DateColumn(visible=False, verbose_name=_("Start date"), format="Y-m-d")
    completion_date = tables.DateColumn(visible=False, verbose_name=_("Completion date"), format="Y-m-d")
    location = tables.Column(visible=False, verbose_name=_("Location"))
    summary = tables.Column(visible=False, verbose_name=_("Summary"))
    quote = tables.Column(visible=False, verbose_name=_("Quote"))
    source = tables.Column(visible=False, verbose_name=_("Source"), accessor="source__title")

    class Meta:
        model = Commitment
        fields = ["title", "pillar", "party", "status", "progress", "target_date"]
        sequence = ["title", "pillar", "party", "status", "progress", "target_date", "..."]
        order_by = ("pillar", "title")
        empty_text = _("No commitment matches these filters.")
        attrs = {"class": "table commitments"}

    def value_status(self, record):
        return record.get_status_display()

    def value_progress(self, value):
        return "" if value is None else value

    def value_target_date(self, value):
        return value.isoformat() if value else ""
