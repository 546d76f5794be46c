"""Invalidating cached public pages after every write.

Signals rather than calls in each write path, because writes also come from library code
this project does not call itself: the admin's deletes, django-import-export, restores.
The only effect is on the cache version counters (see cache.py), never on the data.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .cache import COMMITMENTS, SITE, bump, commitment_scope
from .models import Commitment, Indicator, Measurement, Milestone, Pillar, ProgressUpdate, SourceDocument, Theme


def slugs_of(*pks):
    return list(Commitment.objects.filter(pk__in=[pk for pk in pks if pk]).values_list("slug", flat=True))


@receiver(pre_save, sender=Commitment)
def remember_previous_place(sender, instance, raw=False, **kwargs):
    previous = Commitment.objects.filter(pk=instance.pk).values("slug", "parent_id").first() if instance.pk else None
    instance._previous = previous or {}


@receiver([post_save, post_delete], sender=Commitment)
def commitment_changed(sender, instance, **kwargs):
    """Its own page (under its old and new slug), its parent's and its children's pages, and every list."""
    previous = getattr(instance, "_previous", {})
    children = Commitment.objects.filter(parent_id=instance.pk).values_list("slug", flat=True) if instance.pk else []
    slugs = {instance.slug, previous.get("slug"), *children, *slugs_of(instance.parent_id, previous.get("parent_id"))}
    bump(SITE, *(commitment_scope(slug) for slug in slugs if slug))


@receiver([post_save, post_delete], sender=Milestone)
@receiver([post_save, post_delete], sender=Indicator)
@receiver([post_save, post_delete], sender=ProgressUpdate)
def part_changed(sender, instance, **kwargs):
    bump(SITE, *(commitment_scope(slug) for slug in slugs_of(instance.commitment_id)))


@receiver([post_save, post_delete], sender=Measurement)
def measurement_changed(sender, instance, **kwargs):
    commitment_id = Indicator.objects.filter(pk=instance.indicator_id).values_list("commitment_id", flat=True).first()
    bump(SITE, *(commitment_scope(slug) for slug in slugs_of(commitment_id)))


@receiver([post_save, post_delete], sender=SourceDocument)
@receiver([post_save, post_delete], sender=Pillar)
@receiver([post_save, post_delete], sender=Theme)
def shared_row_changed(sender, instance, **kwargs):
    bump(SITE, COMMITMENTS)
