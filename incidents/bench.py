"""Benchmarks (`make bench BENCH_ARGS="--only incidents"`):

- incidents.import: 20,000 takedowns and 20,000 fraud removals from CSV (validate, dedupe,
  bulk insert, a history record per row, one summary event);
- incidents.lists: the first page of the admin and API lists of takedowns and fraud
  removals at 1,000,000 rows each, beside the full COUNT(*) those lists avoid.

`--scale` multiplies the volumes (CI runs a small scale). Each case removes its rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from core.bench import Measure, measure, register_bench
from core.models import Event

from .imports import import_fraud_removals, import_takedowns
from .models import FraudAccountRemoval, ImportBatch, PhishingTakedown
from .pseudonyms import pseudonymise_account

START = timezone.make_aware(datetime(2021, 1, 1))
INSERT_BATCH = 5000
# Admin pages render without a collected static manifest.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _csv_takedowns(n: int) -> bytes:
    lines = ["url,kind,reported_at,outcome,taken_down_at,hosting_provider"]
    for i in range(n):
        at = START + timedelta(minutes=i)
        lines.append(
            f"https://bench-digid-{i}.example.com/login,website,{at:%Y-%m-%d %H:%M},taken_offline,"
            f"{at + timedelta(hours=3):%Y-%m-%d %H:%M},Bench hosting"
        )
    return "\n".join(lines).encode()


def _csv_removals(n: int) -> bytes:
    lines = ["account_number,bsn,reason_code,removed_at,victim_informed,new_digid_requested"]
    for i in range(n):
        lines.append(f"{700000000 + i},{100000000 + i},phishing,{START + timedelta(minutes=i):%Y-%m-%d %H:%M},ja,nee")
    return "\n".join(lines).encode()


@contextmanager
def _cleanup() -> Iterator[None]:
    """Remove what the case adds (raw deletes: a million rows are not collected one by one)."""
    marks = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (PhishingTakedown, FraudAccountRemoval, ImportBatch, LogEntry, Event)
    }
    try:
        yield
    finally:
        for model, mark in marks.items():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [mark])  # noqa: S608


@register_bench("incidents.import")
def bench_import(scale: float) -> list[Measure]:
    n = max(int(20_000 * scale), 10)
    takedowns, removals = _csv_takedowns(n), _csv_removals(n)
    results: list[Measure] = []
    with _cleanup():
        with measure() as timing:
            report = import_takedowns(takedowns, "bench-takedowns.csv")
        results += _import_measures("takedowns", n, report.created, timing)
        with measure() as timing:
            report = import_fraud_removals(removals, "bench-removals.csv")
        results += _import_measures("fraud removals", n, report.created, timing)
    return results


def _import_measures(what: str, rows: int, created: int, timing: Any) -> list[Measure]:
    return [
        Measure("incidents.import", f"import {rows} {what} (CSV): time", timing.seconds, "s"),
        Measure("incidents.import", f"import {rows} {what} (CSV): queries", timing.queries, "queries"),
        Measure("incidents.import", f"import {rows} {what} (CSV): rows per second", created / timing.seconds, "rows/s"),
    ]


def _fill(n: int) -> None:
    pseudonym = pseudonymise_account("123456789")[:56]
    for offset in range(0, n, INSERT_BATCH):
        rows = range(offset, min(offset + INSERT_BATCH, n))
        PhishingTakedown.objects.bulk_create(
            PhishingTakedown(
                url=f"https://bench-{i}.example.com",
                normalised_url=f"bench-{i}.example.com",
                reported_at=START + timedelta(seconds=30 * i),
                outcome="never_visible",
                completed_at=START + timedelta(seconds=30 * i),
            )
            for i in rows
        )
        FraudAccountRemoval.objects.bulk_create(
            FraudAccountRemoval(
                pseudonym=f"{pseudonym}{i:08x}", reason="phishing", removed_at=START + timedelta(seconds=30 * i)
            )
            for i in rows
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@register_bench("incidents.lists")
def bench_lists(scale: float) -> list[Measure]:
    n = max(int(1_000_000 * scale), 100)
    results: list[Measure] = []
    user = get_user_model().objects.create_superuser("bench-incidents", "bench@waarborg.example", None)
    try:
        with _cleanup(), override_settings(STORAGES=PLAIN_STATIC):
            with measure() as timing:
                _fill(n)
            results.append(Measure("incidents.lists", f"bulk insert {n} takedowns + {n} removals", timing.seconds, "s"))
            results += _time_pages(user, n)
    finally:
        user.delete()
    return results


def _time_pages(user: Any, n: int) -> list[Measure]:
    admin, api = Client(), APIClient()
    admin.force_login(user)
    api.force_authenticate(user)
    pages = [
        ("admin takedowns, first page", admin, "/admin/incidents/phishingtakedown/"),
        (
            "admin takedowns, filtered on outcome",
            admin,
            "/admin/incidents/phishingtakedown/?outcome__exact=never_visible",
        ),
        ("admin fraud removals, first page", admin, "/admin/incidents/fraudaccountremoval/"),
        ("admin fraud removals, page 100", admin, "/admin/incidents/fraudaccountremoval/?p=100"),
        ("API takedowns, first page", api, "/api/v1/phishing-takedowns/"),
        ("API fraud removals, first page", api, "/api/v1/fraud-account-removals/"),
        ("API fraud removals, year filter", api, "/api/v1/fraud-account-removals/?year=2021"),
    ]
    results: list[Measure] = []
    for label, client, url in pages:
        client.get(url)  # warm up: templates, permissions
        with measure() as timing:
            response = client.get(url)
        status = "" if response.status_code == 200 else f" (HTTP {response.status_code})"
        results.append(Measure("incidents.lists", f"{label} at {n} rows{status}", timing.seconds * 1000, "ms"))
        results.append(Measure("incidents.lists", f"{label}: queries", timing.queries, "queries"))
    with measure() as timing:
        FraudAccountRemoval.objects.count()
    results.append(
        Measure("incidents.lists", f"for contrast: full COUNT(*) of {n} removals", timing.seconds * 1000, "ms")
    )
    return results


# The ratio cases (search, export, import against the database alone) live beside these.
from . import bench_ratios  # noqa: E402, F401
