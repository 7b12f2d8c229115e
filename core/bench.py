"""Benchmarks for `make bench`: each app registers its cases in `<app>/bench.py`.

A case is a function `(scale: float) -> list[Measure]` that makes its own synthetic data
(at `scale` × its nominal volume), measures, and cleans up after itself. Cases measure
wall time, query counts and memory; they never assert (tests pin the query counts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Measure:
    case: str
    what: str
    value: float
    unit: str


Case = Callable[[float], list[Measure]]
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
