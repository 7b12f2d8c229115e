"""Tiny server-side SVG charts: no JavaScript, no CDN, no inline styles.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>``; colours come from
classes (``series-0``, ``series-1``, … in site.css). The page shows the same numbers in a
table beside it, so the chart is never the only way to read them.
"""

from __future__ import annotations

import itertools
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 12, 12, 56
_ids = itertools.count(1)


class Chart(Protocol):
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str
    reference: float | None


def _scale(chart: Chart) -> tuple[float, float]:
    """The value range of the y axis: from 0 (or near the smallest value for percentages)."""
    values = [v for _name, series in chart.series for v in series if v is not None]
    if not values:
        return 0.0, 1.0
    top = max(values)
    bottom = 0.0
    if chart.unit == "%" and min(values) > 90:
        # availability figures live between 99 and 100: show the part that differs
        bottom = float(int(min(values)) - 1)
        top = 100.0
    return bottom, (top if top > bottom else bottom + 1)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _frame(chart: Chart, body: list[str], bottom: float, top: float) -> SafeString:
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    axis = [
        f'<line class="axis" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{MARGIN_TOP + plot_h}"/>',
        f'<line class="axis" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_h}" '
        f'x2="{WIDTH - MARGIN_RIGHT}" y2="{MARGIN_TOP + plot_h}"/>',
        f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + 4}" text-anchor="end">'
        f"{escape(_fmt(top))}{escape(chart.unit)}</text>",
        f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + plot_h}" text-anchor="end">'
        f"{escape(_fmt(bottom))}{escape(chart.unit)}</text>",
    ]
    names = ", ".join(name for name, _values in chart.series)
    svg = (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{escape(names)}; de cijfers staan in de tabel bij deze grafiek.</desc>'
        + "".join(axis)
        + "".join(body)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (every text in it is escaped above)


def _y(value: float, bottom: float, top: float) -> float:
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    clipped = min(max(value, bottom), top)
    return MARGIN_TOP + plot_h - (clipped - bottom) / (top - bottom) * plot_h


def _label(x: float, text: str) -> str:
    y = HEIGHT - MARGIN_BOTTOM + 14
    return (
        f'<text class="label" x="{x:.1f}" y="{y}" text-anchor="end" transform="rotate(-35 {x:.1f} {y})">'
        f"{escape(text)}</text>"
    )


def bar_chart(chart: Chart) -> SafeString:
    """Grouped bars: one group per label, one bar per series."""
    bottom, top = _scale(chart)
    groups = max(len(chart.labels), 1)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    group_w = plot_w / groups
    bar_w = group_w * 0.8 / max(len(chart.series), 1)
    body = []
    for g, label in enumerate(chart.labels):
        x0 = MARGIN_LEFT + g * group_w + group_w * 0.1
        for s, (name, values) in enumerate(chart.series):
            value = values[g] if g < len(values) and values[g] is not None else bottom
            y = _y(value, bottom, top)
            body.append(
                f'<rect class="bar series-{s}" x="{x0 + s * bar_w:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{_y(bottom, bottom, top) - y:.1f}"><title>{escape(label)}, {escape(name)}: '
                f"{escape(_fmt(value))}{escape(chart.unit)}</title></rect>"
            )
        body.append(_label(x0 + group_w * 0.4, label))
    if chart.reference is not None:
        y = _y(chart.reference, bottom, top)
        body.append(
            f'<line class="reference" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}"/>'
        )
    return _frame(chart, body, bottom, top)


def line_chart(chart: Chart) -> SafeString:
    """One polyline per series over the labels (months)."""
    bottom, top = _scale(chart)
    points_n = max(len(chart.labels) - 1, 1)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    body = []
    for s, (name, values) in enumerate(chart.series):
        points = " ".join(
            f"{MARGIN_LEFT + i * plot_w / points_n:.1f},{_y(v, bottom, top):.1f}"
            for i, v in enumerate(values)
            if v is not None
        )
        body.append(f'<polyline class="line series-{s}" points="{points}"><title>{escape(name)}</title></polyline>')
    for i, label in enumerate(chart.labels):
        body.append(_label(MARGIN_LEFT + i * plot_w / points_n, label))
    return _frame(chart, body, bottom, top)
