import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.signals import post_init, pre_init
from django.utils import translation
from modeltranslation.translator import delete_mt_init

from commitments.models import Commitment, Measurement, ProgressUpdate
from commitments.models.commitments import CITED_EVIDENCE
from commitments.models.common import LoadsRowsQuickly
from commitments.vocabulary import Measure, Status

from .factories import (
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
    ProgressUpdateFactory,
    ThemeFactory,
)
from .helpers import unsaved_commitment

pytestmark = pytest.mark.django_db


def assert_rejected(obj, field, message):
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_valid_commitment_records_quote_position():
    commitment = unsaved_commitment(quote="We will train a thousand engineers")
    commitment.full_clean()
    commitment.save()
    assert commitment.quote_start == commitment.source.text.index("We will train")
    assert commitment.source.text[commitment.quote_start : commitment.quote_end] == commitment.quote


@pytest.mark.parametrize("progress", [-1, 101, 250])
def test_progress_outside_0_100_is_rejected(progress):
    assert_rejected(unsaved_commitment(progress=progress), "progress", "Ensure this value is")
    assert not Commitment.objects.exists()


def test_progress_outside_0_100_is_refused_by_the_database():
    commitment = CommitmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(progress=150)
    commitment.refresh_from_db()
    assert commitment.progress == 40


def test_completion_before_start_is_rejected():
    commitment = unsaved_commitment(
        start_date=datetime.date(2025, 5, 1),
        completion_date=datetime.date(2025, 4, 1),
        status=Status.COMPLETED,
    )
    assert_rejected(commitment, "__all__", "The completion date cannot be before the start date.")
    assert not Commitment.objects.exists()


def test_completed_without_completion_date_is_rejected():
    assert_rejected(
        unsaved_commitment(status=Status.COMPLETED), "__all__", "A completed commitment needs a completion date."
    )
    assert not Commitment.objects.exists()


def test_completed_without_date_is_refused_by_the_database():
    commitment = CommitmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(status=Status.COMPLETED)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_duplicate_slug_is_rejected():
    CommitmentFactory(slug="northern-road")
    assert_rejected(unsaved_commitment(), "slug", "Commitment with this Slug already exists.")
    assert Commitment.objects.count() == 1


def test_quote_not_in_source_is_rejected():
    commitment = unsaved_commitment(quote="We will build the southern road.")
    assert_rejected(commitment, "quote", "does not occur word for word")
    assert not Commitment.objects.exists()


def test_quote_must_match_case_and_punctuation():
    commitment = unsaved_commitment(quote="we will build the northern road by next year")
    assert_rejected(commitment, "quote", "does not occur word for word")


def test_theme_of_another_pillar_is_rejected():
    commitment = unsaved_commitment(theme=ThemeFactory())
    assert_rejected(commitment, "theme", "belongs to another pillar")


def test_weight_must_be_positive():
    assert_rejected(unsaved_commitment(weight=0), "__all__", "The weight must be greater than zero.")


def test_latitude_out_of_range_is_rejected():
    assert_rejected(unsaved_commitment(latitude=95), "latitude", "less than or equal to 90")


@pytest.mark.parametrize("measure", [Measure.COUNT, Measure.AMOUNT])
def test_negative_measurement_of_count_or_amount_is_rejected(measure):
    indicator = IndicatorFactory(measure=measure)
    measurement = Measurement(
        indicator=indicator, value=-5, as_of=datetime.date(2025, 1, 1), source_url="https://x.org"
    )
    assert_rejected(measurement, "value", "A count or amount cannot be negative.")
    assert not Measurement.objects.exists()


def test_negative_measurement_of_a_percentage_change_is_allowed():
    indicator = IndicatorFactory(measure=Measure.PERCENT, baseline_value=None, target_value=None)
    measurement = Measurement(
        indicator=indicator, value=-5, as_of=datetime.date(2025, 1, 1), source_url="https://x.org"
    )
    measurement.full_clean()


def test_negative_indicator_target_is_rejected():
    indicator = IndicatorFactory.build(commitment=CommitmentFactory(), target_value=-1)
    assert_rejected(indicator, "target_value", "A count or amount cannot be negative.")


def test_measurement_needs_a_source():
    measurement = MeasurementFactory.build(indicator=IndicatorFactory(), source_url="", source_document=None)
    assert_rejected(measurement, "__all__", "Give a source URL or a source document for the value.")


def test_one_measurement_per_indicator_and_date():
    first = MeasurementFactory()
    duplicate = MeasurementFactory.build(indicator=first.indicator, as_of=first.as_of)
    assert_rejected(duplicate, "__all__", "This indicator already has a value for that date.")


def test_published_queryset_hides_drafts():
    shown = CommitmentFactory(published=True)
    CommitmentFactory(published=False)
    assert list(Commitment.objects.published()) == [shown]


