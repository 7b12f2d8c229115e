from celery import shared_task


@shared_task(acks_late=True)
def run_export(job_pk: int) -> None:
    """Build one export job's file (idempotent; takes the job's primary key)."""
    from .exports import run_export as build

    build(job_pk)
