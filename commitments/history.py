"""A commitment's status history, read from its timeline of dated, sourced updates."""

from dataclasses import dataclass

from .vocabulary import Status


@dataclass
class StatusChange:
    date: object  # the date of the evidence
    recorded: object  # when the update was written down
    status: str
    progress: int | None
    previous_status: str | None
    previous_progress: int | None
    update: object

    @property
    def user(self):
        return self.update.author

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def previous_status_label(self):
        return Status(self.previous_status).label if self.previous_status else ""


def status_timeline(updates):
    """Each update that moved the status or progress, oldest first, dated by its evidence.

    `updates` are the ones the reader may see; an update that changes the status or progress is
    always public, so the public history is complete.
    """
    changes, status, progress = [], None, None
    for update in sorted(updates, key=lambda u: (u.date, u.created)):
        new_progress = update.progress if update.progress is not None else progress
        if status is None or (update.status, new_progress) != (status, progress):
            changes.append(
                StatusChange(
                    date=update.date,
                    recorded=update.created,
                    status=update.status,
                    progress=new_progress,
                    previous_status=status,
                    previous_progress=progress,
                    update=update,
                )
            )
        status, progress = update.status, new_progress
    return changes
