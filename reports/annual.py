"""The annual report, its links to the records behind each figure, and the charts.

The figures come from the other apps' statistics (`incidents.stats`, `privacy.stats`,
`compliance.stats`): each defines the counting rule of its figures once (`figure_q`), counts
with it, and its admin filters with it, so the report's links land on exactly the records
a figure counts.

A figure counts what happened in the year: incidents closed in it, calamities declared in
it, takedowns completed in it (offline or never visible), investigations opened in it,
removals done in it, registrations made in it, self-assessments and DPIAs completed in it.

The report runs a fixed number of aggregate queries whatever the volume: the six incident
counts, the six privacy queries, one for the checks and one for the availability, per year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Model
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from compliance import stats as compliance_stats
from compliance.models import ControlCheck, FollowUpAction
from core.exporters import BaseExporter, Row
from incidents import stats as incidents_stats
from organisation.models import Availability
from privacy import stats as privacy_stats
from privacy.models import DataBreach
from privacy.workshops import completion_per_department

# The contract (docs/api.md, "Jaarverslag"), in the order the report shows it.
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
    "data_breaches_not_reported",
    "workshop_sessions",
    "avg_workshop_sessions",
    "onboarding_sessions",
    "workshop_attendees",
)
CHECK_KEYS = ("control_checks_due", "control_checks_accepted_on_time", "control_checks_overdue")
FIGURE_KEYS = INCIDENT_KEYS + PRIVACY_KEYS + CHECK_KEYS
CONTRACT_KEYS = ("year", *FIGURE_KEYS, "availability")

# The functions (year) -> figures, each with the keys it provides.
FIGURE_SOURCES: list[tuple[Callable[[int], dict[str, int]], tuple[str, ...]]] = [
    (incidents_stats.annual_figures, INCIDENT_KEYS),
    (privacy_stats.annual_figures, PRIVACY_KEYS),
    (compliance_stats.check_figures, CHECK_KEYS),
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
    "data_breaches_not_reported": _("Datalekken niet gemeld na de meldtermijn"),
    "workshop_sessions": _("Workshops en onboardingsessies gegeven (totaal)"),
    "avg_workshop_sessions": _("AVG-workshops gegeven"),
    "onboarding_sessions": _("Onboardingsessies gegeven"),
    "workshop_attendees": _("Deelnemers aan workshops en onboarding"),
    "control_checks_due": _("Periodieke controles te doen"),
    "control_checks_accepted_on_time": _("Controles op tijd geaccepteerd"),
    "control_checks_overdue": _("Controles te laat"),
    "availability": _("Beschikbaarheid"),
}

# The counting rule of each figure in one Dutch sentence: shown on the report page beside the
# figure and listed in the auditor's manual (docs/auditor.md, "Hoe elk cijfer geteld wordt").
# The queries behind them are the statistics' `figure_q` (and `availability_figures` below).
FIGURE_RULE_SENTENCES: dict[str, Any] = {
    "incidents_handled": _("Incidenten met de status gesloten waarvan het sluitingstijdstip in het jaar valt."),
    "calamities": _("Calamiteiten waarvan het moment van uitroepen in het jaar valt."),
    "ddos_attacks": _("DDoS-aanvallen die in het jaar begonnen."),
    "phishing_takedowns": _(
        "Phishingsites die in het jaar offline gingen of waarvan in het jaar bleek dat ze nooit bereikbaar waren."
    ),
    "misuse_investigations": _("Onderzoeken naar misbruik die in het jaar geopend zijn."),
    "fraud_account_removals": _("DigiD-accounts die in het jaar wegens fraude verwijderd zijn."),
    "processing_registrations": _("Verwerkingen die in het jaar in het register zijn opgenomen."),
    "self_assessments": _("Self-assessments die in het jaar afgerond zijn (elke ronde telt in haar eigen jaar)."),
    "dpias": _("DPIA's waarover in het jaar besloten is."),
    "data_breaches": _("Datalekken die in het jaar bekend werden, gemeld of niet."),
    "data_breaches_reported_late": _(
        "Datalekken die in het jaar bekend werden en meer dan 72 uur daarna bij de AP gemeld zijn."
    ),
    "data_breaches_not_reported": _(
        "Datalekken die in het jaar bekend werden, niet bij de AP gemeld zijn zonder besluit om niet te melden,"
        " terwijl hun 72 uur voorbij zijn."
    ),
    "workshop_sessions": _(
        "Niet-geannuleerde workshopsessies die in het jaar begonnen, AVG-workshops en onboarding samen."
    ),
    "avg_workshop_sessions": _("Niet-geannuleerde sessies van AVG-workshopreeksen die in het jaar begonnen."),
    "onboarding_sessions": _("Niet-geannuleerde sessies van onboardingreeksen die in het jaar begonnen."),
    "workshop_attendees": _(
        "Personen die aanwezig waren bij minstens één niet-geannuleerde sessie die in het jaar begon, elk één keer."
    ),
    "control_checks_due": _("Periodieke controles waarvan de uiterste datum in het jaar valt, geannuleerde niet."),
    "control_checks_accepted_on_time": _(
        "Van die controles: de controles die uiterlijk op hun uiterste datum geaccepteerd zijn."
    ),
    "control_checks_overdue": _(
        "Van die controles: de controles waarvan de uiterste datum voorbij is en die niet op tijd geaccepteerd zijn."
    ),
    "availability": _(
        "Per voorziening met een norm het gemiddelde van de maanden van het jaar, gewogen naar het aantal dagen,"
        " onafgerond vergeleken met de norm."
    ),
}


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
        exact = Availability.year_figure(rows, exact=True)
        norm = rows[0].service.availability_norm
        if exact is None or norm is None:
            continue
        met = exact >= norm
        figures.append(
            {"service": name, "norm": float(norm), "achieved": float(displayed_availability(exact, norm)), "met": met}
        )
    return figures


def displayed_availability(exact: Decimal, norm: Decimal) -> Decimal:
    """The year figure as shown: two decimals (half up), or as many more as it takes for a
    missed norm not to look met (99.495 against 99.50 shows 99.495, never 99.50)."""
    for places in range(2, 7):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if (exact >= norm) or shown < norm:
            return shown
    return exact.quantize(Decimal("0.0000001"), rounding=ROUND_DOWN)


def decimals(value: float) -> int:
    """The number of decimals to display `value` with (at least two)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return max(2, len(text.partition(".")[2]))


