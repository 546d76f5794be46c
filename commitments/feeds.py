import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Commitment, ProgressUpdate, VerdictRecord
from .models.commitments import long_texts

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    """Public progress updates and changes of verdict, newest first."""

    feed_type = Atom1Feed
    title = _("Commitment tracker: progress updates")
    subtitle = _("Dated, sourced updates on published commitments, and each change of a promise's verdict.")

    def link(self):
        return reverse("commitments:dashboard")

    def items(self):
        return self.newest(self.updates(), self.verdicts())

    def updates(self):
        return ProgressUpdate.objects.public().select_related("commitment").defer(*long_texts("commitment__"))

    def verdicts(self):
        return VerdictRecord.objects.public().select_related("commitment").defer(*long_texts("commitment__"))

    def newest(self, updates, verdicts):
        entries = [*updates[:FEED_LENGTH], *verdicts[:FEED_LENGTH]]
        return sorted(entries, key=lambda entry: (self.day(entry), entry.created), reverse=True)[:FEED_LENGTH]

    @staticmethod
    def day(entry):
        return entry.judged_on if isinstance(entry, VerdictRecord) else entry.date

    def item_title(self, item):
        if isinstance(item, VerdictRecord):
            verdict = item.get_verdict_display() or _("back to the rule")
            return _("%(title)s: verdict %(verdict)s") % {"title": item.commitment.title, "verdict": verdict}
        return f"{item.commitment.title}: {item.get_status_display()}"

    def item_description(self, item):
        return item.reason if isinstance(item, VerdictRecord) else item.text

    def item_link(self, item):
        anchor = f"verdict-{item.pk}" if isinstance(item, VerdictRecord) else f"update-{item.pk}"
        return f"{item.commitment.get_absolute_url()}#{anchor}"

    def item_pubdate(self, item):
        """Entries are dated by their evidence, at the start of its day; when they were recorded comes second."""
        return datetime.datetime.combine(self.day(item), datetime.time.min, tzinfo=datetime.UTC)

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
        return self.newest(self.updates().filter(commitment=obj), self.verdicts().filter(commitment=obj))
