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

from django.contrib.contenttypes.models import ContentType

from compliance.bench import Measure, measure, register_bench
from compliance.exporters import QuerySetExporter, export_response
from compliance.models import Event, Service

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
