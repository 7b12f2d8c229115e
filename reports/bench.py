"""`make bench` case: a CSV export of a million rows streams in constant memory.

Generates `scale` × 1,000,000 synthetic business events, then streams the CSV export of
a tenth of them and of all of them through the same `StreamingHttpResponse` the admin and
the API use, and measures wall time, queries, the peak of Python allocations (tracemalloc)
and the process's peak RSS. Constant memory shows as the same allocation peak at both
sizes and no growth of the RSS peak from the small export to the large one.
"""

from __future__ import annotations

import resource
import sys
import tracemalloc
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType

from core.bench import Measure, measure, register_bench
from core.exporters import QuerySetExporter, export_response
from core.models import Event
from organisation.models import Service

CASE = "reports.csv_export"
NOMINAL_ROWS = 1_000_000
BATCH = 20_000
EVENT_NAME = "bench.export"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _make_events(total: int) -> None:
    content_type = ContentType.objects.get_for_model(Service)
    for start in range(0, total, BATCH):
        Event.objects.bulk_create(
            Event(
                name=EVENT_NAME,
                content_type=content_type,
                object_id=n,
                object_repr=f"=voorziening {n}" if n % 1000 == 0 else f"voorziening {n}",
                data={"n": n},
            )
            for n in range(start, min(start + BATCH, total))
        )


def _stream(rows: int) -> tuple[list[float], int]:
    queryset = Event.objects.filter(name=EVENT_NAME).order_by("pk")[:rows]
    exporter = QuerySetExporter(queryset, ["timestamp", "name", "content_type__model", "object_id", "object_repr"])
    tracemalloc.start()
    size = 0
    with measure() as timing:
        response = export_response(exporter, "csv")
        for chunk in response.streaming_content:
            size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [timing.seconds, timing.queries, peak / (1024 * 1024), _peak_rss_mb()], size


