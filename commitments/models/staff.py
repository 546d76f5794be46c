"""What staff keep for themselves: follows and digests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """A staff member following a commitment gets its changes in the daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("user")
    )
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="follows", verbose_name=_("commitment")
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "commitment"], name="follow_once")]

    def __str__(self):
        return f"{self.user} follows {self.commitment}"


class DigestMark(models.Model):
    """When a person's last digest was sent: the next one covers what changed since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_mark", verbose_name=_("user")
    )
    sent_at = models.DateTimeField(_("last digest sent"))

    class Meta:
        ordering = ["user"]
        verbose_name = _("digest mark")
        verbose_name_plural = _("digest marks")

    def __str__(self):
        return f"{self.user}: {self.sent_at:%Y-%m-%d %H:%M}"
