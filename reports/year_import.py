"""Bringing a past year in: an all-or-nothing import of one register from CSV or XLSX.

Four registers, one file each: incidents with their calamities, control checks with their
outcomes, data breaches, and workshop sessions with attendance. The files are read with the
takedown importer's readers (`incidents.imports`: CSV or XLSX, header aliases, row numbers).

Every row is validated with the rules of the admin and the API (the model's full_clean(),
no moment in the future, a status that matches its moments, four eyes on a check, an end
not before its start) and stored at its real moments, so the annual report counts it in the
year it happened. People are matched by user name or e-mail address, controls by code. All
rows are written in one transaction; if any row is bad nothing stays, and the report names
each bad row with its row number (the header is row 1), its column and the reason, in the
active language. A dry run validates and stores nothing.

The history records the import once (an Event `import_year.<register>` with the file's name,
its SHA-256, the number of rows and what was created) beside the normal change history of
each object created.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compliance.controls import period_containing
from compliance.models import CheckResult, CheckStatus, Control, ControlCheck
from core.models import Event, log_event
from core.moments import event_details, event_moment
from incidents.choices import CalamityLevel, Category, DetectionSource, Severity, Status, TimelineKind
from incidents.imports import (
    FutureMoment,
    ImportRefused,
    ImportReport,
    RowProblem,
    _columns,
    _text,
    parse_bool,
    parse_moment,
    read_rows,
)
from incidents.models import Calamity, Incident, TimelineEntry
from organisation.models import Service
from privacy.breaches import validate_report
from privacy.models import DataBreach, Registration, WorkshopSeries, WorkshopSession

REGISTERS = ("incidents", "checks", "breaches", "workshops")

# Who may import a register: whoever may add its records in the admin.
PERMISSIONS = {
    "incidents": "incidents.add_incident",
    "checks": "compliance.add_controlcheck",
    "breaches": "privacy.add_databreach",
    "workshops": "privacy.add_workshopsession",
}


@dataclass(frozen=True)
class CellProblem(RowProblem):
    """A bad row: its number, the column (empty: the row as a whole) and the reason."""

    column: str = ""

    def __str__(self) -> str:
        where = _("rij %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("kolom %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class YearImportReport(ImportReport):
    sha256: str = ""
    file_name: str = ""
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)


class BadCell(Exception):
    """A value that cannot be used: the column it is in and why."""

    def __init__(self, column: str, message: Any) -> None:
        super().__init__(str(message))
        self.column = column
        self.message = str(message)


class _Rollback(Exception):
    """Leave the transaction without keeping anything (a bad row, or a dry run)."""


# --- the columns of each register (Dutch names first, English aliases) ---------------------


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{column name or alias: field} from {field: (names…)}."""
    return {name: key for key, names in table.items() for name in (key, *names)}


INCIDENT_COLUMNS = {
    "kenmerk": ("reference", "referentie"),
    "titel": ("title",),
    "omschrijving": ("description",),
    "categorie": ("category",),
    "ernst": ("severity", "prioriteit", "priority"),
    "bron": ("detection_source", "bron_van_detectie", "source"),
    "status": (),
    "eigenaar": ("owner",),
    "kenmerk_leverancier": ("supplier_reference",),
    "begonnen_op": ("started_at", "geopend_op", "opened_at"),
    "ontdekt_op": ("detected_at",),
    "opgelost_op": ("resolved_at",),
    "gesloten_op": ("closed_at",),
    "voorzieningen": ("services", "voorziening", "service"),
    "burgers_getroffen": ("citizens_affected",),
    "bedrijven_getroffen": ("businesses_affected",),
    "calamiteit_niveau": ("calamity_level", "calamiteit"),
    "calamiteit_op": ("calamity_declared_at", "afgekondigd_op"),
    "calamiteit_reden": ("calamity_reason",),
    "calamiteit_door": ("calamity_declared_by", "afgekondigd_door"),
}
INCIDENT_REQUIRED = ("kenmerk", "titel", "categorie", "status", "begonnen_op")

