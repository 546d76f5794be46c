import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from commitments.digest import send_digests
from commitments.models import DigestMark, Follow
from commitments.services import record_progress
from commitments.vocabulary import SourceKind, Status

from .factories import CommitmentFactory, MilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(db):
    return UserFactory(username="follower", email="follower@example.org", groups=["Viewers"])


def move(commitment, status, progress, author=None):
    commitment.refresh_from_db()
    record_progress(
        commitment=commitment,
        expected_version=commitment.version,
        author=author,
        date=timezone.localdate(),
        text="Moved.",
        source_kind=SourceKind.MEDIA_REPORT,
        source_url="https://example.org/news",
        status=status,
        progress=progress,
    )


def test_staff_can_follow_and_unfollow(client, follower):
    commitment = CommitmentFactory()
    client.force_login(follower)
    url = reverse("commitments:staff_follow", args=[commitment.slug])
    client.post(url, {"follow": "1"})
    assert Follow.objects.filter(user=follower, commitment=commitment).exists()
    client.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=follower, commitment=commitment).exists()


def test_one_digest_per_person_covering_every_change(follower, mailoutbox):
    first = CommitmentFactory(title="Northern road", status=Status.PLANNED, progress=None)
    second = CommitmentFactory(title="Southern port", status=Status.IN_PROGRESS, progress=10)
    Follow.objects.create(user=follower, commitment=first)
    Follow.objects.create(user=follower, commitment=second)
    DigestMark.objects.create(user=follower, sent_at=timezone.now())
    move(first, Status.IN_PROGRESS, 5)
    move(first, Status.IN_PROGRESS, 20)
    move(second, Status.STALLED, 10)

    assert send_digests() == 1
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == ["follower@example.org"]
    assert "Northern road" in body and "Planned → In progress" in body and "unknown → 20%" in body
    assert "Southern port" in body and "In progress → Stalled" in body


def test_no_email_when_nothing_changed_and_changes_not_repeated(follower, mailoutbox):
    commitment = CommitmentFactory(status=Status.PLANNED)
    Follow.objects.create(user=follower, commitment=commitment)
    DigestMark.objects.create(user=follower, sent_at=timezone.now())
    assert send_digests() == 0
    move(commitment, Status.IN_PROGRESS, 5)
    assert send_digests() == 1
    assert send_digests() == 0
    assert len(mailoutbox) == 1


def test_unfollowed_changes_are_not_sent(follower, mailoutbox):
    followed = CommitmentFactory(title="Followed")
    other = CommitmentFactory(title="Not followed", status=Status.PLANNED)
    Follow.objects.create(user=follower, commitment=followed)
    DigestMark.objects.create(user=follower, sent_at=timezone.now())
    move(other, Status.IN_PROGRESS, 5)
    assert send_digests() == 0
    assert mailoutbox == []


def test_milestone_falling_overdue_is_reported(follower, mailoutbox):
    commitment = CommitmentFactory(title="Airport")
    Follow.objects.create(user=follower, commitment=commitment)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    MilestoneFactory(commitment=commitment, title="Runway finished", due_date=yesterday)
    DigestMark.objects.create(user=follower, sent_at=timezone.now() - datetime.timedelta(days=2))
    assert send_digests() == 1
    assert "milestone overdue: Runway finished" in mailoutbox[0].body


def test_send_digest_command(follower, mailoutbox, capsys):
    commitment = CommitmentFactory(status=Status.PLANNED)
    Follow.objects.create(user=follower, commitment=commitment)
    DigestMark.objects.create(user=follower, sent_at=timezone.now())
    move(commitment, Status.CANCELLED, None)
    call_command("send_digest")
    assert "Sent 1 digest email(s)." in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_digest_is_written_in_the_default_language_whatever_the_process_served_last(follower, mailoutbox):
    commitment = CommitmentFactory(status=Status.PLANNED)
    Follow.objects.create(user=follower, commitment=commitment)
    DigestMark.objects.create(user=follower, sent_at=timezone.now())
    move(commitment, Status.CANCELLED, None)
    translation.activate("ur")  # as a request to /ur/ leaves it
    send_digests()
    assert mailoutbox[0].subject.startswith("Commitment tracker:")
