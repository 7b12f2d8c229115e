"""Statistics of the incidents registers per year and per month (the annual report and the
dashboard read these). Every figure is one aggregate query over an indexed date range, so
the number of queries is fixed, whatever the volume.

What counts in a year (Amsterdam time), as the annual report defines it:
- incidents_handled: incidents closed in the year (status closed, by closed_at);
- calamities: calamities declared in the year (declared_at);
- ddos_attacks: attacks that started in the year (started_at);
- phishing_takedowns: takedowns completed in the year: taken offline (by taken_down_at) or
  never visible (by reported_at); those still online do not count (completed_at);
- misuse_investigations: investigations opened in the year (opened_on);
- fraud_account_removals: accounts removed in the year (removed_at).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Model, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from .choices import Category, Status
from .models import Calamity, DDoSAttack, FraudAccountRemoval, Incident, MisuseInvestigation, PhishingTakedown

ANNUAL_KEYS = (
    "incidents_handled",
    "calamities",
    "ddos_attacks",
    "phishing_takedowns",
    "misuse_investigations",
    "fraud_account_removals",
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) in local time."""
    return timezone.make_aware(datetime(year, 1, 1)), timezone.make_aware(datetime(year + 1, 1, 1))


def _in_year(field: str, year: int) -> dict[str, Any]:
    start, end = year_bounds(year)
    return {f"{field}__gte": start, f"{field}__lt": end}


def _closed_in_year(field: str, year: int) -> dict[str, Any]:
    """Closed in the year: a closing moment alone (without the status) never counts."""
    return {**_in_year(field, year), "status": Status.CLOSED}


def _date_in_year(field: str, year: int) -> dict[str, Any]:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lt": date(year + 1, 1, 1)}


# The counting rule of each figure, defined once: (model, field, lookup of the year on it).
# The annual report, the monthly charts and the admin filters behind the report's links
# all read these, so a figure and the list it links to cannot disagree.
FIGURE_RULES: dict[str, tuple[type[Model], str, Callable[[str, int], dict[str, Any]]]] = {
    "incidents_handled": (Incident, "closed_at", _closed_in_year),
    "calamities": (Calamity, "declared_at", _in_year),
    "ddos_attacks": (DDoSAttack, "started_at", _in_year),
    "phishing_takedowns": (PhishingTakedown, "completed_at", _in_year),
    "misuse_investigations": (MisuseInvestigation, "opened_on", _date_in_year),
    "fraud_account_removals": (FraudAccountRemoval, "removed_at", _in_year),
}


def figure_q(key: str, year: int) -> Q:
    """The condition a record of FIGURE_RULES[key]'s model meets to count in `year`."""
    _model, field, bounds = FIGURE_RULES[key]
    return Q(**bounds(field, year))


def figure_queryset(key: str, year: int) -> QuerySet[Any]:
    """The records figure `key` counts in `year`."""
    model = FIGURE_RULES[key][0]
    return model._default_manager.filter(figure_q(key, year))


def annual_figures(year: int) -> dict[str, int]:
    """The six figures of the incidents chapter of the annual report: six COUNT queries."""
    return {key: figure_queryset(key, year).count() for key in ANNUAL_KEYS}


def _per_month(queryset: Any, field: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    rows = queryset.annotate(m=ExtractMonth(field)).values("m").annotate(**aggregates).order_by("m")
    return {row.pop("m"): row for row in rows}


def monthly_counts(year: int) -> list[dict[str, Any]]:
    """Twelve rows, one per month: incidents started per category, incidents handled,
    calamities, DDoS attacks (count, largest and total peak volume, minutes of interruption),
    takedowns completed, investigations opened, accounts removed. Seven queries."""
    started: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Incident.objects.filter(**_in_year("started_at", year))
        .annotate(m=ExtractMonth("started_at"))
        .values("m", "category")
        .annotate(n=Count("id"))
        .order_by("m", "category")
    ):
        started[row["m"]][row["category"]] = row["n"]
    handled = _per_month(figure_queryset("incidents_handled", year), "closed_at", n=Count("id"))
    calamities = _per_month(figure_queryset("calamities", year), "declared_at", n=Count("id"))
    ddos = _per_month(
        figure_queryset("ddos_attacks", year),
        "started_at",
        n=Count("id"),
        peak=Max("peak_gbps"),
        volume=Sum("peak_gbps"),
        interruption=Sum("interruption_minutes"),
    )
    takedowns = _per_month(figure_queryset("phishing_takedowns", year), "completed_at", n=Count("id"))
    misuse = _per_month(
        figure_queryset("misuse_investigations", year),
        "opened_on",
        n=Count("id"),
    )
    removals = _per_month(figure_queryset("fraud_account_removals", year), "removed_at", n=Count("id"))
    return [
        {
            "month": month,
            "incidents_by_category": {category: started[month].get(category, 0) for category in Category.values},
            "incidents_started": sum(started[month].values()),
            "incidents_handled": handled.get(month, {}).get("n", 0),
            "calamities": calamities.get(month, {}).get("n", 0),
            "ddos_attacks": ddos.get(month, {}).get("n", 0),
            "ddos_peak_gbps": float(ddos.get(month, {}).get("peak") or 0),
            "ddos_total_peak_gbps": float(ddos.get(month, {}).get("volume") or 0),
            "ddos_interruption_minutes": ddos.get(month, {}).get("interruption") or 0,
            "phishing_takedowns": takedowns.get(month, {}).get("n", 0),
            "misuse_investigations": misuse.get(month, {}).get("n", 0),
            "fraud_account_removals": removals.get(month, {}).get("n", 0),
        }
        for month in range(1, 13)
    ]


def repeat_victims(year: int) -> int:
    """Pseudonyms (accounts) removed more than once in the year."""
    return (
        figure_queryset("fraud_account_removals", year)
        .values("pseudonym")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