CHECK_COLUMNS = {
    "maatregel": ("control", "control_code", "code"),
    "periode_begin": ("period_start", "begin_periode"),
    "periode_einde": ("period_end", "einde_periode"),
    "uiterste_datum": ("due_date",),
    "eigenaar": ("owner",),
    "resultaat": ("result",),
    "conclusie": ("conclusion",),
    "ingediend_door": ("submitted_by",),
    "ingediend_op": ("submitted_at",),
    "beoordeling": ("outcome", "review"),
    "beoordeeld_door": ("reviewer", "reviewed_by"),
    "beoordeeld_op": ("reviewed_at",),
    "toelichting": ("comment", "review_note", "opmerking"),
}
CHECK_REQUIRED = ("maatregel", "periode_begin")

BREACH_COLUMNS = {
    "kenmerk": ("reference",),
    "titel": ("title",),
    "aard": ("nature", "aard_van_de_inbreuk"),
    "bekend_op": ("aware_at", "ontdekt_op", "discovered_at"),
    "begonnen_op": ("started_at", "begin"),
    "geeindigd_op": ("ended_at", "einde", "beeindigd_op"),
    "aantal_betrokkenen": ("persons_affected",),
    "risico": ("risk",),
    "gemeld_bij_ap_op": ("reported_to_ap_at", "gemeld_ap_op"),
    "meldnummer_ap": ("ap_reference",),
    "reden_te_laat": ("late_reason",),
    "besloten_niet_te_melden_op": ("not_reported_decided_at",),
    "reden_niet_gemeld": ("reason_not_reported", "not_reported_reasons", "redenen_niet_melden"),
    "betrokkenen_geinformeerd": ("subjects_notified", "notified_data_subjects"),
    "betrokkenen_geinformeerd_op": ("subjects_informed_on",),
    "kanaal": ("subjects_channel", "channel"),
    "geregistreerd_door": ("recorded_by",),
}
BREACH_REQUIRED = ("kenmerk", "titel", "bekend_op")

WORKSHOP_COLUMNS = {
    "soort": ("kind",),
    "reeks": ("series",),
    "begint_om": ("starts_at", "begin"),
    "eindigt_om": ("ends_at", "einde"),
    "locatie": ("location",),
    "plaatsen": ("capacity",),
    "geannuleerd": ("cancelled",),
    "deelnemer": ("attendee", "medewerker", "person"),
    "aanwezig": ("attended", "aanwezigheid"),
    "ingeschreven_op": ("registered_at",),
}
WORKSHOP_REQUIRED = ("soort", "begint_om", "eindigt_om")


# --- values ----------------------------------------------------------------------------


class Row:
    """One row of the file, read by column name; every refusal names its column."""

    def __init__(self, values: list[Any], positions: dict[str, int]) -> None:
        self.values = values
        self.positions = positions

    def raw(self, column: str) -> Any:
        index = self.positions.get(column)
        return self.values[index] if index is not None and index < len(self.values) else None

    def text(self, column: str, required: bool = False) -> str:
        value = _text(self.raw(column))
        if required and not value:
            raise BadCell(column, _("Dit veld is verplicht."))
        return value

    def moment(self, column: str, required: bool = False) -> datetime | None:
        if not self.text(column, required):
            return None
        try:
            return parse_moment(self.raw(column), column)
        except ValueError as error:
            if isinstance(error, FutureMoment):
                raise BadCell(
                    column, _("Deze datum ligt in de toekomst; alleen wat al gebeurd is kan worden vastgelegd.")
                ) from None
            raise BadCell(
                column, _("Ongeldige datum ‘%(value)s’ (verwacht: JJJJ-MM-DD UU:MM).") % {"value": self.text(column)}
            ) from None

    def day(self, column: str, required: bool = False) -> date | None:
        moment = self.moment(column, required)
        return timezone.localdate(moment) if moment else None

    def flag(self, column: str) -> bool:
        try:
            return parse_bool(self.raw(column), column)
        except ValueError:
            raise BadCell(column, _("Verwacht ja of nee, niet ‘%(value)s’.") % {"value": self.text(column)}) from None

    def number(self, column: str) -> int | None:
        text = self.text(column)
        if not text:
            return None
        try:
            value = int(text.replace(".", "").replace(" ", ""))
        except ValueError:
            raise BadCell(column, _("Verwacht een geheel getal, niet ‘%(value)s’.") % {"value": text}) from None
        if value < 0:
            raise BadCell(column, _("Verwacht een getal van 0 of meer."))
        return value

    def choice(self, column: str, choices: Any, default: str = "", extra: dict[str, str] | None = None) -> str:
        text = self.text(column)
        if not text:
            if default:
                return default
            raise BadCell(column, _("Dit veld is verplicht."))
        wanted = text.strip().lower()
        for value, label in choices.choices:
            with translation.override("nl"):
                dutch = str(label).lower()
            if wanted in (str(value).lower(), str(label).lower(), dutch):
                return value
        if extra and wanted in extra:
            return extra[wanted]
        allowed = ", ".join(str(value) for value in choices.values if value)
        raise BadCell(
            column, _("Onbekende waarde ‘%(value)s’ (toegestaan: %(allowed)s).") % {"value": text, "allowed": allowed}
        )

    def person(self, column: str, required: bool = False, default: Any = None) -> Any:
        text = self.text(column)
        if not text:
            if default is not None:
                return default
            if required:
                raise BadCell(column, _("Dit veld is verplicht."))
            return None
        return find_person(text, column)


