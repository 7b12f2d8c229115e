"""The start page ("Vandaag"): one section per role the signed-in person has, each a few lines
of what needs them now, most urgent first, every line one click from where it is done.

A count on this page is never a query of its own: it is the count of the very list it links
to. A line on an admin list builds that list's ChangeList from the same query string (so the
same filters, search and permissions apply); a line on a page uses the function that page
uses ("Mijn controles" its FilterSet, the workshop pages privacy.workshops). Each line costs a
fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Model
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from core import formatting

TOP = 5  # rows shown under a line
SOON_DAYS = 14  # follow-up actions due within this many days count as due
CHECKS_SOON_DAYS = 30  # an employee's checks due within this many days


@dataclass
class Row:
    text: str
    url: str = ""
    detail: str = ""
    urgent: bool = False


@dataclass
class Line:
    label: str
    url: str
    count: int | None = None
    rows: list[Row] = field(default_factory=list)
    urgent: bool = False
    empty: str = ""
    top: int = TOP  # how many of the list's rows it shows
    cap: int | None = None  # the list stops counting beyond this many rows

    @property
    def count_text(self) -> str:
        """The count with Dutch separators; beyond the cap "meer dan 10.000"."""
        if self.count is None:
            return ""
        return formatting.capped(self.count, self.cap) if self.cap is not None else formatting.number(self.count)


@dataclass
class Section:
    role: str
    title: str
    lines: list[Line]


def when(moment: datetime | date | None) -> str:
    """A moment as "30 november 2026 10:38" in Europe/Amsterdam; a date as "30 november 2026"."""
    return formatting.moment(moment) if isinstance(moment, datetime) else formatting.day(moment)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


# --- lines on admin lists ----------------------------------------------------------------


def admin_changelist(request: HttpRequest, model: type[Model], query: dict[str, Any], per_page: int = TOP) -> Any:
    """The admin ChangeList of `model` for `query`, as the list page would build it for this
    user (None when they may not see that list)."""
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_permission(request):
        return None
    sub = copy.copy(request)
    sub.GET = QueryDict(urlencode(query, doseq=True))
    # exactly as ModelAdmin.get_changelist_instance, but a page of `per_page` rows
    list_display = model_admin.get_list_display(sub)
    list_display_links = model_admin.get_list_display_links(sub, list_display)
    if model_admin.get_actions(sub):
        list_display = ["action_checkbox", *list_display]
    changelist = model_admin.get_changelist(sub)
    try:
        return changelist(
            sub,
            model,
            list_display,
            list_display_links,
            model_admin.get_list_filter(sub),
            model_admin.date_hierarchy,
            model_admin.get_search_fields(sub),
            model_admin.get_list_select_related(sub),
            per_page,
            model_admin.list_max_show_all,
            model_admin.list_editable,
            model_admin,
            model_admin.get_sortable_by(sub),
            model_admin.search_help_text,
        )
    except IncorrectLookupParameters:  # pragma: no cover - the queries below are fixed
        return None


def admin_url(model: type[Model], query: dict[str, Any]) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def admin_line(
    request: HttpRequest,
    model: type[Model],
    query: dict[str, Any],
    label: str,
    row: Any,
    empty: str,
    urgent_if_any: bool = False,
    order_by: tuple[Any, ...] = (),
    select: tuple[str, ...] = (),
    top: int = TOP,
) -> Line | None:
    """A line counting the admin list of `model` under `query`, with its first rows (in the
    list's own order, or most urgent first by `order_by`)."""
    changelist = admin_changelist(request, model, query)
    if changelist is None:
        return None
    objects = changelist.result_list
    if order_by:
        objects = changelist.queryset.select_related(*select).order_by(*order_by)[:TOP]
    rows = [row(obj) for obj in list(objects)[:top]]
    count = changelist.result_count
    capped = getattr(changelist.paginator, "capped", False)
    return Line(
        label=label,
        url=admin_url(model, query),
        count=count,
        rows=rows,
        urgent=urgent_if_any and count > 0,
        empty=empty,
        top=top,
        cap=getattr(changelist.paginator, "limit", None) if capped else None,
    )


def _change_url(obj: Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# --- the sections ------------------------------------------------------------------------


def employee_section(request: HttpRequest, today: date) -> Section:
    from compliance.views import my_checks_filter
    from organisation.models import Person
    from privacy import workshops

    user = request.user
    lines: list[Line] = []
    if user.has_perm("compliance.view_controlcheck"):
        base = reverse("my-checks")
        overdue_query = {"overdue": "true"}
        overdue = my_checks_filter(request, QueryDict(urlencode(overdue_query))).qs
        soon_query = {
            "overdue": "false",
            "status": ["open", "rejected"],
            "due_to": (today + timedelta(days=CHECKS_SOON_DAYS)).isoformat(),
        }
        soon = my_checks_filter(request, QueryDict(urlencode(soon_query, doseq=True))).qs
        for query, qs, label, empty, urgent in (
            (overdue_query, overdue, _("Mijn achterstallige controles"), _("Geen achterstallige controles."), True),
            (
                soon_query,
                soon,
                _("Mijn controles met een uiterste datum binnen %(days)d dagen") % {"days": CHECKS_SOON_DAYS},
                _("Geen controles die binnenkort verlopen."),
                False,
            ),
        ):
            count = qs.count()
            rows = [
                Row(
                    text=f"{check.control.code} {check.control.title}",
                    url=check.get_absolute_url(),
                    detail=_("uiterlijk %(date)s · %(status)s")
                    % {"date": when(check.due_date), "status": check.get_status_display()},
                    urgent=urgent,
                )
                for check in qs[:TOP]
            ]
            url = f"{base}?{urlencode(query, doseq=True)}"
            lines.append(Line(label=label, url=url, count=count, rows=rows, urgent=urgent and count > 0, empty=empty))
    person = Person.objects.filter(user=user).select_related("user", "department").first()
    if person is not None:
        duty = workshops.duties(today, [person])[0]
        calendar = reverse("privacy:calendar") if user.has_perm("privacy.view_workshopsession") else ""
        rows = []
        if duty.onboarding_owed:
            rows.append(
                Row(
                    text=_("Onboarding informatiebeveiliging en privacy"),
                    url=calendar,
                    detail=_("te laat: uiterlijk %(date)s") % {"date": when(duty.onboarding_due)}
                    if duty.onboarding_overdue
                    else _("uiterlijk %(date)s") % {"date": when(duty.onboarding_due)},
                    urgent=duty.onboarding_overdue,
                )
            )
        rows.append(
            Row(
                text=_("AVG-workshop"),
                url=calendar,
                detail=(_("te laat: uiterlijk %(date)s") if duty.avg_overdue else _("volgende uiterlijk %(date)s"))
                % {"date": when(duty.avg_due)}
                + (
                    " · " + _("laatst gevolgd op %(date)s") % {"date": when(duty.avg_last_on)}
                    if duty.avg_last_on
                    else ""
                ),
                urgent=duty.avg_overdue,
            )
        )
        lines.append(Line(label=_("Mijn workshopplicht"), url=calendar, rows=rows, urgent=duty.overdue))
    if user.has_perm("privacy.view_registration"):
        upcoming, _past = workshops.my_registrations(user)
        lines.append(
            Line(
                label=_("Mijn komende inschrijvingen"),
                url=reverse("privacy:my-registrations"),
                count=len(upcoming),
                rows=[
                    Row(
                        text=registration.session.series.name,
                        url=reverse("privacy:my-registrations"),
                        detail=f"{when(registration.session.starts_at)} · {registration.get_status_display()}",
                    )
                    for registration in upcoming[:TOP]
                ],
                empty=_("U bent nergens voor ingeschreven."),
            )
        )
    return Section(roles.EMPLOYEE, _("Voor u als medewerker"), lines)


def security_section(request: HttpRequest, today: date) -> Section:
    from compliance.models import ControlCheck, FollowUpAction
    from incidents.choices import Status
    from incidents.models import ImportBatch, Incident

    def check_row(check: ControlCheck) -> Row:
        return Row(
            text=f"{check.control.code} {check.control.title}",
            url=check.get_absolute_url(),
            detail=_("uiterlijk %(date)s · eigenaar %(owner)s")
            % {"date": when(check.due_date), "owner": _name(check.owner)},
            urgent=check.is_overdue,
        )

    def incident_row(incident: Incident) -> Row:
        age = (timezone.now() - incident.started_at).days if incident.started_at else 0
        detail = _("%(severity)s · %(status)s · begonnen %(date)s (%(days)s)") % {
            "severity": incident.get_severity_display(),
            "status": incident.get_status_display(),
            "date": when(incident.started_at),
            "days": ngettext("%(n)d dag", "%(n)d dagen", age) % {"n": age},
        }
        if incident.escalation_proposed:
            detail += " · " + _("opschalen naar calamiteit voorgesteld")
        return Row(
            text=f"{incident.reference} {incident.title}",
            url=_change_url(incident),
            detail=detail,
            urgent=incident.escalation_proposed or incident.severity in ("high", "critical"),
        )

    def action_row(action: FollowUpAction) -> Row:
        return Row(
            text=action.title,
            url=_change_url(action),
            detail=_("uiterlijk %(date)s · %(owner)s") % {"date": when(action.due_date), "owner": _name(action.owner)},
            urgent=action.due_date < today,
        )

    def batch_row(batch: ImportBatch) -> Row:
        return Row(
            text=f"{batch.get_kind_display()}: {batch.file_name}",
            url=_change_url(batch),
            detail=_("%(date)s · %(rows)d regels, %(created)d toegevoegd")
            % {"date": when(batch.imported_at), "rows": batch.rows, "created": batch.created},
        )

    from django.db.models import Case, IntegerField, Value, When

    from incidents.choices import Severity

    severity_rank = Case(
        *(When(severity=value, then=Value(rank)) for rank, value in enumerate(Severity.values)),
        output_field=IntegerField(),
    )
    open_statuses = ",".join(s for s in Status.values if s != Status.CLOSED)
    recent = today - timedelta(days=30)
    lines = [
        admin_line(
            request,
            ControlCheck,
            {"review": "1"},
            _("Ingediende controles die op uw beoordeling wachten"),
            check_row,
            _("Niets te beoordelen."),
            urgent_if_any=True,
        ),
        admin_line(
            request,
            ControlCheck,
            {"mine": "1", "overdue": "1"},
            _("Achterstallige controles aan u toegewezen"),
            check_row,
            _("Geen achterstallige controles."),
            urgent_if_any=True,
        ),
        admin_line(
            request,
            Incident,
            {"status__in": open_statuses},
            _("Open incidenten, ernstigste en oudste eerst"),
            incident_row,
            _("Geen open incidenten."),
            order_by=(severity_rank.desc(), "started_at", "pk"),
            select=("calamity",),
        ),
        admin_line(
            request,
            FollowUpAction,
            {"status__in": "open,in_progress", "due_date__lte": (today + timedelta(days=SOON_DAYS)).isoformat()},
            _("Actiepunten die binnen %(days)d dagen of eerder verlopen") % {"days": SOON_DAYS},
            action_row,
            _("Geen actiepunten die verlopen."),
        ),
        admin_line(
            request,
            ImportBatch,
            {"imported_at__gte": timezone.make_aware(datetime.combine(recent, time())).isoformat()},
            _("Imports van takedowns en fraude sinds %(date)s") % {"date": when(recent)},
            batch_row,
            _("Geen imports in de afgelopen 30 dagen."),
        ),
    ]
    return Section(roles.SECURITY_OFFICER, _("Als security officer"), [line for line in lines if line])


def privacy_section(request: HttpRequest, today: date) -> Section:
    from privacy.models import DPIA, DataBreach, ProcessingActivity, SelfAssessment

    now = timezone.now()

    def breach_row(breach: DataBreach) -> Row:
        seconds = breach.seconds_remaining(now) or 0
        if seconds > 0:
            hours, minutes = divmod(seconds // 60, 60)
            left = _("nog %(hours)d uur %(minutes)d minuten") % {"hours": hours, "minutes": minutes}
        else:
            left = _("termijn verstreken")
        return Row(
            text=f"{breach.reference.upper()} {breach.title}",
            url=_change_url(breach),
            detail=_("melden bij de AP uiterlijk %(deadline)s · %(left)s")
            % {"deadline": when(breach.deadline), "left": left},
            urgent=True,
        )

    def dpia_row(dpia: DPIA) -> Row:
        return Row(text=dpia.title, url=_change_url(dpia), detail=dpia.get_status_display())

    def activity_row(activity: ProcessingActivity) -> Row:
        return Row(
            text=activity.name,
            url=_change_url(activity),
            detail=_("herbeoordelen uiterlijk %(date)s") % {"date": when(activity.next_review_on)},
            urgent=True,
        )

    def assessment_row(assessment: SelfAssessment) -> Row:
        return Row(
            text=str(assessment),
            url=_change_url(assessment),
            detail=_("begonnen %(date)s · %(assessor)s")
            % {"date": when(assessment.started_on), "assessor": _name(assessment.assessor)},
        )

    lines = [
        admin_line(
            request,
            DataBreach,
            {"reported_to_ap_at__isnull": "True", "not_reported_decided_at__isnull": "True"},
            _("Datalekken waarvan de 72-uursklok loopt"),
            breach_row,
            _("Geen lopende meldtermijnen."),
            urgent_if_any=True,
            order_by=("aware_at", "pk"),
        ),
        admin_line(
            request,
            DPIA,
            {"status__exact": DPIA.Status.IN_REVIEW},
            _("DPIA's die wachten op uw advies"),
            dpia_row,
            _("Geen DPIA's die op advies wachten."),
        ),
        admin_line(
            request,
            DPIA,
            {"status__exact": DPIA.Status.DPO_ADVICE},
            _("DPIA's die wachten op een besluit"),
            dpia_row,
            _("Geen DPIA's die op een besluit wachten."),
        ),
        admin_line(
            request,
            ProcessingActivity,
            {"next_review_on__lt": today.isoformat()},
            _("Registraties voorbij hun herbeoordelingsdatum"),
            activity_row,
            _("Alle registraties zijn op tijd herbeoordeeld."),
        ),
        admin_line(
            request,
            SelfAssessment,
            {"completed_on__isnull": "True"},
            _("Self-assessments in uitvoering"),
            assessment_row,
            _("Geen self-assessments in uitvoering."),
        ),
    ]
    return Section(roles.PRIVACY_OFFICER, _("Als privacyfunctionaris"), [line for line in lines if line])


def workshop_section(request: HttpRequest, today: date) -> Section:
    from privacy import workshops
    from privacy.filters import WorkshopSessionFilter
    from privacy.models import WorkshopSession

    lines: list[Line | None] = []
    calendar = WorkshopSessionFilter(QueryDict(), queryset=workshops.upcoming_sessions()).qs
    lines.append(
        Line(
            label=_("Komende sessies"),
            url=reverse("privacy:calendar"),
            count=calendar.count(),
            rows=[
                Row(
                    text=session.series.name,
                    url=_change_url(session),
                    detail=_("%(date)s · %(taken)d van %(capacity)d plaatsen bezet · %(waiting)d op de wachtlijst")
                    % {
                        "date": when(session.starts_at),
                        "taken": session.registered_count,
                        "capacity": session.capacity,
                        "waiting": session.waiting_count,
                    },
                )
                for session in calendar[:TOP]
            ],
            empty=_("Geen sessies gepland."),
        )
    )
    lines.append(
        admin_line(
            request,
            WorkshopSession,
            {"attendance": "missing"},
            _("Sessies waarvan de aanwezigheid nog moet worden vastgelegd"),
            lambda session: Row(text=session.series.name, url=_change_url(session), detail=when(session.starts_at)),
            _("Alle aanwezigheid is vastgelegd."),
            urgent_if_any=True,
            order_by=("-starts_at", "-pk"),
        )
    )
    if request.user.has_perm("privacy.view_all_registrations"):
        late = workshops.overdue(today)
        per_department: dict[str, int] = {}
        for duty in late:
            per_department[duty.person.department.name] = per_department.get(duty.person.department.name, 0) + 1
        completion = reverse("privacy:completion")
        lines.append(
            Line(
                label=_("Mensen te laat met hun workshopplicht"),
                url=completion,
                count=len(late),
                rows=[
                    Row(text=name, url=completion, detail=ngettext("%(n)d persoon", "%(n)d personen", n) % {"n": n})
                    for name, n in sorted(per_department.items(), key=lambda item: (-item[1], item[0]))
                ],
                empty=_("Iedereen is bij."),
            )
        )
    return Section(roles.WORKSHOP_COORDINATOR, _("Als workshopcoördinator"), [line for line in lines if line])


def auditor_section(request: HttpRequest, today: date) -> Section:
    from auditlog.models import LogEntry

    from reports.models import AccessLog

    user = request.user
    lines: list[Line | None] = []
    if user.has_perm("reports.view_annual_report"):
        lines.append(
            Line(
                label=_("Jaarverslag %(year)d") % {"year": today.year},
                url=reverse("reports:annual-report", args=[today.year]),
                rows=[
                    Row(
                        text=_("Jaarverslag %(year)d") % {"year": today.year - 1},
                        url=reverse("reports:annual-report", args=[today.year - 1]),
                    )
                ],
            )
        )
    if user.has_perm("compliance.view_all_checks") and user.has_perm("compliance.view_evidence"):
        lines.append(Line(label=_("Bewijsdossier samenstellen"), url=reverse("dossier")))
    lines.append(
        admin_line(
            request,
            LogEntry,
            {},
            _("Geschiedenis van alle wijzigingen"),
            lambda entry: Row(
                text=f"{entry.object_repr}",
                url=_change_url(entry),
                detail=f"{when(entry.timestamp)} · {_name(entry.actor)}",
            ),
            _("Nog geen wijzigingen."),
            top=0,  # the count and the link: what changed is for the history list itself
        )
    )
    lines.append(
        admin_line(
            request,
            AccessLog,
            {"action__exact": "export"},
            _("Toegangslogboek: de laatste exports"),
            lambda entry: Row(
                text=entry.name or entry.object_repr or entry.get_action_display(),
                url=_change_url(entry),
                detail=f"{when(entry.timestamp)} · {entry.username} · {entry.format.upper() or '—'}",
            ),
            _("Nog geen exports."),
            order_by=("-timestamp", "-pk"),
        )
    )
    return Section(roles.AUDITOR, _("Als auditor"), [line for line in lines if line])


def administrator_section(request: HttpRequest, today: date) -> Section:
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import TokenProxy

    now = timezone.now()
    locked_since = now - settings.AXES_COOLOFF_TIME
    token_before = now - timedelta(days=settings.API_TOKEN_TTL_DAYS - settings.START_PAGE_TOKEN_WARNING_DAYS)
    lines = [
        admin_line(
            request,
            get_user_model(),
            {"second_factor": "missing"},
            _("Gebruikers zonder tweede factor (verplicht voor hun rol)"),
            lambda user: Row(text=_name(user), url=_change_url(user), detail=user.get_username()),
            _("Iedereen die een tweede factor nodig heeft, heeft er een."),
            urgent_if_any=True,
        ),
        admin_line(
            request,
            AccessAttempt,
            {
                "failures_since_start__gte": str(settings.AXES_FAILURE_LIMIT),
                "attempt_time__gte": locked_since.isoformat(timespec="seconds"),
            },
            _("Geblokkeerde accounts"),
            lambda attempt: Row(
                text=attempt.username or "—",
                url=_change_url(attempt),
                detail=_("%(n)d mislukte pogingen, laatste %(date)s")
                % {"n": attempt.failures_since_start, "date": when(attempt.attempt_time)},
                urgent=True,
            ),
            _("Niemand is geblokkeerd."),
            urgent_if_any=True,
        ),
        admin_line(
            request,
            TokenProxy,
            {"created__lt": token_before.isoformat(timespec="seconds")},
            _("API-tokens die binnen %(days)d dagen verlopen of verlopen zijn")
            % {"days": settings.START_PAGE_TOKEN_WARNING_DAYS},
            lambda token: Row(
                text=_name(token.user),
                url=_change_url(token),
                detail=_("verloopt %(date)s")
                % {"date": when(token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS))},
            ),
            _("Geen tokens die binnenkort verlopen."),
            order_by=("created",),
            select=("user",),
        ),
    ]
    return Section(roles.ADMINISTRATOR, _("Als beheerder"), [line for line in lines if line])


ROLE_SECTIONS = [
    (roles.SECURITY_OFFICER, security_section),
    (roles.PRIVACY_OFFICER, privacy_section),
    (roles.WORKSHOP_COORDINATOR, workshop_section),
    (roles.AUDITOR, auditor_section),
    (roles.ADMINISTRATOR, administrator_section),
]


def sections(request: HttpRequest, today: date | None = None) -> list[Section]:
    """The sections for the signed-in person: their own duties as an employee (everyone with an
    account is one), then one section per role they hold (a superuser sees every role)."""
    today = today or timezone.localdate()
    user = request.user
    held = set(user.groups.values_list("name", flat=True))
    result = [employee_section(request, today)]
    for role, build in ROLE_SECTIONS:
        if user.is_superuser or role in held:
            result.append(build(request, today))
    return result
