"""Bringing a past year in (manage.py import_year): a whole year, 2019, built from the example
files only, counted by the annual report exactly as the rows of the files say; and a file
with one bad row stores nothing and names the row, the column and the reason."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import translation

from compliance.models import CheckStatus, ControlCheck, Frequency
from core.models import Event
from incidents.imports import ImportRefused
from incidents.models import Calamity, Incident, TimelineEntry
from privacy.models import DataBreach, Registration, WorkshopSeries, WorkshopSession
from reports.annual import year_figures
from reports.year_import import import_year
from tests.compliance.conftest import make_control  # noqa: F401

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "jaarimport"
FILES = {
    "incidents": "incidenten-2019.csv",
    "checks": "controles-2019.csv",
    "breaches": "datalekken-2019.csv",
    "workshops": "workshops-2019.csv",
}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def rows(register: str) -> list[dict[str, str]]:
    text = (EXAMPLES / FILES[register]).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def local(text: str) -> datetime:
    """A moment of the file (Amsterdam wall-clock time)."""
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def year_of(text: str) -> int:
    return local(text).year


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(db, security_officer, privacy_officer, workshop_coordinator, auditor, employee, service, make_control):  # type: ignore[no-untyped-def]  # noqa: F811
    """The people, controls, service and workshop series the example files name."""
    make_control(code="BIM-01", owner=employee, frequency=Frequency.QUARTERLY, start_date=date(2019, 1, 1))
    make_control(code="BIM-02", owner=employee, frequency=Frequency.YEARLY, start_date=date(2019, 1, 1))
    for slug, kind in (("avg-workshop", WorkshopSeries.Kind.AVG), ("onboarding", WorkshopSeries.Kind.ONBOARDING)):
        WorkshopSeries.objects.create(
            name=slug,
            slug=slug,
            kind=kind,
            first_start=datetime(2019, 1, 7, 10, tzinfo=AMSTERDAM),
            organizer=workshop_coordinator,
            capacity=30,
        )
    return {
        "incidents": security_officer,
        "checks": security_officer,
        "breaches": privacy_officer,
        "workshops": workshop_coordinator,
    }


def import_all(office) -> None:  # type: ignore[no-untyped-def]
    for register, name in FILES.items():
        import_year(register, (EXAMPLES / name).read_bytes(), name, office[register])


# --- the figures of a year built from files only --------------------------------------------


def expected_incident_figures(year: int) -> dict[str, int]:
    incidents = rows("incidents")
    return {
        "incidents_handled": sum(
            1
            for r in incidents
            if r["status"].lower() in ("closed", "gesloten") and r["gesloten_op"] and year_of(r["gesloten_op"]) == year
        ),
        "calamities": sum(1 for r in incidents if r["calamiteit_op"] and year_of(r["calamiteit_op"]) == year),
    }


def expected_breach_figures(year: int, now: datetime) -> dict[str, int]:
    breaches = [r for r in rows("breaches") if year_of(r["bekend_op"]) == year]

    def late(r: dict[str, str]) -> bool:
        # 72 hours of absolute time (UTC), whatever the wall clock did in between
        aware = local(r["bekend_op"]).astimezone(UTC)
        return bool(r["gemeld_bij_ap_op"]) and local(r["gemeld_bij_ap_op"]).astimezone(UTC) > aware + timedelta(
            hours=72
        )

    def never(r: dict[str, str]) -> bool:
        due = local(r["bekend_op"]).astimezone(UTC) + timedelta(hours=72)
        return not r["gemeld_bij_ap_op"] and not r["besloten_niet_te_melden_op"] and due < now

    return {
        "data_breaches": len(breaches),
        "data_breaches_reported_late": sum(1 for r in breaches if late(r)),
        "data_breaches_not_reported": sum(1 for r in breaches if never(r)),
    }


def expected_workshop_figures(year: int) -> dict[str, int]:
    lines = [r for r in rows("workshops") if year_of(r["begint_om"]) == year]
    sessions = {(r["soort"], r["begint_om"]) for r in lines}
    attended = {r["deelnemer"].split("@")[0] for r in lines if r["aanwezig"] == "ja"}
    return {
        "workshop_sessions": len(sessions),
        "avg_workshop_sessions": sum(1 for kind, _s in sessions if kind == "avg"),
        "onboarding_sessions": sum(1 for kind, _s in sessions if kind == "onboarding"),
        "workshop_attendees": len(attended),
    }


def expected_check_figures(year: int) -> dict[str, int]:
    lines = [r for r in rows("checks") if date.fromisoformat(r["uiterste_datum"]).year == year]

    def on_time(r: dict[str, str]) -> bool:
        return r["beoordeling"] in ("geaccepteerd", "accepted") and local(
            r["beoordeeld_op"]
        ).date() <= date.fromisoformat(r["uiterste_datum"])

    return {
        "control_checks_due": len(lines),
        "control_checks_accepted_on_time": sum(1 for r in lines if on_time(r)),
        "control_checks_overdue": sum(1 for r in lines if not on_time(r)),
    }


def test_a_year_built_from_import_files_only_is_counted_as_its_rows_say(office):
    import_all(office)
    now = datetime.now(UTC)
    for year in (2019, 2020):
        figures = year_figures(year)
        expected = {
            **expected_incident_figures(year),
            **expected_breach_figures(year, now),
            **expected_workshop_figures(year),
        }
        assert {key: figures[key] for key in expected} == expected, year
    checks = year_figures(2019)
    assert {key: checks[key] for key in expected_check_figures(2019)} == expected_check_figures(2019)
    # the awkward cases the files hold are really in them (the comparison above is not empty)
    assert expected_incident_figures(2019)["incidents_handled"] >= 3
    assert expected_incident_figures(2020)["incidents_handled"] == 1  # closed 1 January 00:30
    assert expected_breach_figures(2019, now)["data_breaches_reported_late"] >= 1  # across the end of summer time
    assert expected_check_figures(2019)["control_checks_accepted_on_time"] == 2  # one at 31 December 23:30


def test_the_annual_report_command_gives_the_same_figures_for_the_imported_year(office):
    import_all(office)
    out = io.StringIO()
    call_command("annual_report", "--year", "2019", "--format", "json", stdout=out)
    import json

    report = json.loads(out.getvalue())
    assert report["incidents_handled"] == expected_incident_figures(2019)["incidents_handled"]
    assert report["workshop_attendees"] == expected_workshop_figures(2019)["workshop_attendees"]


def test_a_breach_whose_72_hours_span_the_end_of_summer_time_is_late_by_the_absolute_clock(office):
    import_all(office)
    breach = DataBreach.objects.get(reference="dl-2019-02")
    # the wall clock says 71.5 hours; the clock went back an hour on 27 October 2019
    assert breach.reported_to_ap_at - breach.aware_at == timedelta(hours=72, minutes=30)
    assert breach.reported_late and breach.late_reason


def test_the_events_are_stored_at_their_real_moments(office):
    import_all(office)
    incident = Incident.objects.get(reference="INC-2019-0004")
    assert incident.closed_at == local("2020-01-01 00:30") and incident.status == "closed"
    assert incident.calamity.declared_at == local("2019-12-31 23:30")
    steps = list(incident.timeline.order_by("at").values_list("kind", "to_value", "at"))
    assert steps[0][:2] == ("created", "new") and steps[-1][1:] == ("closed", local("2020-01-01 00:30"))
    assert TimelineEntry.objects.filter(incident=incident, kind="calamity", at=local("2019-12-31 23:30")).exists()
    check = ControlCheck.objects.get(control__code="BIM-02", period_start=date(2019, 1, 1))
    assert check.status == CheckStatus.ACCEPTED and check.reviewed_at == local("2019-12-31 23:30")
    assert check.accepted_on_time
    accepted = Event.objects.get(name="check.accepted", object_id=check.pk)
    assert accepted.data["occurred_at"].startswith("2019-12-31T23:30") and "registered_at" in accepted.data
    assert accepted.data["late_reason"] == "import controles-2019.csv" and accepted.actor.username == "security"
    declared = Event.objects.get(name="calamity.declared", object_id=incident.pk)
    assert declared.data["occurred_at"].startswith("2019-12-31T23:30")
    session = WorkshopSession.objects.get(starts_at=local("2019-10-28 14:00"))
    assert session.registrations.filter(attendance="attended").count() == 1


def test_each_import_is_recorded_once_with_the_file_hash_and_each_object_in_the_change_history(office):
    import_all(office)
    event = Event.objects.get(name="import_year.incidents")
    content = (EXAMPLES / FILES["incidents"]).read_bytes()
    import hashlib

    assert event.data["sha256"] == hashlib.sha256(content).hexdigest()
    assert event.data["rows"] == len(rows("incidents")) and event.actor == office["incidents"]
    assert event.data["file"] == FILES["incidents"]
    created = LogEntry.objects.filter(content_type__model="incident", action=LogEntry.Action.CREATE)
    assert created.count() == len(rows("incidents"))
    assert Event.objects.filter(name__startswith="import_year.").count() == len(FILES)


def test_a_dry_run_checks_everything_and_stores_nothing(office):
    report = import_year(
        "incidents", (EXAMPLES / FILES["incidents"]).read_bytes(), FILES["incidents"], office["incidents"], dry_run=True
    )
    assert report.rows == len(rows("incidents")) and not report.errors
    assert not Incident.objects.exists() and not Calamity.objects.exists()
    assert not Event.objects.filter(name__startswith="import_year.").exists()


# --- one bad row: nothing stored, the row named ------------------------------------------------


def with_row(register: str, line: str) -> bytes:
    return (EXAMPLES / FILES[register]).read_bytes() + line.encode() + b"\n"


BAD_ROWS = [
    (
        "incidents",
        "INC-2019-0099;Storing in de toekomst;outage;;;closed;2099-01-01 10:00;;2099-01-01 11:00;2099-01-01 12:00;;;;;",
        "begonnen_op",
        "toekomst",
    ),
    (
        "incidents",
        "INC-2019-0098;Open met sluitingstijdstip;outage;;;follow_up;2019-05-01 10:00;;;2019-05-02 10:00;;;;;",
        "gesloten_op",
        "Alleen een gesloten incident",
    ),
    ("checks", "BIM-99;2019-01-01;;;;;;;;;;", "maatregel", "Onbekende maatregel"),
    (
        "breaches",
        "dl-2019-99;Eind vóór begin;2019-04-01 10:00;2019-04-01 09:00;2019-03-31 09:00;;;;;;;;;",
        "geeindigd_op",
        "eindigen voordat het begon",
    ),
    ("workshops", "avg;;2019-11-04 14:00;2019-11-04 12:00;;employee;ja", "eindigt_om", "eindigt na haar begin"),
    ("workshops", "avg;;2019-11-04 14:00;2019-11-04 16:00;;niemand;ja", "deelnemer", "Onbekende persoon"),
]


@pytest.mark.parametrize(("register", "line", "column", "message"), BAD_ROWS)
def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_column(office, register, line, column, message):
    with pytest.raises(ImportRefused) as refused:
        import_year(register, with_row(register, line), FILES[register], office[register])
    bad_row = len(rows(register)) + 2  # the header is row 1
    problems = refused.value.report.errors
    assert {p.row for p in problems} == {bad_row}
    assert any(p.column == column and message in p.message for p in problems), problems
    assert not Incident.objects.exists() and not DataBreach.objects.exists()
    assert not WorkshopSession.objects.exists() and not Registration.objects.exists()
    assert not ControlCheck.objects.exclude(status=CheckStatus.OPEN).exists()
    assert not Event.objects.filter(name__startswith="import_year.").exists()


def test_the_bad_row_is_named_in_english_when_english_is_active(office):
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        import_year("checks", with_row("checks", "BIM-99;2019-01-01;;;;;;;;;;"), "x.csv", office["checks"])
    problem = refused.value.report.errors[0]
    with translation.override("en"):
        assert str(problem).startswith("row 7, column maatregel: Unknown control")
    assert str(problem).startswith("rij 7, kolom maatregel: Unknown control")  # the message was made in English


def test_a_review_before_its_submission_and_four_eyes_are_refused_per_row(office):
    content = with_row(
        "checks", "BIM-02;2020-01-01;;;effectief;;employee;2020-03-01 10:00;geaccepteerd;employee;2020-03-02 10:00;"
    )
    content += b"BIM-01;2020-01-01;;;effectief;;employee;2020-03-01 10:00;geaccepteerd;security;2020-02-01 10:00;\n"
    with pytest.raises(ImportRefused) as refused:
        import_year("checks", content, "checks.csv", office["checks"])
    found = {(p.row, p.column) for p in refused.value.report.errors}
    assert found == {(len(rows("checks")) + 2, "beoordeeld_door"), (len(rows("checks")) + 3, "beoordeeld_op")}


def test_the_command_imports_and_refuses(office, tmp_path):
    out = io.StringIO()
    call_command("import_year", "breaches", str(EXAMPLES / FILES["breaches"]), "--user", "privacy", stdout=out)
    assert DataBreach.objects.count() == len(rows("breaches"))
    bad = tmp_path / "workshops.csv"
    bad.write_bytes(with_row("workshops", "avg;;2099-11-04 14:00;2099-11-04 16:00;;employee;ja"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad rows"):
        call_command("import_year", "workshops", str(bad), stderr=err)
    assert f"rij {len(rows('workshops')) + 2}" in err.getvalue()
    assert not WorkshopSession.objects.exists()
    dry = io.StringIO()
    call_command("import_year", "workshops", str(EXAMPLES / FILES["workshops"]), "--dry-run", stdout=dry)
    assert not WorkshopSession.objects.exists() and "niets opgeslagen" in dry.getvalue()


# --- the admin page per register: only for whoever may add the register's records -------------

CHANGELISTS = {
    "incidents": "/admin/incidents/incident/",
    "checks": "/admin/compliance/controlcheck/",
    "breaches": "/admin/privacy/databreach/",
    "workshops": "/admin/privacy/workshopsession/",
}


@pytest.mark.parametrize("register", list(FILES))
def test_the_admin_import_page_imports_a_file_for_the_role_that_adds_the_register(office, client_as, register):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(office[register])
    changelist = client.get(CHANGELISTS[register])
    assert f"/admin/jaarimport/{register}/".encode() in changelist.content
    upload = SimpleUploadedFile(FILES[register], (EXAMPLES / FILES[register]).read_bytes())
    response = client.post(f"/admin/jaarimport/{register}/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGELISTS[register]
    assert any(f"{len(rows(register))} regels geïmporteerd" in str(m) for m in response.context["messages"])
    assert Event.objects.filter(name=f"import_year.{register}", actor=office[register]).exists()


def test_the_admin_import_page_shows_each_bad_row_with_its_column(office, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = with_row(
        "breaches", "dl-2019-99;Eind vóór begin;2019-04-01 10:00;2019-04-01 09:00;2019-03-31 09:00;;;;;;;;;"
    )
    upload = SimpleUploadedFile("datalekken.csv", content)
    response = client_as(office["breaches"]).post("/admin/jaarimport/breaches/", {"file": upload})
    assert response.status_code == 200 and b"import-errors" in response.content
    assert {(p.row, p.column) for p in response.context["errors"]} >= {(len(rows("breaches")) + 2, "geeindigd_op")}
    assert not DataBreach.objects.exists()


@pytest.mark.parametrize(
    ("role", "register"),
    [
        ("privacy_officer", "incidents"),
        ("workshop_coordinator", "incidents"),
        ("auditor", "checks"),
        ("privacy_officer", "checks"),
        ("security_officer", "breaches"),
        ("workshop_coordinator", "breaches"),
        ("security_officer", "workshops"),
        ("privacy_officer", "workshops"),  # may view the workshops, not add them
        ("auditor", "workshops"),
    ],
)
def test_another_role_gets_403_on_the_import_page_and_its_post(office, request, client_as, role, register):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(request.getfixturevalue(role))
    assert client.get(f"/admin/jaarimport/{register}/").status_code == 403
    upload = SimpleUploadedFile(FILES[register], (EXAMPLES / FILES[register]).read_bytes())
    assert client.post(f"/admin/jaarimport/{register}/", {"file": upload}).status_code == 403
    assert not Event.objects.filter(name__startswith="import_year.").exists()
    changelist = client.get(CHANGELISTS[register])
    assert f"/admin/jaarimport/{register}/".encode() not in changelist.content


def test_an_employee_is_sent_to_the_login_and_an_unknown_register_is_not_found(office, client_as, employee):
    assert client_as(employee).get("/admin/jaarimport/incidents/").status_code == 302
    assert client_as(office["incidents"]).get("/admin/jaarimport/takedowns/").status_code == 404


def test_the_api_is_no_way_around_it_for_another_role(office, api_as):
    """A privacy officer who may not import incidents may not add one through the API either,
    nor back-date a closed one there."""
    response = api_as(office["breaches"]).post(
        "/api/v1/incidents/",
        {
            "title": "Storing",
            "category": "outage",
            "detection_source": "own_monitoring",
            "started_at": "2019-03-04T09:00:00+01:00",
            "detected_at": "2019-03-04T09:10:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_an_xlsx_file_imports_the_same_as_its_csv(office):
    from openpyxl import Workbook

    workbook = Workbook()
    text = (EXAMPLES / FILES["workshops"]).read_text(encoding="utf-8")
    for line in csv.reader(io.StringIO(text), delimiter=";"):
        workbook.active.append(line)
    # a date cell as a real date-time, as a spreadsheet stores it
    workbook.active["C2"].value = datetime(2019, 3, 18, 14, 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_year("workshops", buffer.getvalue(), "workshops-2019.xlsx", office["workshops"])
    assert report.rows == len(rows("workshops"))
    assert year_figures(2019)["workshop_attendees"] == expected_workshop_figures(2019)["workshop_attendees"]
    assert WorkshopSession.objects.count() == len({(r["soort"], r["begint_om"]) for r in rows("workshops")})
