"""The annual report, and every lookup of figures that live in the other apps.

This module is the only place in `reports` that reaches into `compliance.stats`,
`incidents.stats` and `privacy.stats`: each is named by a dotted path in a registry of
*figure providers* and imported lazily; a provider whose module does not exist yet
contributes nothing (its keys are simply absent).

A figure counts what happened in the year: incidents closed in it, calamities declared in
it, takedowns completed in it (offline or never visible), investigations opened in it,
removals done in it, registrations made in it, self-assessments and DPIAs completed in it.
The providers implement those rules; this module only collects, orders and presents.

The report runs a fixed number of aggregate queries whatever the volume: one for the
availability of each year plus what each provider runs (each provider aggregates too).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from compliance.exporters import BaseExporter, Row
from compliance.models import Availability, FollowUpAction

# The contract (DESIGN.md, "Annual report JSON"), in the order the report shows it.
INCIDENT_KEYS = (
    "incidents_handled",
    "calamities",
    "ddos_attacks",
    "phishing_takedowns",
    "misuse_investigations",
    "fraud_account_removals",
)
PRIVACY_KEYS = (
    "processing_registrations",
    "self_assessments",
    "dpias",
    "data_breaches",
    "data_breaches_reported_late",
    "workshop_sessions",
    "workshop_attendees",
)
CHECK_KEYS = ("control_checks_due", "control_checks_accepted_on_time", "control_checks_overdue")
FIGURE_KEYS = INCIDENT_KEYS + PRIVACY_KEYS + CHECK_KEYS
CONTRACT_KEYS = ("year", *FIGURE_KEYS, "availability")

# Figure providers: `(dotted path of a function (year) -> dict, the keys it provides)`.
FIGURE_PROVIDERS: list[tuple[str, tuple[str, ...]]] = [
    ("incidents.stats.annual_figures", INCIDENT_KEYS),
    ("privacy.stats.annual_figures", PRIVACY_KEYS),
    ("compliance.stats.check_figures", CHECK_KEYS),
]

FIGURE_LABELS: dict[str, Any] = {
    "incidents_handled": _("Afgehandelde incidenten"),
    "calamities": _("Calamiteiten"),
    "ddos_attacks": _("DDoS-aanvallen"),
    "phishing_takedowns": _("Phishingsites offline gehaald"),
    "misuse_investigations": _("Onderzoeken naar misbruik"),
    "fraud_account_removals": _("DigiD-accounts verwijderd wegens fraude"),
    "processing_registrations": _("Registraties in het verwerkingsregister"),
    "self_assessments": _("Self-assessments"),
    "dpias": _("DPIA's"),
    "data_breaches": _("Datalekken"),
    "data_breaches_reported_late": _("Datalekken te laat gemeld"),
    "workshop_sessions": _("AVG-workshops gegeven"),
    "workshop_attendees": _("Deelnemers aan AVG-workshops"),
    "control_checks_due": _("Periodieke controles te doen"),
    "control_checks_accepted_on_time": _("Controles op tijd geaccepteerd"),
    "control_checks_overdue": _("Controles te laat"),
    "availability": _("Beschikbaarheid"),
}


def load_provider(path: str) -> Callable[..., Any] | None:
    """The function at `path`, or None while its module does not exist yet. An import
    error inside an existing module is a bug and is raised, not hidden."""
    module_path, _sep, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except ModuleNotFoundError as error:
        if error.name and module_path.startswith(error.name):
            return None
        raise
    return getattr(module, name, None)


def missing_providers() -> list[str]:
    return [path for path, _keys in FIGURE_PROVIDERS if load_provider(path) is None]


# --- figures -------------------------------------------------------------------------


def availability_figures(year: int) -> list[dict[str, Any]]:
    """Every service with a norm and measured months in `year`: its year figure against
    the norm (one query)."""
    months = (
        Availability.objects.filter(month__year=year, service__availability_norm__isnull=False)
        .select_related("service")
        .order_by("service__name", "month")
    )
    by_service: dict[str, list[Availability]] = {}
    for row in months:
        by_service.setdefault(row.service.name, []).append(row)
    figures = []
    for name, rows in by_service.items():
        achieved = Availability.year_figure(rows)
        norm = rows[0].service.availability_norm
        if achieved is None or norm is None:
            continue
        figures.append({"service": name, "norm": float(norm), "achieved": float(achieved), "met": achieved >= norm})
    return figures


def year_figures(year: int) -> dict[str, Any]:
    """The contract keys for one year; keys of providers not present yet are absent."""
    found: dict[str, Any] = {"year": year}
    for path, keys in FIGURE_PROVIDERS:
        provider = load_provider(path)
        if provider is None:
            continue
        figures = provider(year)
        found.update({key: int(figures[key]) for key in keys})
    found["availability"] = availability_figures(year)
    return {key: found[key] for key in CONTRACT_KEYS if key in found}


def annual_report(year: int) -> dict[str, Any]:
    """The report of `year`: the contract keys, plus `previous_year` with the same keys."""
    report = year_figures(year)
    report["previous_year"] = year_figures(year - 1)
    return report


# --- links from a figure to the records it counts ---------------------------------------


def _admin_changelist(app_label: str, model_name: str, params: dict[str, Any]) -> str | None:
    try:
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}"


def availability_link(year: int, service_pk: int | None = None) -> str | None:
    params: dict[str, Any] = {"month__year": year}
    if service_pk is not None:
        params["service__id__exact"] = service_pk
    return _admin_changelist("compliance", "availability", params)


# figure key -> (year) -> URL of the filtered admin list of the records it counts.
# The other apps' keys are wired once their models exist (see the README, "after the merge").
FIGURE_LINKS: dict[str, Callable[[int], str | None]] = {
    "availability": availability_link,
}


def figure_link(key: str, year: int) -> str | None:
    builder = FIGURE_LINKS.get(key)
    return builder(year) if builder else None


@dataclass
class FigureRow:
    key: str
    label: str
    value: Any
    previous: Any
    url: str | None = None
    previous_url: str | None = None


def report_rows(report: dict[str, Any]) -> list[FigureRow]:
    """The whole-number figures as rows: label, this year, last year, links."""
    year = report["year"]
    previous = report.get("previous_year", {})
    return [
        FigureRow(
            key=key,
            label=force_str(FIGURE_LABELS[key]),
            value=report[key],
            previous=previous.get(key),
            url=figure_link(key, year),
            previous_url=figure_link(key, year - 1),
        )
        for key in FIGURE_KEYS
        if key in report
    ]


@dataclass
class AvailabilityRow:
    service: str
    norm: float
    achieved: float | None
    met: bool | None
    previous: float | None
    url: str | None


def availability_rows(report: dict[str, Any], service_pks: dict[str, int] | None = None) -> list[AvailabilityRow]:
    previous = {item["service"]: item for item in report.get("previous_year", {}).get("availability", [])}
    pks = service_pks or {}
    return [
        AvailabilityRow(
            service=item["service"],
            norm=item["norm"],
            achieved=item["achieved"],
            met=item["met"],
            previous=previous.get(item["service"], {}).get("achieved"),
            url=availability_link(report["year"], pks.get(item["service"])),
        )
        for item in report["availability"]
    ]


# --- the report as a table (CSV, XLSX) ----------------------------------------------------


class AnnualReportExporter(BaseExporter):
    identifier = "reports.annual_report"

    def __init__(self, year: int | str, report: dict[str, Any] | None = None) -> None:
        self.year = int(year)
        self.report = report if report is not None else annual_report(self.year)
        self.verbose_name = f"jaarverslag-{self.year}"

    def headers(self) -> list[str]:
        return [force_str(_("kenmerk")), force_str(_("omschrijving")), str(self.year), str(self.year - 1)]

    def rows(self) -> Iterator[Row]:
        for row in report_rows(self.report):
            yield [row.key, row.label, row.value, row.previous]
        for item in availability_rows(self.report):
            label = force_str(_("Beschikbaarheid %(service)s (norm %(norm).2f%%)")) % {
                "service": item.service,
                "norm": item.norm,
            }
            yield ["availability", label, item.achieved, item.previous]

    def describe(self) -> dict[str, Any]:
        return {"name": self.identifier, "filters": {"year": self.year}}


# --- charts and dashboard panels: data from the other apps, looked up lazily -------------


@dataclass
class ChartData:
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = ""
    # a reference line (a norm), drawn across the chart
    reference: float | None = None


MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Monthly charts of the PDF report: dotted path of a function (year) -> {series name: 12 values}.
REPORT_CHART_PROVIDERS: list[tuple[str, Any]] = [
    ("incidents.stats.incidents_per_month", _("Incidenten en calamiteiten per maand")),
    ("incidents.stats.takedowns_per_month", _("Phishingsites offline gehaald per maand")),
]


def report_charts(year: int) -> list[ChartData]:
    charts = []
    for path, title in REPORT_CHART_PROVIDERS:
        provider = load_provider(path)
        if provider is None:
            continue
        series = provider(year)
        charts.append(ChartData(force_str(title), MONTHS, [(force_str(k), list(v)) for k, v in series.items()]))
    return charts


def open_actions_by_month(today: date) -> ChartData:
    """Open follow-up actions by the month they fall due (overdue months included), one query."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    open_statuses = [FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS]
    counts = (
        FollowUpAction.objects.filter(status__in=open_statuses)
        .annotate(month=TruncMonth("due_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    labels, overdue, upcoming = [], [], []
    for row in counts:
        month = row["month"]
        labels.append(f"{MONTHS[month.month - 1]} {month.year}")
        is_past = (month.year, month.month) < (today.year, today.month)
        overdue.append(row["n"] if is_past else 0)
        upcoming.append(0 if is_past else row["n"])
    return ChartData(
        force_str(_("Open actiepunten per maand van de uiterste datum")),
        labels,
        [(force_str(_("te laat")), overdue), (force_str(_("nog niet te laat")), upcoming)],
    )


def availability_chart(year: int) -> ChartData | None:
    figures = availability_figures(year)
    if not figures:
        return None
    return ChartData(
        force_str(_("Beschikbaarheid per voorziening in %(year)s, tegen de norm")) % {"year": year},
        [f["service"] for f in figures],
        [
            (force_str(_("gerealiseerd")), [f["achieved"] for f in figures]),
            (force_str(_("norm")), [f["norm"] for f in figures]),
        ],
        unit="%",
    )


# Dashboard panels of the other apps: (dotted path of a function (today) -> ChartData-like
# dict {"labels": [...], "series": {name: [values]}}, the panel's title).
DASHBOARD_PROVIDERS: list[tuple[str, Any]] = [
    ("compliance.stats.overdue_checks_chart", _("Controles te laat")),
    ("incidents.stats.incidents_chart", _("Incidenten en calamiteiten per maand")),
    ("incidents.stats.takedowns_chart", _("Phishingsites offline gehaald per maand")),
    ("privacy.stats.breach_clocks_chart", _("Lopende meldtermijnen van datalekken")),
    ("privacy.stats.workshop_completion_chart", _("Deelname aan AVG-workshops per afdeling")),
]


def missing_dashboard_providers() -> list[str]:
    return [path for path, _title in DASHBOARD_PROVIDERS if load_provider(path) is None]


@dataclass
class Panel:
    title: str
    chart: ChartData | None


def dashboard_panels(today: date) -> list[Panel]:
    panels = [
        Panel(force_str(_("Beschikbaarheid tegen de norm")), availability_chart(today.year)),
        Panel(force_str(_("Open actiepunten")), open_actions_by_month(today)),
    ]
    for path, title in DASHBOARD_PROVIDERS:
        provider = load_provider(path)
        chart = None
        if provider is not None:
            data = provider(today)
            chart = ChartData(
                force_str(title),
                [str(label) for label in data["labels"]],
                [(force_str(name), list(values)) for name, values in data["series"].items()],
            )
        panels.append(Panel(force_str(title), chart))
    return panels
