"""The daily digest: one email per person about the commitments they follow."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Commitment, DigestMark, Milestone

FIRST_DIGEST_LOOKBACK = datetime.timedelta(days=1)


def digest_lines(commitment, since):
    """What the digest says of one commitment: status or progress moves, and milestones fallen overdue."""
    lines = []
    before = commitment.history.filter(history_date__lte=since).order_by("-history_date", "-history_id").first()
    if before is not None and (before.status, before.progress) != (commitment.status, commitment.progress):
        lines.append(
            _("status %(old)s → %(new)s, progress %(old_p)s → %(new_p)s")
            % {
                "old": before.get_status_display(),
                "new": commitment.get_status_display(),
                "old_p": _("unknown") if before.progress is None else f"{before.progress}%",
                "new_p": _("unknown") if commitment.progress is None else f"{commitment.progress}%",
            }
        )
    today = timezone.localdate()
    fallen_overdue = Milestone.objects.pending().filter(
        commitment=commitment, due_date__gte=timezone.localtime(since).date(), due_date__lt=today
    )
    lines.extend(
        _("milestone overdue: %(title)s (due %(date)s)") % {"title": m.title, "date": m.due_date}
        for m in fallen_overdue
    )
    return lines


def digest_for(user, since):
    followed = Commitment.objects.filter(follows__user=user).order_by("title")
    return [(commitment, lines) for commitment in followed if (lines := digest_lines(commitment, since))]


def send_digests(now=None):
    """Send each follower one email covering everything since their last digest; return how many were sent.
    Written in the site's default language, whatever language the calling process last served."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send_digests(now or timezone.now())


def _send_digests(now):
    sent = 0
    for user in get_user_model().objects.filter(follows__isnull=False, is_active=True).distinct():
        mark = DigestMark.objects.filter(user=user).first()
        since = mark.sent_at if mark else now - FIRST_DIGEST_LOOKBACK
        items = digest_for(user, since)
        with transaction.atomic():
            if items and user.email:
                body = render_to_string(
                    "emails/digest.txt", {"user": user, "items": items, "since": since, "site_url": settings.SITE_URL}
                )
                subject = _("Commitment tracker: %(n)d followed commitment(s) changed") % {"n": len(items)}
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                sent += 1
            DigestMark.objects.update_or_create(user=user, defaults={"sent_at": now})
    return sent
