"""What the charts of the pages and of the PDF share: the value axis, the series and their kinds.

The pages draw the charts in the browser with Chart.js (served from node_modules, see
``reports/static/reports/charts.js``): the template puts `chart_spec()` in a
``<script type="application/json">`` block (data, never executed, so the CSP stays strict) and
shows the same numbers in a table, which is also what remains without JavaScript. The PDF
draws the same specification with matplotlib (``reports/pdf.py``).
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from core import formatting


class Chart(Protocol):
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str
    reference: float | None
    axis_title: str
    line_series: tuple[str, ...]


def _values(chart: Chart) -> list[float]:
    return [float(v) for _name, series in chart.series for v in series if v is not None]


def value_range(chart: Chart) -> tuple[float | None, float | None]:
    """The value axis: from 0 (or the lowest value when it is negative) with an automatic top;
    for percentages that all lie above 90 (availability), a narrow band just below the lowest
    value or norm up to at most 100, so that 99,50 against 99,78 shows."""
    values = _values(chart) + ([float(chart.reference)] if chart.reference is not None else [])
    if not values:
        return 0.0, None
    low, high = min(values), max(values)
    if chart.unit.strip() == "%" and low > 90:
        span = max(high - low, 0.1)
        bottom = math.floor((low - span * 0.25) * 10) / 10
        top = min(100.0, math.ceil((high + span * 0.15) * 10) / 10)
        return bottom, max(top, bottom + 0.1)
    if chart.unit.strip() == "%" and high <= 100:
        return min(low, 0.0), 100.0
    return min(low, 0.0), None


def chart_spec(chart: Chart) -> dict[str, Any]:
    """The chart as JSON-ready data for charts.js (and the same choices for matplotlib)."""
    bottom, top = value_range(chart)
    return {
        "title": chart.title,
        "labels": list(chart.labels),
        "series": [
            {
                "name": name,
                "values": [None if v is None else float(v) for v in values],
                "kind": "line" if name in chart.line_series else "bar",
            }
            for name, values in chart.series
        ],
        "unit": chart.unit.strip(),
        "axisTitle": chart.axis_title,
        "min": bottom,
        "max": top,
        "reference": None if chart.reference is None else float(chart.reference),
    }


def value_text(value: Any, unit: str = "") -> str:
    """One value as people read it (the same helpers as every page and the PDF): a count as
    "15.069", a percentage as "99,78" (the unit stands in the column header), nothing as "—"."""
    if value is None or value == "":
        return formatting.EMPTY
    if unit.strip() == "%" or (isinstance(value, float) and not value.is_integer()):
        return formatting.number(value, 2)
    if isinstance(value, float):
        return formatting.number(int(value))
    return formatting.number(value)


def table_rows(chart: Chart) -> list[tuple[str, list[str]]]:
    """The chart's numbers by label, formatted, for the table beside it."""
    return [
        (
            label,
            [value_text(values[i] if i < len(values) else None, chart.unit) for _name, values in chart.series],
        )
        for i, label in enumerate(chart.labels)
    ]
