"""The Celery application. Tasks are autodiscovered in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("waarborg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _make_queue_folders() -> None:
    """The file-system broker needs its folders before the first message."""
    from pathlib import Path

    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        folder = (app.conf.broker_transport_options or {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


if str(app.conf.broker_url or "").startswith("filesystem://"):
    _make_queue_folders()
