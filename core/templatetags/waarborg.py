"""Template filters for dates and numbers: `{% load waarborg %}` then `{{ value|moment }}`,
`|day`, `|number`, `|number:1`, `|percent`, `|capped:10000` (see core/formatting.py)."""

from typing import Any

from django import template

from core import formatting

register = template.Library()


@register.filter
def moment(value: Any) -> str:
    return formatting.moment(value)


@register.filter
def day(value: Any) -> str:
    return formatting.day(value)


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def percent(value: Any, decimals: Any = 2) -> str:
    return formatting.percent(value, int(decimals))


@register.filter
def capped(value: Any, cap: Any) -> str:
    return formatting.capped(value, int(cap))
