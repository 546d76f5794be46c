import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .cache import of_site_version
from .forms import ChoicesForm
from .geometry import Area
from .models import Commitment, Pillar, Theme
from .search import search
from .vocabulary import Checkable, ClaimKind, CommitmentKind, EvidenceStrength, Party, Status, Verdict, Verification

SEARCH_MAX_LENGTH = 200


class AreaField(forms.CharField):
    """Four numbers in degrees, "west,south,east,north", read as an Area."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            west, south, east, north = (float(number) for number in value.split(","))
        except ValueError:
            raise ValidationError(
                _("Give the area as four numbers in degrees, west,south,east,north, e.g. 70,30,72,32."),
                code="invalid",
            ) from None
        # Written so that "nan" fails them too.
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            raise ValidationError(
                _("Longitudes (west, east) must be between -180 and 180, latitudes (south, north) between -90 and 90."),
                code="out_of_range",
            )
        if not (west < east and south < north):
            raise ValidationError(_("West must be less than east, and south less than north."), code="empty")
        return Area(west, south, east, north)


@extend_schema_field(OpenApiTypes.STR)  # "west,south,east,north", documented for the API by its help text
class AreaFilter(django_filters.Filter):
    """Commitments whose marker on the map lies in the area (`Area` says which edges it includes)."""

    field_class = AreaField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(
            map_longitude__gte=value.west,
            map_longitude__lt=value.east,
            map_latitude__gte=value.south,
            map_latitude__lt=value.north,
        )


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The choices of a short list (pillars, themes, staff) read with one plain query, kept for the form's
    life. Django reads them with `iterator()`, which on PostgreSQL opens a server-side cursor: three round trips
    for a dozen rows, on every page with the filters. Pillars and themes are the site's content, read once for
    each version of it: the staff lists' filters took 3 ms a page to read them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.rows():
            yield self.choice(obj)

    def __len__(self):
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(self.rows()) + extra  # the rows read once, not counted by a query of their own

    def rows(self):
        """The rows of the field's queryset, read once for it (a form may give the field another queryset)."""
        queryset, name = self.queryset, self.field.kept_as
        kept = getattr(self.field, "listed", None)
        if kept is None or kept[0] is not queryset:
            read = lambda: list(queryset)  # noqa: E731
            kept = self.field.listed = (queryset, of_site_version(f"choices:{name}", read) if name else read())
        return kept[1]


class ListedChoiceField(django_filters.fields.ModelChoiceField):
    """`kept_as`: the name its rows are kept under for each version of the site's content, when they are part
    of it and its queryset is the same for every form (pillars, themes)."""

    iterator = ListedChoiceIterator

    def __init__(self, *args, kept_as=None, **kwargs):
        self.kept_as = kept_as
        super().__init__(*args, **kwargs)


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedChoiceField


class CommitmentFilter(django_filters.FilterSet):
    """The filters of the commitment table, its exports and the JSON API."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the title, summary or the words of any of its statements."),
    )
    pillar = ListedChoiceFilter(
        label=_("Pillar"),
        queryset=Pillar.objects.all(),
        to_field_name="slug",
        empty_label=_("All pillars"),
        kept_as="pillars",
    )
    theme = ListedChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.select_related("pillar"),
        to_field_name="slug",
        kept_as="themes",
        empty_label=_("All themes"),
    )
    party = django_filters.ChoiceFilter(label=_("Party"), choices=Party.choices, empty_label=_("All parties"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CommitmentKind.choices, empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All statuses"))
    claim_kind = django_filters.MultipleChoiceFilter(
        label=_("Claim kind"),
        choices=ClaimKind.choices,
        help_text=_("Promises are pledges, joint pledges and requests."),
    )
    verification = django_filters.ChoiceFilter(
        label=_("Verification of a reported result"),
        choices=Verification.choices,
        empty_label=_("Any"),
    )
    checkability = django_filters.ChoiceFilter(
        label=_("Can it be checked?"),
        choices=[(str(grade), format_lazy(_("{grade} of 5"), grade=grade)) for grade in range(5, -1, -1)],
        empty_label=_("Any grade"),
        help_text=_("How many of deliverable, quantity, deadline, place and responsible party its statements name."),
    )
    verdict = django_filters.MultipleChoiceFilter(
        label=_("Verdict"), choices=Verdict.choices, help_text=_("Was the promise kept? Only promises have one.")
    )
    due = django_filters.ChoiceFilter(
        label=_("Due by today"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        empty_label=_("Either"),
        method="filter_due",
        help_text=_("Promises whose deadline, as late as its source allows, has passed."),
    )
    evidence = django_filters.ChoiceFilter(
        label=_("Evidence"), field_name="evidence_strength", choices=EvidenceStrength.choices, empty_label=_("Any")
    )
    names = django_filters.MultipleChoiceFilter(
        label=_("Names"),
        choices=Checkable.choices,
        method="filter_names",
        help_text=_("Only commitments whose statements name each of these."),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        empty_label=_("Either"),
        method="filter_overdue",
    )
    target_year = django_filters.NumberFilter(
        label=_("Target year"), field_name="target_date", lookup_expr="year", min_value=1900, max_value=2200
    )
    area = AreaFilter(
        label=_("Area on the map (west,south,east,north)"),
        max_length=200,
        help_text=_("Degrees, e.g. 70,30,72,32: commitments whose marker on the map lies in it."),
    )

    class Meta:
        model = Commitment
        form = ChoicesForm
        fields = [
            "q", "pillar", "theme", "party", "kind", "claim_kind", "status", "verdict", "due", "verification",
            "evidence", "checkability", "names", "overdue", "target_year", "area",
        ]  # fmt: skip

    def search(self, queryset, name, value):
        return search(queryset, value)

    def filter_due(self, queryset, name, value):
        due = Q(target_date__lte=timezone.localdate())
        return queryset.filter(due) if value == "true" else queryset.exclude(due)

    def filter_names(self, queryset, name, value):
        return queryset.naming(*value)

    def filter_overdue(self, queryset, name, value):
        overdue = Commitment.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value == "true" else queryset.exclude(pk__in=overdue)


class StaffCommitmentFilter(CommitmentFilter):
    """The public filters plus the owner and publication state, for the staff lists and board."""

    owner = ListedChoiceFilter(
        label=_("Owner"),
        queryset=get_user_model().objects.filter(is_staff=True).order_by("username"),
        empty_label=_("Anyone"),
    )
    published = django_filters.ChoiceFilter(
        label=_("Published"),
        choices=[("true", _("Published")), ("false", _("Drafts"))],
        empty_label=_("Published and drafts"),
        method="filter_published",
    )

    class Meta(CommitmentFilter.Meta):
        fields = [*CommitmentFilter.Meta.fields, "owner", "published"]

    def filter_published(self, queryset, name, value):
        return queryset.published() if value == "true" else queryset.drafts()
