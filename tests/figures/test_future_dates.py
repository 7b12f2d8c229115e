"""Dates that cannot lie (issue 14): nothing is dated in the future beyond the clock skew of
FUTURE_SKEW_MINUTES, in the admin, the API and the imports, with a 400 naming the field; a breach
that ends before it starts and a session that ends before it starts get a 400 naming both
fields, not a 409 from the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.imports import ImportRefused, import_takedowns
from incidents.models import DDoSAttack, FraudAccountRemoval, Incident, PhishingTakedown
from organisation.models import Availability, Service
from privacy import dpias, scoring
from privacy.models import DPIA, DataBreach, ProcessingActivity, SelfAssessment, WorkshopSession

from .conftest import amsterdam

FUTURE = "2099-01-01T10:00:00+01:00"


@pytest.fixture
def digid(db):  # type: ignore[no-untyped-def]
    return Service.objects.create(name="DigiD", slug="digid", domain=Service.Domain.ACCESS)


@pytest.mark.parametrize(
    ("url", "payload", "field", "model"),
    [
        (
            "/api/v1/incidents/",
            {
                "title": "Storing",
                "category": "outage",
                "detection_source": "own_monitoring",
                "started_at": FUTURE,
                "detected_at": FUTURE,
            },
            "started_at",
            Incident,
        ),
        (
            "/api/v1/ddos-attacks/",
            {"started_at": FUTURE, "vector": "syn_flood", "peak_gbps": "10"},
            "started_at",
            DDoSAttack,
        ),
        (
            "/api/v1/phishing-takedowns/",
            {"url": "https://digid-x.example/", "reported_at": FUTURE},
            "reported_at",
            PhishingTakedown,
        ),
        (
            "/api/v1/fraud-account-removals/",
            {"account_number": "123456789", "reason": "phishing", "removed_at": FUTURE},
            "removed_at",
            FraudAccountRemoval,
        ),
    ],
)
def test_the_incidents_api_refuses_records_dated_in_2099(api_as, security_officer, url, payload, field, model):
    response = api_as(security_officer).post(url, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not model.objects.exists()


def test_the_availability_api_and_admin_refuse_a_month_in_the_future(api_as, client_as, security_officer, digid):
    response = api_as(security_officer).post(
        "/api/v1/availability/", {"service": digid.pk, "month": "2099-01-01", "achieved": "99.9"}, format="json"
    )
    assert response.status_code == 400 and "month" in response.json(), response.content
    page = client_as(security_officer).post(
        "/admin/organisation/availability/add/", {"service": digid.pk, "month": "01-01-2099", "achieved": "99.9"}
    )
    assert page.status_code == 200 and "month" in page.context["adminform"].form.errors
    assert not Availability.objects.exists()


def test_the_breach_api_refuses_a_breach_known_in_2099(api_as, privacy_officer):
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/breaches/",
        {"reference": "dl-2099", "title": "Lek", "aware_at": FUTURE, "nature": "E-mail"},
        format="json",
    )
    assert response.status_code == 400 and "aware_at" in response.json()
    assert not DataBreach.objects.exists()


def test_the_register_refuses_an_entry_registered_in_2099(api_as, privacy_officer, make_user):
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/processing-activities/",
        {
            "code": "vw-2099",
            "name": "Toekomst",
            "controller_contact": "Logius",
            "dpo_contact": "FG",
            "registered_on": "2099-01-01",
            "owner": make_user(None).pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "registered_on" in response.json(), response.content
    assert not ProcessingActivity.objects.exists()


def test_a_dpia_decision_and_a_self_assessment_completion_in_2099_are_refused(
    activity, questionnaire, privacy_officer, make_user
):
    owner = make_user(None)
    dpia = DPIA.objects.create(title="DPIA", owner=owner, activity=activity)
    dpias.move(dpia, DPIA.Status.IN_REVIEW, owner)
    dpias.record_dpo_advice(dpia, "Doorgaan", privacy_officer, date(2019, 3, 1))
    with pytest.raises(ValidationError) as refused:
        dpias.decide(dpia, DPIA.Decision.PROCEED_WITH_MEASURES, owner, date(2099, 1, 1))
    assert "on" in refused.value.message_dict
    assert DPIA.objects.get(pk=dpia.pk).decided_on is None

    assessment = SelfAssessment.objects.create(
        questionnaire=questionnaire, activity=activity, assessor=privacy_officer, started_on=date(2019, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        scoring.complete(assessment, date(2099, 1, 1))
    assert "completed_on" in refused.value.message_dict
    assert SelfAssessment.objects.get(pk=assessment.pk).completed_on is None


def test_the_import_refuses_a_row_dated_in_the_future_and_stores_nothing(db, security_officer):
    rows = (
        b"url;kind;abused_brand;reported_at;outcome;taken_down_at;hosting_provider\n"
        b"https://digid-a.example.com/x;website;DigiD;2019-07-01 10:00;taken_offline;2019-07-01 16:30;\n"
        b"https://digid-b.example.com/x;website;DigiD;2099-07-01 10:00;still_online;;\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_takedowns(rows, "takedowns.csv", security_officer)
    (problem,) = refused.value.report.errors
    assert problem.row == 3 and "reported_at" in problem.message and "toekomst" in problem.message
    assert not PhishingTakedown.objects.exists()


def test_the_clock_skew_is_a_setting(api_as, security_officer, settings):
    def post(minutes: int, vector: str) -> int:
        moment = (timezone.now() + timedelta(minutes=minutes)).isoformat()
        payload = {"started_at": moment, "vector": vector, "peak_gbps": "1"}
        return api_as(security_officer).post("/api/v1/ddos-attacks/", payload, format="json").status_code

    assert settings.FUTURE_SKEW_MINUTES == 5
    assert post(4, "syn_flood") == 201  # within the skew
    settings.FUTURE_SKEW_MINUTES = 0
    assert post(2, "udp_flood") == 400
    assert DDoSAttack.objects.count() == 1


def test_the_admin_refuses_an_incident_that_starts_in_2099(client_as, security_officer):
    response = client_as(security_officer).post(
        "/admin/incidents/incident/add/",
        {
            "title": "Storing",
            "category": "outage",
            "severity": "medium",
            "detection_source": "own_monitoring",
            "status": "new",
            "started_at_0": "01-01-2099",
            "started_at_1": "10:00",
            "detected_at_0": "01-01-2099",
            "detected_at_1": "10:00",
        },
    )
    assert response.status_code == 200
    assert "started_at" in response.context["adminform"].form.errors
    assert not Incident.objects.exists()


# --- ended before it started: a 400 naming both fields -------------------------------------


def test_a_breach_that_ends_before_it_starts_gets_a_400_naming_both_fields(api_as, privacy_officer):
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/breaches/",
        {
            "reference": "dl-2019-1",
            "title": "Lek",
            "aware_at": "2019-03-05T10:00:00+01:00",
            "started_at": "2019-03-04T10:00:00+01:00",
            "ended_at": "2019-03-03T10:00:00+01:00",
            "nature": "E-mail",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"started_at", "ended_at"} <= set(response.json())
    assert not DataBreach.objects.exists()


def test_a_session_that_ends_before_it_starts_gets_a_400_naming_both_fields(api_as, workshop_coordinator, series):
    response = api_as(workshop_coordinator).post(
        "/api/v1/privacy/workshop-sessions/",
        {
            "series": series.pk,
            "starts_at": "2019-03-04T10:00:00+01:00",
            "ends_at": "2019-03-04T09:00:00+01:00",
            "capacity": 10,
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"starts_at", "ends_at"} <= set(response.json())
    assert not WorkshopSession.objects.exists()
    # patching only the end of an existing session is checked against its stored start
    session = WorkshopSession.objects.create(
        series=series, starts_at=amsterdam(2019, 3, 4, 10), ends_at=amsterdam(2019, 3, 4, 12), capacity=10
    )
    patched = api_as(workshop_coordinator).patch(
        f"/api/v1/privacy/workshop-sessions/{session.pk}/", {"ends_at": "2019-03-04T08:00:00+01:00"}, format="json"
    )
    assert patched.status_code == 400 and "ends_at" in patched.json()
