"""Reading the change history that django-simple-history records on every save."""

from dataclasses import dataclass

from .vocabulary import Status


@dataclass
class StatusChange:
    when: object
    status: str
    progress: int | None
    previous_status: str | None
    previous_progress: int | None
    user: object

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def previous_status_label(self):
        return Status(self.previous_status).label if self.previous_status else ""


def status_timeline(commitment):
    """Every recorded change of the commitment's status or progress, oldest first."""
    changes, previous = [], None
    for record in commitment.history.order_by("history_date", "history_id").select_related("history_user"):
        if previous is None or (record.status, record.progress) != (previous.status, previous.progress):
            changes.append(
                StatusChange(
                    when=record.history_date,
                    status=record.status,
                    progress=record.progress,
                    previous_status=previous.status if previous else None,
                    previous_progress=previous.progress if previous else None,
                    user=record.history_user,
                )
            )
        previous = record
    return changes