def year_figures(year: int) -> dict[str, Any]:
    """The contract keys for one year, in contract order."""
    found: dict[str, Any] = {"year": year}
    for source, keys in FIGURE_SOURCES:
        figures = source(year)
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
    return _admin_changelist("organisation", "availability", params)


def figure_model(key: str) -> type[Model]:
    """The model whose records figure `key` counts."""
    if key in incidents_stats.FIGURE_RULES:
        return incidents_stats.FIGURE_RULES[key][0]
    if key in privacy_stats.FIGURE_RULES:
        return privacy_stats.FIGURE_RULES[key][0]
    if key in CHECK_KEYS:
        return ControlCheck
    raise KeyError(key)


def _figure_changelist(key: str, year: int) -> str | None:
    """The admin list of `key`'s model filtered by the admin filter named after the figure
    (`?<key>=<year>`), which filters with the figure's own counting rule."""
    meta = figure_model(key)._meta
    return _admin_changelist(meta.app_label, meta.model_name, {key: year})


# figure key -> (year) -> URL of the filtered admin list of the records it counts.
FIGURE_LINKS: dict[str, Callable[[int], str | None]] = {
    **{key: partial(_figure_changelist, key) for key in FIGURE_KEYS},
    "availability": availability_link,
}


def figure_link(key: str, year: int, user: Any = None) -> str | None:
    """The link of a figure, or None when there is none or `user` (if given) may not open it."""
    builder = FIGURE_LINKS.get(key)
    if builder is None:
        return None
    if user is not None:
        meta = (Availability if key == "availability" else figure_model(key))._meta
        if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            return None
    return builder(year)


@dataclass
class FigureRow:
    key: str
    label: str
    value: Any
    previous: Any
    url: str | None = None
    previous_url: str | None = None
    rule: str = ""


