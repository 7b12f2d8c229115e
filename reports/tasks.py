"""Celery tasks of the reports app. The export job's task is defined beside the export it
builds (reports/exports.py queues it) and registered under this module's name."""

from .exports import run_export_task  # noqa: F401
