import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from commitments import models, services
from commitments.vocabulary import CommitmentKind, DocumentKind, Measure, Party, ProgressMethod, SourceKind, Status

SOURCE_TEXT = (
    "We will build the northern road by next year. "
    "We will train a thousand engineers in the coming years. "
    "We will open the border crossing all year round. "
    "Both sides will hold a trade fair every spring."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
            self.groups.set(Group.objects.filter(name__in=names))


class SharedRowFactory(factory.django.DjangoModelFactory):
    """Sources, pillars and themes are saved through the services layer, like every write."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_shared(model_class(*args, **kwargs), user=None)


class PartFactory(factory.django.DjangoModelFactory):
    """Milestones, indicators, measurements and updates are saved through the services layer."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.save_part(model_class(*args, **kwargs), user=None)


class SourceDocumentFactory(SharedRowFactory):
    class Meta:
        model = models.SourceDocument

    title = factory.Sequence(lambda n: f"Statement number {n}")
    slug = factory.Sequence(lambda n: f"statement-{n}")
    date = datetime.date(2025, 2, 21)
    speaker = "Ministry of Foreign Affairs"
    kind = DocumentKind.SPEECH
    text = SOURCE_TEXT


class PillarFactory(SharedRowFactory):
    class Meta:
        model = models.Pillar

    name = factory.Sequence(lambda n: f"Pillar {n}")
    slug = factory.Sequence(lambda n: f"pillar-{n}")
    order = factory.Sequence(int)
    description = "An area of cooperation."


class ThemeFactory(SharedRowFactory):
    class Meta:
        model = models.Theme

    pillar = factory.SubFactory(PillarFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commitment

    title = factory.Sequence(lambda n: f"Commitment {n}")
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    pillar = factory.SubFactory(PillarFactory)
    party = Party.BOTH
    kind = CommitmentKind.INFRASTRUCTURE
    status = Status.IN_PROGRESS
    progress = 40
    source = factory.SubFactory(SourceDocumentFactory)
    quote = "We will build the northern road by next year."
    quote_start = factory.LazyAttribute(lambda o: o.source.text.find(o.quote))
    published = True
    summary = "A road in the north."
    target_date = datetime.date(2030, 12, 31)

    @classmethod
    def _create(cls, model_class, *args, status=Status.ANNOUNCED, progress=None, **kwargs):
        """Saved through the services layer; a status or progress other than a new commitment's comes from
        a dated, sourced update recording it, as it would in the tracker."""
        commitment = services.save_commitment(model_class(*args, **kwargs), user=None)
        if progress is not None and commitment.progress_method != ProgressMethod.MANUAL:
            progress = None
        if status != Status.ANNOUNCED or progress is not None:
            update = models.ProgressUpdate(
                commitment=commitment,
                date=datetime.date(2025, 2, 21),
                text=f"Recorded as {Status(status).label}.",
                source_document=commitment.source,
                source_kind=SourceKind.OFFICIAL_STATEMENT,
                status=status,
                progress=progress,
            )
            services.save_part(update, user=None)
            commitment.refresh_from_db()
        return commitment


class MilestoneFactory(PartFactory):
    class Meta:
        model = models.Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = datetime.date(2026, 6, 30)
    order = factory.Sequence(int)


class IndicatorFactory(PartFactory):
    class Meta:
        model = models.Indicator

    commitment = factory.SubFactory(CommitmentFactory)
    name = factory.Sequence(lambda n: f"Engineers trained {n}")
    slug = factory.Sequence(lambda n: f"indicator-{n}")
    unit = "people"
    measure = Measure.COUNT
    baseline_value = 0
    target_value = 1000


class MeasurementFactory(PartFactory):
    class Meta:
        model = models.Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    value = 250
    as_of = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    source_url = "https://example.org/report"


class ProgressUpdateFactory(PartFactory):
    class Meta:
        model = models.ProgressUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    date = datetime.date(2025, 3, 1)
    text = "Work continued on schedule."
    source_url = "https://example.org/news"
    source_kind = SourceKind.MEDIA_REPORT
    status = Status.IN_PROGRESS
    progress = 40
    public = True