def find_person(text: str, column: str) -> Any:
    """The user with this user name or e-mail address (case-insensitive)."""
    users = get_user_model().objects.filter(Q(username__iexact=text) | Q(email__iexact=text))[:2]
    found = list(users)
    if len(found) != 1:
        message = (
            _("Onbekende persoon ‘%(value)s’ (gebruikersnaam of e-mailadres).")
            if not found
            else _("‘%(value)s’ past bij meer dan één persoon; gebruik de gebruikersnaam.")
        )
        raise BadCell(column, message % {"value": text})
    return found[0]


def _model_errors(error: ValidationError, columns: dict[str, str]) -> list[BadCell]:
    """A model's refusal as bad cells: each field by the column it came from."""
    if not hasattr(error, "error_dict"):
        return [BadCell("", " ".join(error.messages))]
    problems = []
    for name, messages in error.message_dict.items():
        column = "" if name == NON_FIELD_ERRORS else columns.get(name, name)
        problems.append(BadCell(column, " ".join(messages)))
    return problems


def _clean(obj: models.Model, columns: dict[str, str], exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise _Bad(_model_errors(error, columns)) from None


class _Bad(Exception):
    def __init__(self, problems: list[BadCell]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# --- incidents with their calamities ----------------------------------------------------

INCIDENT_FIELD_COLUMNS = {
    "reference": "kenmerk",
    "title": "titel",
    "description": "omschrijving",
    "category": "categorie",
    "severity": "ernst",
    "detection_source": "bron",
    "status": "status",
    "owner": "eigenaar",
    "supplier_reference": "kenmerk_leverancier",
    "started_at": "begonnen_op",
    "detected_at": "ontdekt_op",
    "resolved_at": "opgelost_op",
    "closed_at": "gesloten_op",
    "citizens_affected": "burgers_getroffen",
    "businesses_affected": "bedrijven_getroffen",
    "level": "calamiteit_niveau",
    "declared_at": "calamiteit_op",
    "reason": "calamiteit_reden",
    "declared_by": "calamiteit_door",
}


def _services(row: Row) -> list[Service]:
    text = row.text("voorzieningen")
    names = [part.strip() for part in text.replace(";", ",").replace("|", ",").split(",") if part.strip()]
    found = []
    for name in names:
        service = Service.objects.filter(Q(slug__iexact=name) | Q(name__iexact=name)).first()
        if service is None:
            raise BadCell("voorzieningen", _("Onbekende voorziening ‘%(value)s’.") % {"value": name})
        found.append(service)
    return found


def import_incident(row: Row, context: ImportContext) -> str:
    status = row.choice("status", Status)
    source = row.choice("bron", DetectionSource, default=DetectionSource.OWN_MONITORING)
    started = row.moment("begonnen_op", required=True)
    detected = row.moment("ontdekt_op") or started
    resolved, closed = row.moment("opgelost_op"), row.moment("gesloten_op")
    problems = []
    if closed and status != Status.CLOSED:
        problems.append(
            BadCell("gesloten_op", _("Alleen een gesloten incident heeft een sluitingstijdstip; dat zet het sluiten."))
        )
    if resolved and status not in (Status.RESOLVED, Status.CLOSED):
        problems.append(
            BadCell("opgelost_op", _("Alleen een opgelost incident heeft een oplostijdstip; dat zet het oplossen."))
        )
    if status == Status.CLOSED and not closed:
        problems.append(BadCell("gesloten_op", _("Een gesloten incident heeft een sluitingstijdstip.")))
    if status in (Status.RESOLVED, Status.CLOSED) and not resolved:
        problems.append(BadCell("opgelost_op", _("Een opgelost incident heeft een oplostijdstip.")))
    if problems:
        raise _Bad(problems)
    incident = Incident(
        reference=row.text("kenmerk", required=True),
        title=row.text("titel", required=True),
        description=row.text("omschrijving"),
        category=row.choice("categorie", Category),
        severity=row.choice("ernst", Severity, default=Severity.MEDIUM),
        detection_source=source,
        status=status,
        owner=row.person("eigenaar"),
        supplier_reference=row.text("kenmerk_leverancier"),
        started_at=started,
        detected_at=detected,
        resolved_at=resolved,
        closed_at=closed,
        citizens_affected=row.number("burgers_getroffen"),
        businesses_affected=row.number("bedrijven_getroffen"),
        status_changed_at=closed or resolved or detected,
    )
    services = _services(row)
    level = row.text("calamiteit_niveau")
    calamity = None
    if level:
        calamity = Calamity(
            incident=incident,
            level=row.choice("calamiteit_niveau", CalamityLevel),
            declared_at=row.moment("calamiteit_op", required=True),
            declared_by=row.person("calamiteit_door", default=context.user, required=True),
            reason=row.text("calamiteit_reden", required=True),
        )
        try:
            event_moment(
                calamity.declared_at, field="declared_at", not_before=started, reason=context.reason, now=context.now
            )
        except ValidationError as error:
            raise _Bad(_model_errors(error, INCIDENT_FIELD_COLUMNS)) from None
    elif row.text("calamiteit_op") or row.text("calamiteit_reden"):
        raise BadCell("calamiteit_niveau", _("Vul het niveau van de calamiteit in."))
    # Validated as an incident in this status (the workflow's path to it is recorded below),
    # with the admin's rules: full_clean() and the consistency of the status and its moments.
    incident._loaded = incident._snapshot()
    _clean(incident, INCIDENT_FIELD_COLUMNS)
    incident.save()
    incident.services.set(services)
    TimelineEntry.objects.bulk_create(_incident_timeline(incident, context.user))
    if calamity is not None:
        calamity.incident = incident
        _clean(calamity, INCIDENT_FIELD_COLUMNS)
        calamity.save()
        TimelineEntry.objects.create(
            incident=incident,
            kind=TimelineKind.CALAMITY,
            at=calamity.declared_at,
            actor=calamity.declared_by,
            to_value=calamity.level,
            text=calamity.reason,
        )
        log_event(
            incident,
            "calamity.declared",
            actor=calamity.declared_by,
            level=calamity.level,
            reason=calamity.reason,
            **context.details(calamity.declared_at),
        )
        context.count("calamities")
    return "incidents"


def _incident_timeline(incident: Incident, actor: Any) -> list[TimelineEntry]:
    """The workflow's steps to the imported status, each at its real moment."""
    first = Status.TRIAGE if incident.detection_source == DetectionSource.SOC_SUPPLIER else Status.NEW
    entries = [TimelineEntry(incident=incident, kind=TimelineKind.CREATED, at=incident.detected_at, to_value=first)]
    resolved = incident.resolved_at
    follow_up_at = incident.detected_at + (resolved - incident.detected_at) / 3 if resolved else incident.detected_at
    steps: list[tuple[str, str, datetime | None]] = []
    if incident.status != first and incident.status not in (Status.NEW, Status.TRIAGE):
        steps.append((first, Status.FOLLOW_UP, follow_up_at))
    if incident.status in (Status.RESOLVED, Status.CLOSED):
        steps.append((Status.FOLLOW_UP, Status.RESOLVED, resolved))
    if incident.status == Status.CLOSED:
        steps.append((Status.RESOLVED, Status.CLOSED, incident.closed_at))
    entries += [
        TimelineEntry(incident=incident, kind=TimelineKind.STATUS, at=at, actor=actor, from_value=old, to_value=new)
        for old, new, at in steps
    ]
    return entries


# --- checks with their outcomes -----------------------------------------------------------

CHECK_FIELD_COLUMNS = {
    "control": "maatregel",
    "period_start": "periode_begin",
    "period_end": "periode_einde",
    "due_date": "uiterste_datum",
    "owner": "eigenaar",
    "result": "resultaat",
    "conclusion": "conclusie",
    "submitted_by": "ingediend_door",
    "submitted_at": "ingediend_op",
    "reviewed_by": "beoordeeld_door",
    "reviewed_at": "beoordeeld_op",
    "review_note": "toelichting",
    "at": "beoordeeld_op",
}
OUTCOMES = {
    "geaccepteerd": CheckStatus.ACCEPTED,
    "accepted": CheckStatus.ACCEPTED,
    "accepteren": CheckStatus.ACCEPTED,
    "afgekeurd": CheckStatus.REJECTED,
    "rejected": CheckStatus.REJECTED,
    "afkeuren": CheckStatus.REJECTED,
}


def import_check(row: Row, context: ImportContext) -> str:
    code = row.text("maatregel", required=True)
    control = Control.objects.filter(code__iexact=code).first()
    if control is None:
        raise BadCell("maatregel", _("Onbekende maatregel ‘%(value)s’ (code).") % {"value": code})
    start = row.day("periode_begin", required=True)
    period_start, period_end = period_containing(start, control.frequency)
    period_start = start
    period_end = row.day("periode_einde") or period_end
    due = row.day("uiterste_datum") or period_end
    if period_start < period_containing(control.start_date, control.frequency)[0]:
        raise BadCell("periode_begin", _("De periode ligt vóór de ingangsdatum van de maatregel."))
    result = row.choice("resultaat", CheckResult, default="-")
    result = "" if result == "-" else result
    submitted_at = row.moment("ingediend_op")
    submitted_by = row.person("ingediend_door")
    outcome_text = row.text("beoordeling").lower()
    outcome = OUTCOMES.get(outcome_text) if outcome_text else None
    if outcome_text and outcome is None:
        raise BadCell(
            "beoordeling", _("Verwacht geaccepteerd of afgekeurd, niet ‘%(value)s’.") % {"value": outcome_text}
        )
    reviewer = row.person("beoordeeld_door", required=outcome is not None)
    reviewed_at = row.moment("beoordeeld_op", required=outcome is not None)
    note = row.text("toelichting")
    problems = []
    if (submitted_at or outcome) and not result:
        problems.append(BadCell("resultaat", _("Geef het resultaat van de controle")))
    if outcome and not submitted_at:
        problems.append(BadCell("ingediend_op", _("Een beoordeelde controle is eerst ingediend: vul in wanneer.")))
    if submitted_at and not submitted_by:
        problems.append(BadCell("ingediend_door", _("Dit veld is verplicht.")))
    if outcome == CheckStatus.REJECTED and not note:
        problems.append(BadCell("toelichting", _("Geef de reden van afkeuren")))
    if reviewer is not None and submitted_by is not None and reviewer.pk == submitted_by.pk:
        problems.append(BadCell("beoordeeld_door", _("De beoordelaar mag niet de indiener zijn")))
    if reviewed_at is not None and not problems:
        try:
            event_moment(reviewed_at, field="at", not_before=submitted_at, reason=context.reason, now=context.now)
        except ValidationError as error:
            problems += _model_errors(error, CHECK_FIELD_COLUMNS)
    if problems:
        raise _Bad(problems)
    status = outcome or (CheckStatus.SUBMITTED if submitted_at else CheckStatus.OPEN)
    check = ControlCheck.objects.filter(control=control, period_start=period_start).first()
    if check is not None and check.status != CheckStatus.OPEN:
        raise BadCell(
            "periode_begin",
            _("Deze controle van deze periode is al %(status)s; een import vult alleen open controles.")
            % {"status": check.get_status_display().lower()},
        )
    if check is None:
        check = ControlCheck(
            control=control,
            period_start=period_start,
            test_method=control.test_method,
            evidence_owner_id=control.evidence_owner_id,
        )
    check.period_end = period_end
    check.due_date = due
    check.owner = row.person("eigenaar", default=control.owner)
    check.status = status
    check.result = result
    check.conclusion = row.text("conclusie")
    check.submitted_by = submitted_by
    check.submitted_at = submitted_at
    check.reviewed_by = reviewer
    check.reviewed_at = reviewed_at
    check.review_note = note
    _clean(check, CHECK_FIELD_COLUMNS)
    check.save()
    if submitted_at:
        log_event(check, "check.submitted", actor=submitted_by, result=result, **context.details(submitted_at))
    if outcome:
        name = "check.accepted" if outcome == CheckStatus.ACCEPTED else "check.rejected"
        log_event(check, name, actor=reviewer, result=result, note=note, **context.details(reviewed_at))
    return "checks"


# --- data breaches -------------------------------------------------------------------------

BREACH_FIELD_COLUMNS = {
    "reference": "kenmerk",
    "title": "titel",
    "nature": "aard",
    "aware_at": "bekend_op",
    "started_at": "begonnen_op",
    "ended_at": "geeindigd_op",
    "persons_affected": "aantal_betrokkenen",
    "risk": "risico",
    "reported_to_ap_at": "gemeld_bij_ap_op",
    "ap_reference": "meldnummer_ap",
    "late_reason": "reden_te_laat",
    "not_reported_decided_at": "besloten_niet_te_melden_op",
    "not_reported_reasons": "reden_niet_gemeld",
    "subjects_decision": "betrokkenen_geinformeerd",
    "subjects_informed_on": "betrokkenen_geinformeerd_op",
    "subjects_channel": "kanaal",
    "recorded_by": "geregistreerd_door",
}


def import_breach(row: Row, context: ImportContext) -> str:
    title = row.text("titel", required=True)
    informed = row.flag("betrokkenen_geinformeerd") if row.text("betrokkenen_geinformeerd") else None
    breach = DataBreach(
        reference=row.text("kenmerk", required=True).lower(),
        title=title,
        nature=row.text("aard") or title,
        aware_at=row.moment("bekend_op", required=True),
        started_at=row.moment("begonnen_op"),
        ended_at=row.moment("geeindigd_op"),
        persons_affected=row.number("aantal_betrokkenen"),
        risk=row.choice("risico", DataBreach.Risk, default=DataBreach.Risk.RISK),
        subjects_decision=(
            DataBreach.SubjectsDecision.INFORM
            if informed
            else DataBreach.SubjectsDecision.UNDECIDED
            if informed is None
            else DataBreach.SubjectsDecision.NOT_NEEDED_LOW_RISK
        ),
        subjects_informed_on=row.day("betrokkenen_geinformeerd_op") if informed else None,
        subjects_channel=row.text("kanaal"),
        recorded_by=row.person("geregistreerd_door", default=context.user, required=True),
    )
    reported_at = row.moment("gemeld_bij_ap_op")
    decided_at = row.moment("besloten_niet_te_melden_op")
    reasons = row.text("reden_niet_gemeld")
    if reported_at and (decided_at or reasons):
        raise BadCell(
            "besloten_niet_te_melden_op",
            _("Een datalek is gemeld bij de AP of er is besloten het niet te melden, niet allebei."),
        )
    if informed and not breach.subjects_informed_on:
        raise BadCell("betrokkenen_geinformeerd_op", _("Vul in wanneer de betrokkenen geïnformeerd zijn."))
    _clean(breach, BREACH_FIELD_COLUMNS)
    if reported_at:
        try:
            validate_report(breach, reported_at, row.text("meldnummer_ap"), row.text("reden_te_laat"))
        except ValidationError as error:
            raise _Bad(_model_errors(error, BREACH_FIELD_COLUMNS)) from None
        breach.reported_to_ap_at = reported_at
        breach.ap_reference = row.text("meldnummer_ap")
        breach.late_reason = row.text("reden_te_laat") if reported_at > breach.deadline else ""
    elif decided_at or reasons:
        if not (decided_at and reasons):
            column = "reden_niet_gemeld" if not reasons else "besloten_niet_te_melden_op"
            raise BadCell(column, _("Dit veld is verplicht."))
        if decided_at < breach.aware_at:
            raise BadCell(
                "besloten_niet_te_melden_op", _("Het besluit kan niet vóór het moment van bekend worden liggen.")
            )
        breach.not_reported_decided_at = decided_at
        breach.not_reported_reasons = reasons
    breach.save()
    return "breaches"


# --- workshop sessions with attendance ---------------------------------------------------

WORKSHOP_FIELD_COLUMNS = {
    "series": "reeks",
    "starts_at": "begint_om",
    "ends_at": "eindigt_om",
    "location": "locatie",
    "capacity": "plaatsen",
    "cancelled": "geannuleerd",
    "user": "deelnemer",
    "attendance": "aanwezig",
    "registered_at": "ingeschreven_op",
}
ATTENDANCE = {
    **dict.fromkeys(("ja", "j", "yes", "y", "1", "true", "aanwezig", "attended"), Registration.Attendance.ATTENDED),
    **dict.fromkeys(("nee", "n", "no", "0", "false", "afwezig", "absent"), Registration.Attendance.ABSENT),
    **dict.fromkeys(("afgemeld", "afgemeld met reden", "excused"), Registration.Attendance.EXCUSED),
    "": Registration.Attendance.UNKNOWN,
}


def import_workshop(row: Row, context: ImportContext) -> str:
    kind = row.choice("soort", WorkshopSeries.Kind, extra={"avg": WorkshopSeries.Kind.AVG, "workshop": "avg"})
    slug = row.text("reeks")
    series_list = WorkshopSeries.objects.filter(kind=kind)
    if slug:
        series = series_list.filter(slug__iexact=slug).first()
        if series is None:
            raise BadCell("reeks", _("Geen reeks ‘%(value)s’ van deze soort.") % {"value": slug})
    else:
        series = series_list.order_by("pk").first()
        if series is None:
            raise BadCell("soort", _("Er is nog geen reeks van deze soort; leg die eerst aan."))
    starts = row.moment("begint_om", required=True)
    ends = row.moment("eindigt_om", required=True)
    session = WorkshopSession.objects.filter(series=series, starts_at=starts).first()
    created = session is None
    if session is None:
        session = WorkshopSession(
            series=series,
            starts_at=starts,
            ends_at=ends,
            location=row.text("locatie") or series.location,
            capacity=row.number("plaatsen") or series.capacity,
            cancelled=row.flag("geannuleerd"),
        )
        _clean(session, WORKSHOP_FIELD_COLUMNS)
        session.save()
        context.count("sessions")
    elif session.ends_at != ends:
        raise BadCell("eindigt_om", _("Deze sessie staat er al (of eerder in het bestand) met een ander eindtijdstip."))
    person = row.person("deelnemer")
    attendance_text = row.text("aanwezig").lower()
    if person is None:
        if attendance_text:
            raise BadCell("deelnemer", _("Dit veld is verplicht."))
        return "sessions" if created else "rows"
    attendance = ATTENDANCE.get(attendance_text)
    if attendance is None:
        raise BadCell("aanwezig", _("Verwacht ja, nee of afgemeld, niet ‘%(value)s’.") % {"value": attendance_text})
    registered_at = row.moment("ingeschreven_op") or starts
    if registered_at > starts:
        raise BadCell("ingeschreven_op", _("De inschrijving ligt na het begin van de sessie."))
    if Registration.objects.filter(session=session, user=person).exists():
        raise BadCell("deelnemer", _("Deze persoon staat al ingeschreven voor deze sessie."))
    registration = Registration(session=session, user=person, attendance=attendance, registered_at=registered_at)
    _clean(registration, WORKSHOP_FIELD_COLUMNS, exclude=["session"])
    registration.save()
    context.count("registrations")
    return "rows"


# --- the import --------------------------------------------------------------------------


@dataclass
class ImportContext:
    user: Any
    file_name: str
    now: datetime
    counts: dict[str, int]

    @property
    def reason(self) -> str:
        """The reason an event is recorded after the fact: it came in with this file."""
        return f"import {self.file_name}"

    def details(self, at: datetime) -> dict[str, Any]:
        """What the history records beside an imported event: when it happened, when it was
        registered, and that it came in with this file."""
        return {**event_details(at, self.reason, self.now), "imported_by": getattr(self.user, "username", "")}

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


@dataclass(frozen=True)
class Register:
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    run: Callable[[Row, ImportContext], str]
    order: Callable[[Row], Any] | None = None


SPECS: dict[str, Register] = {
    "incidents": Register(INCIDENT_COLUMNS, INCIDENT_REQUIRED, import_incident),
    "checks": Register(CHECK_COLUMNS, CHECK_REQUIRED, import_check),
    "breaches": Register(BREACH_COLUMNS, BREACH_REQUIRED, import_breach),
    "workshops": Register(WORKSHOP_COLUMNS, WORKSHOP_REQUIRED, import_workshop),
}


def import_year(
    register: str, content: bytes, file_name: str, actor: Any = None, *, dry_run: bool = False
) -> YearImportReport:
    """Import one register's file: every row or none. Raises ImportRefused (its report names
    each bad row); a dry run checks every row the same way and keeps nothing."""
    spec = SPECS[register]
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = Path(file_name).name[:255]
    report = YearImportReport(
        kind=register, file_name=name, sha256=hashlib.sha256(content).hexdigest(), dry_run=dry_run
    )
    if len(content) > settings.INCIDENTS_IMPORT_MAX_BYTES:
        report.errors.append(CellProblem(0, _("Het bestand is te groot.")))
        raise ImportRefused(report)
    aliases = _aliases(spec.columns)
    try:
        header, rows = read_rows(content, name, aliases)
        positions = _columns(header, aliases, spec.required)
    except ValidationError as error:
        report.errors.append(CellProblem(1, " ".join(error.messages)))
        raise ImportRefused(report) from None
    context = ImportContext(user=user, file_name=name, now=timezone.now(), counts={})
    try:
        with transaction.atomic():
            try:
                for number, values in rows:
                    report.rows += 1
                    _import_row(spec, Row(values, positions), number, context, report)
            except ValidationError as error:  # a line the reader itself could not read
                report.errors.append(CellProblem(report.rows + 2, " ".join(error.messages)))
            if report.errors or dry_run:
                raise _Rollback
            report.counts = dict(context.counts)
            report.created = report.rows
            Event.objects.create(
                name=f"import_year.{register}",
                actor=user,
                object_repr=name,
                data={"file": name, "sha256": report.sha256, "rows": report.rows, "created": report.counts},
            )
    except _Rollback:
        report.counts = dict(context.counts)
        if report.errors:
            raise ImportRefused(report) from None
    return report


def _import_row(spec: Register, row: Row, number: int, context: ImportContext, report: YearImportReport) -> None:
    """One row in its own savepoint: a bad row is undone and reported, the rest carries on
    (so that every bad row is named), and the whole import is undone at the end."""
    try:
        with transaction.atomic():
            kind = spec.run(row, context)
            if kind in ("incidents", "checks", "breaches"):
                context.count(kind)
    except BadCell as bad:
        report.errors.append(CellProblem(number, bad.message, bad.column))
    except _Bad as bad:
        report.errors += [CellProblem(number, problem.message, problem.column) for problem in bad.problems]
    except ValidationError as error:
        report.errors += [CellProblem(number, p.message, p.column) for p in _model_errors(error, {})]
    except IntegrityError:
        report.errors.append(CellProblem(number, _("Deze regel botst met een bestaand gegeven (dubbel?).")))
