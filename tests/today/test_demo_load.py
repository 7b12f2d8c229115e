"""load_demo with the years up to today: fast on SQLite, and a second load changes nothing
(no row, no history record, no event)."""

from __future__ import annotations

import time
from io import StringIO

from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from core.models import Event

APPS = ("organisation", "compliance", "incidents", "privacy", "reports", "auth")


def _counts() -> dict[str, int]:
    models = [model for label in APPS for model in apps.get_app_config(label).get_models()]
    return {model._meta.label: model.objects.count() for model in [*models, LogEntry, Event]}


def test_load_demo_is_fast_and_a_second_load_changes_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # CPU time of this process (SQLite runs in it): the machine may be shared, the work is not
    started = time.process_time()
    call_command("load_demo", stdout=StringIO())
    elapsed = time.process_time() - started
    first = _counts()
    assert first["incidents.Incident"] > 236 + 200 and first["compliance.Evidence"] > 400
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first
    if connection.vendor == "sqlite":
        assert elapsed < 60