@register_bench(CASE)
def csv_export(scale: float) -> list[Measure]:
    total = max(int(NOMINAL_ROWS * scale), 10)
    Event.objects.filter(name=EVENT_NAME).delete()
    try:
        with measure() as setup:
            _make_events(total)
        results = [Measure(CASE, f"create {total} events (bulk_create)", setup.seconds, "s")]
        rss_before = _peak_rss_mb()
        for rows in (total // 10, total):
            (seconds, queries, traced_mb, rss_mb), size = _stream(rows)
            results += [
                Measure(CASE, f"stream {rows} rows: wall time", seconds, "s"),
                Measure(CASE, f"stream {rows} rows: queries", queries, "queries"),
                Measure(CASE, f"stream {rows} rows: CSV size", size / (1024 * 1024), "MiB"),
                Measure(CASE, f"stream {rows} rows: peak Python allocations", traced_mb, "MiB"),
                Measure(CASE, f"stream {rows} rows: process peak RSS", rss_mb, "MiB"),
            ]
        results.append(Measure(CASE, "process peak RSS before streaming", rss_before, "MiB"))
        return results
    finally:
        Event.objects.filter(name=EVENT_NAME).delete()


# --- the annual report over ten years at ten times the seed's yearly volume ------------

TEN_YEARS_CASE = "reports.annual_ten_years"
# the seed's yearly volume of the biggest registers, times ten
YEARLY = {"removals": 150_690, "takedowns": 41_270, "investigations": 5_940, "incidents": 2_360}
BENCH_PREFIX = "bench-ten-years"


def _fill_years(years: range, scale: float) -> int:
    from datetime import UTC, datetime, timedelta

    from incidents.models import FraudAccountRemoval, Incident, MisuseInvestigation, PhishingTakedown

    total = 0
    for year in years:
        start = datetime(year, 1, 1, tzinfo=UTC)
        counts = {kind: max(int(n * scale), 10) for kind, n in YEARLY.items()}
        step = {kind: timedelta(days=364) / n for kind, n in counts.items()}
        for first in range(0, counts["removals"], BATCH):
            FraudAccountRemoval.objects.bulk_create(
                FraudAccountRemoval(
                    pseudonym=f"{year:04d}{i:060x}", reason="phishing", removed_at=start + step["removals"] * i
                )
                for i in range(first, min(first + BATCH, counts["removals"]))
            )
        for first in range(0, counts["takedowns"], BATCH):
            PhishingTakedown.objects.bulk_create(
                PhishingTakedown(
                    url=f"https://{BENCH_PREFIX}-{year}-{i}.example.com",
                    normalised_url=f"{BENCH_PREFIX}-{year}-{i}.example.com",
                    reported_at=start + step["takedowns"] * i,
                    outcome="taken_offline",
                    taken_down_at=start + step["takedowns"] * i + timedelta(hours=6),
                    completed_at=start + step["takedowns"] * i + timedelta(hours=6),
                )
                for i in range(first, min(first + BATCH, counts["takedowns"]))
            )
        MisuseInvestigation.objects.bulk_create(
            MisuseInvestigation(
                chain_partner=BENCH_PREFIX, partner_reference=f"{year}-{i}", subject="bench",
                opened_on=(start + step["investigations"] * i).date(),
            )
            for i in range(counts["investigations"])
        )  # fmt: skip
        moments = [start + step["incidents"] * i for i in range(counts["incidents"])]
        Incident.objects.bulk_create(
            Incident(
                reference=f"B{year}-{i:06d}", title=BENCH_PREFIX, category="outage", detection_source="monitoring",
                status="closed", started_at=at, detected_at=at, resolved_at=at + timedelta(hours=2),
                closed_at=at + timedelta(hours=3),
            )
            for i, at in enumerate(moments)
        )  # fmt: skip
        total += sum(counts.values())
    return total


def _remove_years() -> None:
    from incidents.models import FraudAccountRemoval, Incident, MisuseInvestigation, PhishingTakedown

    # Synthetic rows go without signals: a delete() would write two million history records.
    for queryset in (
        FraudAccountRemoval.objects.filter(pseudonym__regex=r"^[0-9]{4}0{20}"),
        PhishingTakedown.objects.filter(normalised_url__startswith=BENCH_PREFIX),
        MisuseInvestigation.objects.filter(chain_partner=BENCH_PREFIX),
        Incident.objects.filter(title=BENCH_PREFIX),
    ):
        queryset._raw_delete(queryset.db)


@register_bench(TEN_YEARS_CASE)
def annual_ten_years(scale: float) -> list[Measure]:
    """The report's query count with one small year of data and with ten big years: the same
    number of aggregate queries, whatever the volume."""
    from .annual import annual_report

    _remove_years()
    results: list[Measure] = []
    try:
        _fill_years(range(2021, 2022), 0.001)
        with measure() as small:
            annual_report(2021)
        _remove_years()
        with measure() as filling:
            rows = _fill_years(range(2012, 2022), scale)
        with measure() as big:
            annual_report(2021)
        results += [
            Measure(TEN_YEARS_CASE, f"generate {rows} rows over ten years", filling.seconds, "s"),
            Measure(TEN_YEARS_CASE, "annual report, small data: queries", small.queries, "queries"),
            Measure(TEN_YEARS_CASE, f"annual report over {rows} rows: queries", big.queries, "queries"),
            Measure(TEN_YEARS_CASE, f"annual report over {rows} rows: time", big.seconds, "s"),
        ]
    finally:
        _remove_years()
    return results


# --- the annual report against the hand-written GROUP BY ---------------------------------

ANNUAL_RATIO_CASE = "reports.annual_ratio"


def _group_by_sql(years: range) -> list[tuple[str, list[Any]]]:
    """The six incident figures of every year by hand: per table one GROUP BY over a table of
    year bounds (portable SQL: a UNION ALL of the years, joined on the indexed column)."""
    from django.db import connection

    from incidents.models import (
        Calamity,
        DDoSAttack,
        FraudAccountRemoval,
        Incident,
        MisuseInvestigation,
        PhishingTakedown,
    )
    from incidents.stats import year_bounds

    ops = connection.ops
    moments = " UNION ALL ".join("SELECT %s AS year, %s AS lo, %s AS hi" for _ in years)
    moment_params: list[Any] = []
    day_params: list[Any] = []
    for year in years:
        start, end = year_bounds(year)
        moment_params += [year, ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
        day_params += [
            year,
            ops.adapt_datefield_value(date(year, 1, 1)),
            ops.adapt_datefield_value(date(year + 1, 1, 1)),
        ]
    queries = []
    for model, field, extra, extra_params in (
        (Incident, "closed_at", " AND t.status = %s", ["closed"]),
        (Calamity, "declared_at", "", []),
        (DDoSAttack, "started_at", "", []),
        (PhishingTakedown, "completed_at", "", []),
        (MisuseInvestigation, "opened_on", "", []),
        (FraudAccountRemoval, "removed_at", "", []),
    ):
        params = day_params if field == "opened_on" else moment_params
        sql = (
            f"SELECT y.year, COUNT(t.id) FROM ({moments}) y JOIN {model._meta.db_table} t "  # noqa: S608
            f"ON t.{field} >= y.lo AND t.{field} < y.hi{extra} GROUP BY y.year ORDER BY y.year"
        )
        queries.append((sql, params + extra_params))
    return queries


@register_bench(ANNUAL_RATIO_CASE)
def annual_ratio(scale: float) -> list[Any]:
    """`annual_report(year)` (what `manage.py annual_report` runs) over ten years at ten times
    the seed's volume, against the hand-written GROUP BY of the incident figures of every year
    over the same tables: one year's report (the issue's measure, goal: no slower than the
    GROUP BY), and the ten reports together (no goal: the baseline counts the six incident
    figures only, while each report computes every figure of its year and the year before)."""
    from django.db import connection

    from core.bench import Ratio, interleaved

    from .annual import annual_report

    years = range(2012, 2022)
    queries = _group_by_sql(range(2011, 2022))  # each report shows its year and the one before

    def waarborg() -> None:
        for year in years:
            annual_report(year)

    def one_year() -> None:
        annual_report(2021)

    def baseline() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    _remove_years()
    try:
        rows = _fill_years(years, scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # The measure: one year's report (every figure of 2021 and 2020) against the
        # hand-written GROUP BY of the incident figures of all years; then all ten reports
        # against the same baseline (an upper bound: the baseline counts six figures only).
        ours_one, theirs_one = interleaved(one_year, baseline)
        ours, theirs = interleaved(waarborg, baseline)
        with measure() as one:
            annual_report(2021)
        return [
            Ratio("reports", f"annual report of one year, {rows:,} rows", ours_one, theirs_one, 1.0),
            Ratio("reports", f"annual reports of all ten years, {rows:,} rows", ours, theirs, None),
            Measure(ANNUAL_RATIO_CASE, "annual report of one year: queries", one.queries, "queries"),
        ]
    finally:
        _remove_years()
