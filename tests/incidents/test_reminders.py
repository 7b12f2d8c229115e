from datetime import timedelta

import pytest

from core.reminders import sources
from incidents import reminders
from incidents.choices import Severity, Status

from .conftest import T0


@pytest.fixture
def limits(settings):  # type: ignore[no-untyped-def]
    settings.INCIDENTS_STATUS_MAX_HOURS = {"critical": 4, "high": 24, "medium": 72, "low": 168}


def test_the_source_is_registered_with_the_reminder_engine():
    assert sources()["incidents.status_overdue"] is reminders.status_overdue


def test_the_owner_is_reminded_when_an_incident_stays_in_a_status_longer_than_its_severity_allows(
    make_incident, security_officer, limits, time_machine
):
    time_machine.move_to(T0, tick=False)
    critical = make_incident(severity=Severity.CRITICAL, owner=security_officer, status=Status.TRIAGE)
    low = make_incident(severity=Severity.LOW, owner=security_officer, status=Status.TRIAGE)
    assert list(reminders.status_overdue(T0 + timedelta(hours=3, minutes=59))) == []
    items = list(reminders.status_overdue(T0 + timedelta(hours=4)))
    assert [item.obj for item in items] == [critical]
    item = items[0]
    assert item.recipient == security_officer
    assert item.due == T0 + timedelta(hours=4)
    assert critical.reference in item.title
    assert item.url.endswith(f"/admin/incidents/incident/{critical.pk}/change/")
    assert [stage.at for stage in item.stages] == [T0 + timedelta(hours=4), T0 + timedelta(hours=8)]
    assert item.stages[1].escalation
    assert low not in [i.obj for i in reminders.status_overdue(T0 + timedelta(hours=167))]
    assert low in [i.obj for i in reminders.status_overdue(T0 + timedelta(hours=168))]


def test_a_new_status_starts_a_new_clock_with_new_stage_codes(make_incident, security_officer, limits, time_machine):
    time_machine.move_to(T0, tick=False)
    incident = make_incident(severity=Severity.HIGH, owner=security_officer, status=Status.TRIAGE)
    first = next(iter(reminders.status_overdue(T0 + timedelta(hours=25))))
    time_machine.move_to(T0 + timedelta(hours=26), tick=False)
    incident.status = Status.FOLLOW_UP
    incident.save()
    assert list(reminders.status_overdue(T0 + timedelta(hours=27))) == []
    second = next(iter(reminders.status_overdue(T0 + timedelta(hours=51))))
    assert {s.code for s in first.stages}.isdisjoint({s.code for s in second.stages})


def test_closed_incidents_and_incidents_without_owner_are_not_reminded(make_incident, security_officer, limits):
    make_incident(severity=Severity.CRITICAL, owner=security_officer, status=Status.CLOSED)
    make_incident(severity=Severity.CRITICAL, owner=None)
    assert list(reminders.status_overdue(T0 + timedelta(days=30))) == []


def test_the_limits_come_from_the_settings_table(make_incident, security_officer, settings):
    settings.INCIDENTS_STATUS_MAX_HOURS = {"critical": 4, "high": 24, "medium": 1, "low": 168}
    incident = make_incident(severity=Severity.MEDIUM, owner=security_officer)
    status_since = incident.status_changed_at
    assert [i.obj for i in reminders.status_overdue(status_since + timedelta(hours=1))] == [incident]
