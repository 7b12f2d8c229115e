from typing import Any

from django import template
from django.utils.safestring import SafeString

from reports import charts

register = template.Library()


@register.simple_tag
def bar_chart(chart: Any) -> SafeString:
    return charts.bar_chart(chart)


@register.simple_tag
def line_chart(chart: Any) -> SafeString:
    return charts.line_chart(chart)


@register.filter
def chart_rows(chart: Any) -> list[tuple[str, list[Any]]]:
    """The chart's numbers by label, for the table beside it."""
    return [
        (label, [values[i] if i < len(values) else "" for _name, values in chart.series])
        for i, label in enumerate(chart.labels)
    ]
