import itertools
from typing import Any

from django import template

from reports import charts

register = template.Library()
_ids = itertools.count(1)


@register.inclusion_tag("reports/_chart.html")
def chart(chart: Any, name: str = "") -> dict[str, Any]:
    """A Chart.js chart (drawn by reports/charts.js from JSON data, no inline script) and
    the same numbers as a table, which is all there is without JavaScript."""
    ident = name or f"chart-{next(_ids)}"
    return {
        "chart": chart,
        "spec": charts.chart_spec(chart),
        "ident": ident,
        "data_id": f"{ident}-data",
        "rows": charts.table_rows(chart),
    }


@register.filter
def chart_rows(chart: Any) -> list[tuple[str, list[Any]]]:
    """The chart's numbers by label, for the table beside it."""
    return charts.table_rows(chart)