def test_an_update_in_hand_is_public_by_the_rule_of_the_public_queryset():
    for published in (True, False):
        commitment = CommitmentFactory(published=published)
        for public in (True, False):
            ProgressUpdateFactory(commitment=commitment, public=public, status=Status.IN_PROGRESS)
    shown = {update.pk for update in ProgressUpdate.objects.select_related("commitment") if update.shown_publicly}
    assert shown == set(ProgressUpdate.objects.public().values_list("pk", flat=True))
    assert 0 < len(shown) < ProgressUpdate.objects.count()  # some shown, some not


def test_overdue_means_target_passed_and_not_finished():
    today = datetime.date(2026, 1, 1)
    late = CommitmentFactory(target_date=datetime.date(2025, 6, 1), status=Status.IN_PROGRESS)
    CommitmentFactory(target_date=datetime.date(2025, 6, 1), status=Status.COMPLETED, completion_date=today)
    CommitmentFactory(target_date=datetime.date(2025, 6, 1), status=Status.CANCELLED)
    CommitmentFactory(target_date=datetime.date(2026, 6, 1))
    CommitmentFactory(target_date=None)
    assert list(Commitment.objects.overdue(today)) == [late]


def test_every_status_has_a_meaning_and_export_mappings():
    for status in Status:
        assert status.meaning
        assert status.iati_code in {"1", "2", "3", "4", "5", "6"}
        assert status.aiddata_status in {
            "Pledge",
            "Commitment",
            "Implementation",
            "Completion",
            "Suspended",
            "Cancelled",
        }


def test_rows_are_built_without_init_only_while_no_receiver_needs_it():
    """`LoadsRowsQuickly` builds rows read without `Model.__init__`, so without its signals: a receiver of
    `pre_init` or `post_init` for one of these models (an image's dimensions, a tracker of loaded values) would
    not run for them. django-modeltranslation's only removes the mark its `__init__` sets."""
    models = [model for model in apps.get_models() if issubclass(model, LoadsRowsQuickly)]
    assert Commitment in models and ProgressUpdate in models
    for model in models:
        assert not pre_init.has_listeners(model), model
        receivers = list(post_init._live_receivers(model)[0])
        assert receivers in ([], [delete_mt_init]), model


def test_a_row_read_is_a_saved_row_in_every_language():
    commitment = CommitmentFactory(title="Train 1,000 people", title_ur="ایک ہزار افراد کی تربیت", progress=40)
    read = Commitment.objects.get(pk=commitment.pk)
    assert not read._state.adding and read._state.db == "default" and not read.get_deferred_fields()
    assert read.title == "Train 1,000 people" and not hasattr(read, "_mt_init")
    with translation.override("ur"):
        assert read.title == "ایک ہزار افراد کی تربیت"
    read.progress = 50
    read.save(update_fields=["progress"])  # an UPDATE of the row read, not a second row
    assert Commitment.objects.filter(title_en="Train 1,000 people").get().progress == 50


def test_a_row_read_with_deferred_columns_holds_what_a_whole_row_does():
    """`LoadsRowsQuickly` puts each column read in its own field, whatever is deferred and in whatever
    order the query names them, and leaves the others to be read when asked for."""
    commitment = CommitmentFactory(title="Train 1,000 people", progress=40, location="Gwadar", weight=3)
    whole = Commitment.objects.select_related("pillar").get(pk=commitment.pk)
    fields = [field.attname for field in Commitment._meta.concrete_fields]
    for queryset in (
        Commitment.objects.defer("quote", "summary", "geometry"),
        Commitment.objects.only("weight", "title", "pillar", "slug", "target_date").select_related("pillar"),
        Commitment.objects.for_listing(),
    ):
        read = queryset.get(pk=commitment.pk)
        deferred = read.get_deferred_fields()
        assert deferred and set(deferred) < set(fields)
        for name in fields:
            if name not in deferred:
                assert getattr(read, name) == getattr(whole, name), name
        # A deferred column is read when asked for, and it is the right one.
        assert [getattr(read, name) for name in sorted(deferred)] == [getattr(whole, name) for name in sorted(deferred)]
        assert read.pillar.name == whole.pillar.name


def test_a_measurement_and_its_evidence_read_as_deriving_reads_them_hold_their_columns():
    """Measurements and evidence records load their deferred rows quickly too (`for_deriving` reads thousands of
    them with a few columns each): each column read is in its own field, the others read when asked for."""
    measurement = MeasurementFactory(value=640, as_of=datetime.date(2025, 11, 1))
    measurement.evidence.publisher_kind, measurement.evidence.country = "state_media", "CHN"
    measurement.evidence.save()
    read = (
        Measurement.objects.select_related("evidence")
        .only("indicator", "value", "as_of", *CITED_EVIDENCE)
        .get(pk=measurement.pk)
    )
    assert (read.indicator_id, read.value, read.as_of) == (measurement.indicator_id, 640, datetime.date(2025, 11, 1))
    assert (read.evidence_id, read.evidence.publisher_kind, read.evidence.country) == (
        measurement.evidence_id,
        "state_media",
        "CHN",
    )
    assert "note" in read.get_deferred_fields() and "url" in read.evidence.get_deferred_fields()
    assert (read.source_url, read.evidence.url) == (measurement.source_url, measurement.source_url)
