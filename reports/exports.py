"""Background exports: a job row, a Celery task that fills it, and a permission-checked file.

The request that asks for a large export only creates the `ExportJob` and returns its URL
(202 in the API, a redirect in the admin); the worker rebuilds the same rows from the
recorded source, list name, filters and user, and writes the file with progress.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from celery import shared_task
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core.exporters import DIALECT_PARAM, register_exporter, resolve_source

from .access import log_access
from .models import ExportJob

PROGRESS_EVERY = 2000


def queue_export(
    *, user: Any, kind: str, name: str, params: dict[str, list[str]], fmt: str, total: int, description: str = ""
) -> str:
    """Create the job and send it to a worker once the transaction commits; return its URL."""
    job = ExportJob.objects.create(
        requested_by=user,
        source=kind,
        exporter=name,
        description=description[:200],
        filters=params,
        format=fmt,
        rows_total=total,
    )
    log_access(user, "export_requested", name=name, filters=params, format=fmt, rows=total, object=job)
    run_export_task.delay_on_commit(job.pk)
    return job.get_absolute_url()


def run_export(job_pk: int) -> None:
    """Build the job's file. Idempotent: a finished job is left alone, an interrupted one
    is built again from the start."""
    claimed = ExportJob.objects.filter(
        pk=job_pk, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, rows_done=0)
    if claimed != 1:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_pk)
    try:
        params = dict(job.filters)
        dialect = (params.pop(DIALECT_PARAM, None) or [None])[-1]  # how to write, not which rows
        exporter = resolve_source(job.source, job.exporter, job.requested_by, params)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job_pk).update(rows_done=done)

        with tempfile.TemporaryFile() as target:
            if job.format == "csv":
                rows = exporter.write(job.format, target, progress, dialect=dialect)
            else:  # other exporters (the dossier's zip) write without a dialect
                rows = exporter.write(job.format, target, progress)
            target.seek(0)
            digest = _sha256(target)
            target.seek(0)
            with transaction.atomic():
                job.file.save(exporter.filename(job.format), File(target), save=False)
                job.sha256 = digest
                job.rows_done = job.rows_total = rows
                job.status = ExportJob.Status.DONE
                job.finished_at = timezone.now()
                job.error = ""
                job.save()
        log_access(
            job.requested_by, "export", **exporter.describe(), format=job.format, rows=rows, sha256=digest, job=job.pk
        )
    except Exception as error:  # the job shows the failure; the worker does not retry a bad export
        ExportJob.objects.filter(pk=job_pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )


@shared_task(acks_late=True, name="reports.tasks.run_export")
def run_export_task(job_pk: int) -> None:
    """Build one export job's file (idempotent; takes the job's primary key)."""
    run_export(job_pk)


def _sha256(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def register_report_exporters() -> None:
    """Named exporters of this app (the annual report), for the registry."""
    from .annual import AnnualReportExporter

    register_exporter("reports.annual_report")(AnnualReportExporter)
