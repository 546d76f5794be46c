import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Commitment, ProgressUpdate

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """Public progress updates, newest first."""

    feed_type = Atom1Feed
    title = _("Commitment tracker: progress updates")
    subtitle = _("Dated, sourced updates on published commitments.")

    def link(self):
        return reverse("commitments:dashboard")

    def items(self):
        return self.updates()[:FEED_LENGTH]

    def updates(self):
        return ProgressUpdate.objects.public().select_related("commitment", "source_document")

    def item_title(self, item):
        return f"{item.commitment.title}: {item.get_status_display()}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return f"{item.commitment.get_absolute_url()}#update-{item.pk}"

    def item_pubdate(self, item):
        """Entries are dated by their evidence, at the start of its day; when they were recorded comes second."""
        return datetime.datetime.combine(item.date, datetime.time.min, tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        return item.created


class CommitmentUpdatesFeed(UpdatesFeed):
    """One commitment's public updates: how the public follows it."""

    def get_object(self, request, slug):
        return get_object_or_404(Commitment.objects.published(), slug=slug)

    def title(self, obj):
        return _("Updates: %(title)s") % {"title": obj.title}

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return self.updates().filter(commitment=obj)[:FEED_LENGTH]
