"""Benchmarks for `make bench`: each app registers its cases in `<app>/bench.py`.

A case is a function `(scale: float) -> list[Measure | Ratio]` that makes its own
synthetic data (at `scale` × its nominal volume, or `--rows`), measures, and cleans up
after itself. A `Ratio` is a figure beside its baseline — the raw SQL or COPY doing the
same work — measured in the same run, interleaved (`interleaved()`: medians of N); the
command prints them as a table case / Waarborg / baseline / ratio / goal / met. Cases
that need PostgreSQL report "alleen PostgreSQL" on SQLite. A `Measure` is a single
figure (memory, query counts). Cases never assert (tests pin the query counts).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Measure:
    case: str
    what: str
    value: float
    unit: str


Case = Callable[[float], list[Any]]  # Measure and Ratio items
_cases: dict[str, Case] = {}


def register_bench(name: str) -> Callable[[Case], Case]:
    def decorator(func: Case) -> Case:
        _cases[name] = func
        return func

    return decorator


def cases() -> dict[str, Case]:
    return dict(_cases)


@dataclass
class Timing:
    seconds: float = 0.0
    queries: int = 0


@contextmanager
def measure() -> Iterator[Timing]:
    """Wall time and number of queries of the block."""
    # The query log keeps the last 9,000 queries only: once it is full, a count of new
    # entries would read 0. Start from an empty log.
    connection.queries_log.clear()
    timing = Timing()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        yield timing
        timing.seconds = time.perf_counter() - start
    timing.queries = len(captured.captured_queries)


# --- ratios: Waarborg against the database doing the same work --------------------------


@dataclass(frozen=True)
class Ratio:
    """A case's figure beside its baseline (the raw SQL or COPY doing the same work),
    both the median of interleaved runs. `goal` is the highest ratio that meets it
    (None: no goal); `skipped` says why the case did not run (e.g. "alleen PostgreSQL")."""

    case: str
    what: str
    waarborg: float = 0.0  # seconds
    baseline: float = 0.0  # seconds
    goal: float | None = None
    skipped: str = ""

    @property
    def ratio(self) -> float:
        return self.waarborg / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool | None:
        if self.skipped or self.goal is None:
            return None
        return self.ratio <= self.goal


POSTGRESQL_ONLY = "alleen PostgreSQL"
# The number of rows asked for with `manage.py bench --rows N` (None: each case's default).
_options: dict[str, Any] = {"rows": None, "huge": False, "repeat": 5}


def configure(*, rows: int | None = None, huge: bool = False, repeat: int = 5) -> None:
    _options.update(rows=rows, huge=huge, repeat=repeat)


def rows_for(default: int, scale: float) -> int:
    """The volume of a case: `--rows` when given, else its default × `--scale`."""
    rows = _options["rows"]
    return int(rows) if rows else max(int(default * scale), 10)


def huge() -> bool:
    return bool(_options["huge"])


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def interleaved(
    waarborg: Callable[[], Any],
    baseline: Callable[[], Any],
    repeat: int | None = None,
    *,
    reset: Callable[[], Any] | None = None,
    warm_up: bool = True,
) -> tuple[float, float]:
    """Median seconds of `waarborg` and `baseline`, run alternately (Waarborg, baseline,
    Waarborg, baseline, …) after one warm-up run of each, so both see the same caches.
    `reset` (untimed) runs before every run, e.g. to remove what an import added."""
    repeat = repeat or int(_options["repeat"])
    reset = reset or (lambda: None)
    if warm_up:
        reset()
        waarborg()
        reset()
        baseline()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        reset()
        start = time.perf_counter()
        waarborg()
        ours.append(time.perf_counter() - start)
        reset()
        start = time.perf_counter()
        baseline()
        theirs.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(theirs)


def format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.2f} ms"
