"""Events at their real moment (issue 14): declaring a calamity, accepting or rejecting a
check, registering for a session (retiring a control: test_retired_controls.py) take an
optional moment: default now, not in the future, not before the object, more than a day ago
only with a reason; the history records the registration time beside it; the figures count
the moment of the event. Built on 2019 and 2020, across the turn of the year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from compliance import stats as compliance_stats
from compliance.controls import accept_check, submit_check
from compliance.models import CheckStatus, ControlCheck
from core.models import Event
from incidents import stats as incident_stats
from incidents.choices import Status
from incidents.models import Calamity
from privacy.models import Registration

from .conftest import amsterdam

# --- declaring a calamity -------------------------------------------------------------


@pytest.fixture
def new_years_incident(make_incident):  # type: ignore[no-untyped-def]
    return make_incident(
        status=Status.FOLLOW_UP, started_at=amsterdam(2019, 12, 31, 22), detected_at=amsterdam(2019, 12, 31, 22, 5)
    )


def _declare(client, incident, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/incidents/{incident.pk}/declare-calamity/",
        {"level": "operational", "reason": "DigiD onbereikbaar", **extra},
        format="json",
    )


def test_a_calamity_declared_at_23_30_on_new_years_eve_counts_in_that_year(
    new_years_incident, api_as, security_officer
):
    response = _declare(
        api_as(security_officer),
        new_years_incident,
        declared_at="2019-12-31T23:30:00+01:00",
        late_reason="Overgenomen uit het logboek van de crisisdienst",
    )
    assert response.status_code in (200, 201), response.content
    assert incident_stats.annual_figures(2019)["calamities"] == 1
    assert incident_stats.annual_figures(2020)["calamities"] == 0
    event = Event.objects.get(name="calamity.declared")
    assert event.data["occurred_at"].startswith("2019-12-31T23:30")
    assert event.data["registered_at"][:4] == str(timezone.now().year)
    assert event.data["late_reason"] == "Overgenomen uit het logboek van de crisisdienst"


def test_a_calamity_declared_at_00_30_on_new_years_day_counts_in_the_new_year(
    new_years_incident, api_as, security_officer
):
    response = _declare(
        api_as(security_officer), new_years_incident, declared_at="2020-01-01T00:30:00+01:00", late_reason="Logboek"
    )
    assert response.status_code in (200, 201), response.content
    assert incident_stats.annual_figures(2019)["calamities"] == 0
    assert incident_stats.annual_figures(2020)["calamities"] == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"declared_at": "2020-01-01T00:30:00+01:00"}, "late_reason"),  # long ago, no reason
        ({"declared_at": "2099-01-01T00:00:00+01:00", "late_reason": "x"}, "declared_at"),  # future
        ({"declared_at": "2019-12-31T21:00:00+01:00", "late_reason": "x"}, "declared_at"),  # before the incident
    ],
)
def test_a_calamity_moment_that_cannot_be_is_refused_naming_the_field(
    new_years_incident, api_as, security_officer, extra, field
):
    response = _declare(api_as(security_officer), new_years_incident, **extra)
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Calamity.objects.exists()


def test_a_calamity_of_last_night_needs_no_reason_and_without_a_moment_it_is_now(
    make_incident, api_as, security_officer
):
    now = timezone.now()
    incident = make_incident(
        status=Status.FOLLOW_UP, started_at=now - timedelta(hours=10), detected_at=now - timedelta(hours=9)
    )
    moment = (now - timedelta(hours=8)).isoformat()
    assert _declare(api_as(security_officer), incident, declared_at=moment).status_code in (200, 201)
    assert Calamity.objects.get().declared_at == now.replace(microsecond=now.microsecond) - timedelta(hours=8)


def test_the_admin_declares_a_calamity_at_its_moment(new_years_incident, client_as, security_officer):
    client = client_as(security_officer)
    data = {"incident": new_years_incident.pk, "level": "operational", "reason": "Storing"}
    refused = client.post("/admin/incidents/calamity/add/", {**data, "moment_0": "31-12-2019", "moment_1": "23:30"})
    assert refused.status_code == 200 and "late_reason" in refused.context["adminform"].form.errors
    assert not Calamity.objects.exists()
    done = client.post(
        "/admin/incidents/calamity/add/",
        {**data, "moment_0": "31-12-2019", "moment_1": "23:30", "late_reason": "Logboek"},
    )
    assert done.status_code == 302, done.context and done.context["adminform"].form.errors
    assert timezone.localtime(Calamity.objects.get().declared_at) == amsterdam(2019, 12, 31, 23, 30)


# --- accepting and rejecting a check ------------------------------------------------------


@pytest.fixture
def submitted_2019(make_control, employee):  # type: ignore[no-untyped-def]
    control = make_control(owner=employee, start_date=date(2019, 1, 1))
    check = control.checks.get(due_date=date(2019, 12, 31))
    return submit_check(check, employee, "effective", "In orde", now=amsterdam(2019, 12, 31, 20))


def test_a_check_accepted_at_23_30_on_its_due_date_counts_as_accepted_on_time(submitted_2019, api_as, security_officer):
    response = api_as(security_officer).post(
        f"/api/v1/checks/{submitted_2019.pk}/accept/",
        {"at": "2019-12-31T23:30:00+01:00", "late_reason": "Beoordeling op papier"},
        format="json",
    )
    assert response.status_code == 200, response.content
    figures = compliance_stats.check_figures(2019)
    assert figures["control_checks_accepted_on_time"] == 1 and figures["control_checks_overdue"] == 3
    event = Event.objects.get(name="check.accepted")
    assert event.data["occurred_at"].startswith("2019-12-31T23:30") and "registered_at" in event.data


def test_a_check_accepted_at_00_30_on_new_years_day_is_late(submitted_2019, security_officer):
    accept_check(submitted_2019, security_officer, at=amsterdam(2020, 1, 1, 0, 30), late_reason="Papier")
    figures = compliance_stats.check_figures(2019)
    # the three other quarters of 2019 were never accepted; this one was accepted late
    assert figures["control_checks_accepted_on_time"] == 0 and figures["control_checks_overdue"] == 4


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"at": "2019-12-31T19:00:00+01:00", "late_reason": "x"}, "at"),  # before the submission
        ({"at": "2099-01-01T00:00:00+01:00", "late_reason": "x"}, "at"),  # future
        ({"at": "2019-12-31T23:30:00+01:00"}, "late_reason"),  # long ago, no reason
    ],
)
@pytest.mark.parametrize("verb", ["accept", "reject"])
def test_a_review_moment_that_cannot_be_is_refused_naming_the_field(
    submitted_2019, api_as, security_officer, payload, field, verb
):
    body = {**payload, "note": "Onvoldoende"} if verb == "reject" else payload
    response = api_as(security_officer).post(f"/api/v1/checks/{submitted_2019.pk}/{verb}/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert ControlCheck.objects.get(pk=submitted_2019.pk).status == CheckStatus.SUBMITTED


# --- registering for a session ------------------------------------------------------------


@pytest.fixture
def session_2019(make_session):  # type: ignore[no-untyped-def]
    return make_session(starts_at=amsterdam(2019, 1, 7, 10))


def test_a_coordinator_records_a_registration_of_2018_at_its_moment(
    session_2019, api_as, workshop_coordinator, employee
):
    response = api_as(workshop_coordinator).post(
        "/api/v1/privacy/registrations/",
        {
            "session": session_2019.pk,
            "user": employee.pk,
            "registered_at": "2018-12-31T23:30:00+01:00",
            "late_reason": "Uit de spreadsheet van 2018",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get()
    assert timezone.localtime(registration.registered_at) == amsterdam(2018, 12, 31, 23, 30)
    event = Event.objects.get(name="workshop.registered")
    assert event.data["occurred_at"].startswith("2018-12-31T23:30") and event.data["late_reason"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"registered_at": "2019-01-07T10:30:00+01:00", "late_reason": "x"}, "registered_at"),  # session begun
        ({"registered_at": "2099-01-01T00:00:00+01:00", "late_reason": "x"}, "registered_at"),  # future
        ({"registered_at": "2018-12-31T23:30:00+01:00"}, "late_reason"),  # long ago, no reason
    ],
)
def test_a_registration_moment_that_cannot_be_is_refused(
    session_2019, api_as, workshop_coordinator, employee, extra, field
):
    response = api_as(workshop_coordinator).post(
        "/api/v1/privacy/registrations/", {"session": session_2019.pk, "user": employee.pk, **extra}, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Registration.objects.exists()


def test_an_employee_cannot_backdate_their_own_registration(session_2019, api_as, employee):
    response = api_as(employee).post(
        "/api/v1/privacy/registrations/",
        {"session": session_2019.pk, "registered_at": "2018-12-31T23:30:00+01:00", "late_reason": "Echt waar"},
        format="json",
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()
