"""The annual report as a PDF (reportlab): the figures beside last year's, and charts."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .annual import ChartData, availability_rows, report_charts, report_rows

SERIES_COLOURS = [colors.HexColor("#154273"), colors.HexColor("#e17000"), colors.HexColor("#39870c")]


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def bar_chart(chart: ChartData) -> Drawing:
    drawing = Drawing(16 * cm, 7 * cm)
    drawing.add(String(0, 7 * cm - 12, chart.title, fontName="Helvetica-Bold", fontSize=10))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 30, 30, 15 * cm - 30, 5 * cm
    bars.data = [list(values) for _name, values in chart.series] or [[0]]
    bars.categoryAxis.categoryNames = chart.labels
    bars.valueAxis.valueMin = 0
    for i, colour in enumerate(SERIES_COLOURS[: len(chart.series)]):
        bars.bars[i].fillColor = colour
    drawing.add(bars)
    legend = Legend()
    legend.x, legend.y = 15.2 * cm, 5 * cm
    legend.colorNamePairs = list(zip(SERIES_COLOURS, [name for name, _v in chart.series], strict=False))
    drawing.add(legend)
    return drawing


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
        table.append([label, _number(item.achieved) + " %", _number(item.previous) + " %"])
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
        story += [Spacer(1, 0.6 * cm), bar_chart(chart)]
    document.build(story)
    return buffer.getvalue()
