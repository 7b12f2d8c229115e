"""Benchmarks for `make bench`: the annual figures and the register export at volume."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.bench import Measure, measure, register_bench

from . import exports
from .models import DataBreach, ProcessingActivity, Purpose
from .stats import annual_figures

CASE = "privacy.register_and_figures"


@register_bench(CASE)
def register_and_figures(scale: float) -> list[Measure]:
    activities_n, breaches_n = int(500 * scale), int(2000 * scale)
    owner = get_user_model().objects.create(username="bench-privacy-owner")
    try:
        activities = ProcessingActivity.objects.bulk_create(
            (
                ProcessingActivity(
                    code=f"bench-{i}",
                    name=f"Verwerking {i}",
                    controller_contact="Logius",
                    dpo_contact="FG",
                    owner=owner,
                    registered_on=date(2021, 1, 1) + timedelta(days=i % 365),
                )
                for i in range(activities_n)
            ),
            batch_size=500,
        )
        Purpose.objects.bulk_create(
            (Purpose(activity=a, description="Doel", legal_basis="e") for a in activities), batch_size=500
        )
        start = timezone.now() - timedelta(days=400)
        DataBreach.objects.bulk_create(
            (
                DataBreach(
                    reference=f"bench-{i}",
                    title="Lek",
                    aware_at=start + timedelta(hours=i),
                    reported_to_ap_at=start + timedelta(hours=i + 24 + (i % 5) * 20),
                    nature="x",
                    recorded_by=owner,
                )
                for i in range(breaches_n)
            ),
            batch_size=500,
        )
        with measure() as figures:
            annual_figures(timezone.now().year)
        with measure() as csv_export:
            exports.write_csv(exports.register_queryset(), exports.REGISTER_COLUMNS)
        with measure() as xlsx_export:
            exports.write_xlsx(exports.register_queryset(), exports.REGISTER_COLUMNS, "Register")
    finally:
        DataBreach.objects.filter(recorded_by=owner).delete()
        ProcessingActivity.objects.filter(owner=owner).delete()
        owner.delete()
    return [
        Measure(CASE, f"annual_figures ({breaches_n} breaches)", figures.seconds * 1000, "ms"),
        Measure(CASE, "annual_figures queries", figures.queries, "queries"),
        Measure(CASE, f"register CSV ({activities_n} activities)", csv_export.seconds * 1000, "ms"),
        Measure(CASE, "register CSV queries", csv_export.queries, "queries"),
        Measure(CASE, f"register XLSX ({activities_n} activities)", xlsx_export.seconds * 1000, "ms"),
    ]
