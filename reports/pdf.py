"""The annual report as a PDF (reportlab): the figures beside last year's, and charts."""

from __future__ import annotations

import io
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import formatting

from .annual import ChartData, availability_rows, report_charts, report_rows
from .charts import chart_spec

# Rijkshuisstijl colours (the design tokens of the pages): lint blue, orange, green; the norm in red
SERIES_COLOURS = ["#154273", "#e17000", "#39870c", "#a90061"]
NORM_COLOUR = "#d52b1e"
INK = "#0f172a"
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16.0, 8.0


def _number(value: Any) -> str:
    """A table cell: the pages' helpers (core.formatting), so the PDF reads as the pages do."""
    if isinstance(value, float):
        return formatting.number(value, 2)
    return formatting.number(value)


def chart_png(chart: ChartData) -> bytes:
    """The chart drawn with matplotlib (the same series, kinds and value axis as the pages'
    Chart.js charts), as PNG bytes at 200 dpi."""
    # matplotlib keeps a font cache; a temporary directory where the home directory is read-only
    os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "waarborg-matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    spec = chart_spec(chart)
    figure = Figure(figsize=(CHART_WIDTH_CM / 2.54, CHART_HEIGHT_CM / 2.54), dpi=200, layout="constrained")
    axes = figure.add_subplot()
    labels = spec["labels"]
    bars = [s for s in spec["series"] if s["kind"] == "bar"]
    lines = [s for s in spec["series"] if s["kind"] == "line"]
    positions = list(range(len(labels)))
    width = 0.8 / max(len(bars), 1)
    bottom = spec["min"] or 0.0
    for i, series in enumerate(bars):
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        heights = [(v if v is not None else bottom) - bottom for v in series["values"]]
        axes.bar(offsets, heights, width, bottom=bottom, label=series["name"], color=SERIES_COLOURS[i % 4])
    for series in lines:
        # a norm per label: a dashed step line across each label's bars
        for n, (p, value) in enumerate(zip(positions, series["values"], strict=False)):
            if value is not None:
                axes.hlines(
                    value,
                    p - 0.45,
                    p + 0.45,
                    colors=NORM_COLOUR,
                    linestyles="--",
                    linewidth=2,
                    label=series["name"] if n == 0 else None,
                )
    if spec["reference"] is not None:
        axes.axhline(spec["reference"], color=NORM_COLOUR, linestyle="--", linewidth=1.5)
    axes.set_ylim(bottom=spec["min"], top=spec["max"])
    if not spec["unit"]:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    unit = spec["unit"]
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick_label(value, unit)))
    axes.set_xticks(
        positions,
        labels,
        rotation=30 if max((len(t) for t in labels), default=0) > 4 else 0,
        ha="right" if max((len(t) for t in labels), default=0) > 4 else "center",
        fontsize=8,
    )
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylabel(spec["axisTitle"], fontsize=9)
    axes.set_title(spec["title"], fontsize=10, loc="left", color=INK, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#cbd5e1", linewidth=0.5)
    axes.set_axisbelow(True)
    figure.legend(loc="outside lower center", ncols=max(len(spec["series"]), 1), fontsize=8, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _tick_label(value: float, unit: str) -> str:
    """Tick labels with the Dutch decimal comma and thousands dot: 99,5; 1.200."""
    value = round(float(value), 2)
    text = formatting.number(int(value)) if value.is_integer() else formatting.number(Decimal(str(value)).normalize())
    return gettext("%(number)s %%") % {"number": text} if unit == "%" else text


def chart_image(chart: ChartData) -> Image:
    return Image(io.BytesIO(chart_png(chart)), width=CHART_WIDTH_CM * cm, height=CHART_HEIGHT_CM * cm)


def annual_report_pdf(report: dict[str, Any]) -> bytes:
    year = report["year"]
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=_("Jaarverslag %(year)s") % {"year": year})
    story: list[Any] = [
        Paragraph(_("Jaarverslag informatiebeveiliging en privacy %(year)s") % {"year": year}, styles["Title"]),
        Paragraph(_("Elk cijfer telt wat in het jaar gebeurde; het vorige jaar staat ernaast."), styles["Normal"]),
        Spacer(1, 0.4 * cm),
    ]
    table = [[_("Cijfer"), str(year), str(year - 1)]]
    table += [[row.label, _number(row.value), _number(row.previous)] for row in report_rows(report)]
    for item in availability_rows(report):
        label = _("Beschikbaarheid %(service)s (norm %(norm)s %%)") % {
            "service": item.service,
            "norm": _number(item.norm),
        }
        table.append([label, formatting.percent(item.achieved), formatting.percent(item.previous)])
    grid = Table(table, colWidths=[10 * cm, 3 * cm, 3 * cm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eeeeee")]),
            ]
        )
    )
    story.append(grid)
    for chart in report_charts(year):
        story += [Spacer(1, 0.6 * cm), KeepTogether([chart_image(chart)])]
    document.build(story)
    return buffer.getvalue()
