"""Large admin imports, previewed and imported outside the request that sent them.

A file of more than IMPORT_BACKGROUND_ROWS rows would keep a server worker busy past its timeout, so
the admin stores it as an `ImportJob` and runs the same import (the same resource, the same services,
one transaction, all or nothing) in a thread of the server process, while the editor's page shows its
progress and then its outcome. A job cut short (the server restarted) wrote nothing, since its
transaction never committed; its page says so after `STALLED_AFTER`.
"""

import datetime
import logging
import threading

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 100
STALLED_AFTER = datetime.timedelta(minutes=30)


def progress_key(job_pk):
    return f"import-job:{job_pk}:rows-done"


def rows_done(job):
    return job.rows if job.finished else cache.get(progress_key(job.pk), 0)


def stalled(job):
    return job.state == ImportJob.State.RUNNING and timezone.now() - job.created > STALLED_AFTER


def start(job, resource_class, import_format):
    """Run the job in a thread of this process; the caller answers at once."""
    thread = threading.Thread(
        target=run, args=(job.pk, resource_class, import_format), name=f"import-job-{job.pk}", daemon=True
    )
    thread.start()
    return thread


def run(job_pk, resource_class, import_format):
    """The thread's work. Its database connection is its own, so it is closed here whatever happens: left
    open, a daemon thread's connection would outlive the job."""
    try:
        import_file(job_pk, resource_class, import_format)
    finally:
        connection.close()


def import_file(job_pk, resource_class, import_format):
    job = ImportJob.objects.select_related("user").get(pk=job_pk)
    try:
        dataset = import_format.create_dataset(bytes(job.data))
        resource = resource_class()
        resource.progress_key = progress_key(job.pk)
        result = resource.import_data(
            dataset,
            dry_run=job.dry_run,
            raise_errors=False,
            rollback_on_validation_errors=True,
            user=job.user,
            file_name=job.file_name,
        )
        job.totals = {kind: count for kind, count in result.totals.items() if count}
        job.problems = problems_of(result)
    except Exception as error:  # the editor's page must say the job failed, not wait for ever
        logger.exception("Import job %s failed", job_pk)
        job.problems = [_("The file could not be imported: %(error)s") % {"error": error}]
    if job.problems:
        job.state = ImportJob.State.REJECTED
    else:
        job.state = ImportJob.State.PREVIEWED if job.dry_run else ImportJob.State.DONE
    job.finished = timezone.now()
    job.save(update_fields=["totals", "problems", "state", "finished"])
    cache.delete(progress_key(job.pk))


def problems_of(result, most=200):
    """Each error of an import result as one line a person reads, the row's line number first."""
    problems = [str(error.error) for error in result.base_errors]
    for line, errors in result.row_errors():
        problems += [_("Line %(line)s: %(error)s") % {"line": line, "error": error.error} for error in errors]
    for row in result.invalid_rows:
        for field, messages in row.error_dict.items():
            for message in messages:
                problems.append(
                    _("Line %(line)s: %(field)s: %(error)s") % {"line": row.number, "field": field, "error": message}
                )
    return problems[:most]
