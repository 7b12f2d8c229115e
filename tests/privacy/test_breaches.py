from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Event
from privacy import breaches
from privacy.models import DataBreach
from privacy.models.workshops import AMSTERDAM
from privacy.reminders import breach_deadlines

AWARE = datetime(2021, 5, 20, 16, tzinfo=AMSTERDAM)


def test_the_deadline_is_72_hours_after_becoming_aware(make_breach):
    breach = make_breach(aware_at=AWARE)
    assert breach.deadline == AWARE + timedelta(hours=72)
    assert breach.seconds_remaining(AWARE + timedelta(hours=70)) == 2 * 3600
    assert breach.seconds_remaining(AWARE + timedelta(hours=73)) == -3600


def test_reporting_stops_the_clock_and_logs_the_event(make_breach, privacy_officer):
    breach = make_breach(aware_at=AWARE)
    breach = breaches.report_to_ap(breach, AWARE + timedelta(hours=30), "AP-123", privacy_officer)
    assert breach.seconds_remaining() is None
    assert not breach.reported_late
    event = Event.objects.get(name="breach.reported_to_ap")
    assert (event.object_id, event.actor, event.data["reference"]) == (breach.pk, privacy_officer, "AP-123")


def test_a_report_before_the_moment_of_becoming_aware_is_refused_and_changes_nothing(make_breach):
    breach = make_breach(aware_at=AWARE)
    with pytest.raises(ValidationError) as error:
        breaches.report_to_ap(breach, AWARE - timedelta(minutes=1), "AP-1")
    assert "vóór het moment van bekend worden" in str(error.value)
    breach.refresh_from_db()
    assert breach.reported_to_ap_at is None
    assert not Event.objects.exists()


def test_the_database_refuses_a_report_before_aware(make_breach):
    breach = make_breach(aware_at=AWARE)
    breach.reported_to_ap_at = AWARE - timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        breach.save()


def test_a_late_report_needs_a_reason_for_the_delay(make_breach):
    breach = make_breach(aware_at=AWARE)
    late = AWARE + timedelta(hours=80)
    with pytest.raises(ValidationError, match="reden van de vertraging"):
        breaches.report_to_ap(breach, late, "AP-2")
    breach = breaches.report_to_ap(breach, late, "AP-2", late_reason="Omvang pas na vier dagen bekend")
    assert breach.reported_late
    assert DataBreach.objects.reported_late().count() == 1


def test_deciding_not_to_report_needs_reasons(make_breach):
    breach = make_breach(aware_at=AWARE)
    with pytest.raises(ValidationError, match="redenen"):
        breaches.decide_not_to_report(breach, "  ")
    breach = breaches.decide_not_to_report(breach, "Versleutelde laptop, op afstand gewist")
    assert not breach.clock_running
    with pytest.raises(ValidationError, match="al besloten"):
        breaches.report_to_ap(breach, AWARE + timedelta(hours=1), "AP-3")


def test_reminders_go_to_every_privacy_officer_at_24_48_66_hours_and_the_deadline(
    make_breach, privacy_officer, make_user
):
    from accounts import roles

    second = make_user(roles.PRIVACY_OFFICER)
    breach = make_breach(aware_at=AWARE)
    items = list(breach_deadlines(AWARE + timedelta(hours=1)))
    assert {item.recipient for item in items} == {privacy_officer, second}
    stages = items[0].stages
    assert [s.code for s in stages] == ["h24", "h48", "h66", "deadline"]
    assert [s.at - AWARE for s in stages] == [timedelta(hours=h) for h in (24, 48, 66, 72)]
    assert items[0].due == breach.deadline
    assert items[0].escalate is False


def test_reminders_stop_once_reported_or_decided(make_breach, privacy_officer):
    reported = make_breach(aware_at=AWARE)
    decided = make_breach(aware_at=AWARE)
    breaches.report_to_ap(reported, AWARE + timedelta(hours=2), "AP-9")
    breaches.decide_not_to_report(decided, "Geen risico")
    assert list(breach_deadlines(AWARE + timedelta(hours=3))) == []


@time_machine.travel(AWARE + timedelta(hours=10), tick=False)
def test_the_api_shows_deadline_and_seconds_remaining(api_as, privacy_officer, make_breach):
    breach = make_breach(aware_at=AWARE)
    data = api_as(privacy_officer).get(f"/api/v1/privacy/breaches/{breach.pk}/").json()
    assert datetime.fromisoformat(data["deadline"]) == AWARE + timedelta(hours=72)
    assert data["seconds_remaining"] == 62 * 3600


@time_machine.travel(AWARE + timedelta(hours=10), tick=False)
def test_the_api_refuses_a_report_before_aware_with_a_clear_message(api_as, privacy_officer, make_breach):
    breach = make_breach(aware_at=AWARE)
    response = api_as(privacy_officer).post(
        f"/api/v1/privacy/breaches/{breach.pk}/report/",
        {"reported_to_ap_at": (AWARE - timedelta(hours=1)).isoformat(), "ap_reference": "AP-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "bekend worden" in str(response.json()["reported_to_ap_at"])


def test_the_api_records_a_decision_not_to_report(api_as, privacy_officer, make_breach):
    breach = make_breach(aware_at=AWARE)
    response = api_as(privacy_officer).post(
        f"/api/v1/privacy/breaches/{breach.pk}/not-reported/", {"reasons": "Geen risico"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["seconds_remaining"] is None


def test_the_api_creates_a_breach_recorded_by_the_caller(api_as, privacy_officer):
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/breaches/",
        {
            "reference": "dl-2021-9",
            "title": "Lek",
            "aware_at": AWARE.isoformat(),
            "nature": "E-mail in cc",
            "incident": None,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert DataBreach.objects.get().recorded_by == privacy_officer


def test_the_breach_register_lists_every_breach_reported_or_not(api_as, auditor, make_breach):
    reported, ignored = make_breach(aware_at=AWARE), make_breach(aware_at=AWARE)
    breaches.report_to_ap(reported, AWARE + timedelta(hours=1), "AP-1")
    breaches.decide_not_to_report(ignored, "Geen risico")
    response = api_as(auditor).get("/api/v1/privacy/breaches/export/csv/")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3
    assert api_as(auditor).get("/api/v1/privacy/breaches/?reported=false").json()["count"] == 1


def test_moving_aware_after_the_report_is_refused_by_validation(make_breach):
    breach = breaches.report_to_ap(make_breach(aware_at=AWARE), AWARE + timedelta(hours=2), "AP-1")
    breach.aware_at = AWARE + timedelta(hours=3)
    with pytest.raises(ValidationError, match="melding bij de AP"):
        breach.full_clean()