def report_rows(report: dict[str, Any], user: Any = None) -> list[FigureRow]:
    """The whole-number figures as rows: label, this year, last year, links (only those
    `user`, if given, may open)."""
    year = report["year"]
    previous = report.get("previous_year", {})
    return [
        FigureRow(
            key=key,
            label=force_str(FIGURE_LABELS[key]),
            value=report[key],
            previous=previous.get(key),
            url=figure_link(key, year, user),
            previous_url=figure_link(key, year - 1, user),
            rule=force_str(FIGURE_RULE_SENTENCES[key]),
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

    @property
    def decimals(self) -> int:
        return decimals(self.achieved) if self.achieved is not None else 2

    @property
    def previous_decimals(self) -> int:
        return decimals(self.previous) if self.previous is not None else 2


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
    # the title of the value axis, with its unit ("aantal", "beschikbaarheid (%)")
    axis_title: str = ""
    # names of the series drawn as a line over the bars (a norm per label)
    line_series: tuple[str, ...] = ()


MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def monthly_charts(year: int, months: list[dict[str, Any]] | None = None) -> list[ChartData]:
    """The per-month charts of the dashboard and the PDF report, from
    `incidents.stats.monthly_counts` (seven queries, or none when `months` is given)."""
    months = months if months is not None else incidents_stats.monthly_counts(year)

    def series(key: str) -> list[float]:
        return [row[key] for row in months]

    return [
        ChartData(
            force_str(_("Incidenten en calamiteiten per maand in %(year)s")) % {"year": year},
            MONTHS,
            [
                (force_str(_("incidenten afgehandeld")), series("incidents_handled")),
                (force_str(_("calamiteiten")), series("calamities")),
            ],
            axis_title=force_str(_("aantal")),
        ),
        ChartData(
            force_str(_("DDoS-aanvallen per maand in %(year)s")) % {"year": year},
            MONTHS,
            [(force_str(_("aanvallen")), series("ddos_attacks"))],
            axis_title=force_str(_("aantal")),
        ),
        ChartData(
            force_str(_("Phishingsites offline gehaald per maand in %(year)s")) % {"year": year},
            MONTHS,
            [(force_str(_("afgehandeld")), series("phishing_takedowns"))],
            axis_title=force_str(_("aantal")),
        ),
    ]


def page_charts(report: dict[str, Any]) -> list[ChartData]:
    """The charts of the report page: availability from the report itself, the monthly charts
    (seven queries)."""
    availability = availability_chart(report["year"], report["availability"])
    return ([availability] if availability else []) + monthly_charts(report["year"])


def report_charts(year: int) -> list[ChartData]:
    """The charts of the PDF report: the monthly charts and availability against the norm."""
    charts = monthly_charts(year)
    availability = availability_chart(year)
    return charts + ([availability] if availability else [])


def open_actions_by_month(today: date) -> ChartData:
    """Open follow-up actions by the month they fall due (overdue months included), one query."""
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
        axis_title=force_str(_("aantal actiepunten")),
    )


def overdue_checks_by_owner(today: date) -> ChartData:
    """Open checks past their due date per control owner (`ControlCheck.objects.overdue()`), one query."""
    rows = (
        ControlCheck.objects.overdue(today)
        .values("control__owner__username", "control__owner__first_name", "control__owner__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "control__owner__username")
    )
    labels = [
        f"{row['control__owner__first_name']} {row['control__owner__last_name']}".strip()
        or row["control__owner__username"]
        for row in rows
    ]
    return ChartData(
        force_str(_("Controles te laat per eigenaar van de beheersmaatregel")),
        labels,
        [(force_str(_("te laat")), [row["n"] for row in rows])],
        axis_title=force_str(_("aantal controles")),
    )


def breach_clocks(now: datetime) -> ChartData:
    """Hours left to report each breach whose clock runs (`DataBreach.objects.open_clock()`);
    negative when the 72 hours have passed. One query."""
    breaches = DataBreach.objects.open_clock().only("reference", "aware_at").order_by("aware_at")
    labels, hours = [], []
    for breach in breaches:
        labels.append(breach.reference)
        hours.append(round((breach.deadline - now).total_seconds() / 3600, 1))
    return ChartData(
        force_str(_("Uren tot de meldtermijn per lopend datalek")),
        labels,
        [(force_str(_("uren over")), hours)],
        unit=" u",
        axis_title=force_str(_("uren tot de meldtermijn (u)")),
    )


def workshop_completion(today: date) -> ChartData:
    """The share of people per department who met their AVG-workshop duty
    (`privacy.workshops.completion_per_department`)."""
    rows = completion_per_department(today)
    return ChartData(
        force_str(_("Deelname aan AVG-workshops per afdeling")),
        [row["department"] for row in rows],
        [(force_str(_("voldaan")), [row["percentage"] for row in rows])],
        unit="%",
        axis_title=force_str(_("deelname (%)")),
    )


def availability_chart(year: int, figures: list[dict[str, Any]] | None = None) -> ChartData | None:
    """Availability per service against its norm (the norm drawn as a line); from `figures`
    (the report's "availability") when given, else one query."""
    figures = figures if figures is not None else availability_figures(year)
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
        axis_title=force_str(_("beschikbaarheid (%)")),
        line_series=(force_str(_("norm")),),
    )


@dataclass
class Panel:
    title: str
    chart: ChartData | None


def dashboard_panels(today: date, year: int | None = None, now: datetime | None = None) -> list[Panel]:
    """Every panel of the dashboard; the per-month panels show `year` (default: this year)."""
    year = year or today.year
    now = now or timezone.now()
    incidents, ddos, takedowns = monthly_charts(year)
    charts = [
        (_("Beschikbaarheid tegen de norm"), availability_chart(year)),
        (_("Open actiepunten"), open_actions_by_month(today)),
        (_("Controles te laat"), overdue_checks_by_owner(today)),
        (_("Incidenten en calamiteiten per maand"), incidents),
        (_("DDoS-aanvallen per maand"), ddos),
        (_("Phishingsites offline gehaald per maand"), takedowns),
        (_("Lopende meldtermijnen van datalekken"), breach_clocks(now)),
        (_("Deelname aan AVG-workshops per afdeling"), workshop_completion(today)),
    ]
    return [Panel(force_str(title), chart) for title, chart in charts]
