from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.models import Event
from incidents import services
from incidents.choices import CalamityLevel, Status, TimelineKind
from incidents.models import Calamity

from .conftest import T0


@pytest.fixture
def thresholds(settings):  # type: ignore[no-untyped-def]
    settings.INCIDENTS_CALAMITY_PEOPLE_AFFECTED = 100_000
    settings.INCIDENTS_CALAMITY_DURATION_FACTOR = 2
    settings.INCIDENTS_CALAMITY_OVERRUN_MINUTES = 240
    return settings


def test_escalation_is_proposed_when_the_people_affected_reach_the_threshold(make_incident, thresholds):
    below = make_incident(citizens_affected=90_000, businesses_affected=9_999, resolved_at=None)
    at = make_incident(citizens_affected=90_000, businesses_affected=10_000)
    assert not below.escalation_proposed
    assert at.escalation_proposed
    assert "100000" in at.escalation_reasons()[0]


def test_escalation_is_proposed_when_the_duration_exceeds_the_expected_by_the_factor(make_incident, thresholds):
    incident = make_incident(expected_duration_minutes=60)
    with time_machine.travel(T0 + timedelta(minutes=119), tick=False):
        assert incident.escalation_reasons() == []
    with time_machine.travel(T0 + timedelta(minutes=121), tick=False):
        assert len(incident.escalation_reasons()) == 1
        assert incident.escalation_proposed


def test_escalation_is_proposed_when_the_overrun_in_minutes_is_crossed(make_incident, thresholds):
    thresholds.INCIDENTS_CALAMITY_DURATION_FACTOR = 0  # only the minutes rule
    incident = make_incident(expected_duration_minutes=600)
    with time_machine.travel(T0 + timedelta(minutes=839), tick=False):
        assert not incident.escalation_proposed
    with time_machine.travel(T0 + timedelta(minutes=841), tick=False):
        assert incident.escalation_proposed


def test_a_resolved_incident_is_judged_on_its_actual_duration(make_incident, thresholds):
    incident = make_incident(
        status=Status.RESOLVED, expected_duration_minutes=60, resolved_at=T0 + timedelta(minutes=90)
    )
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert not incident.escalation_proposed


def test_declaring_a_calamity_records_who_when_level_and_reason(make_incident, security_officer, thresholds):
    incident = make_incident(citizens_affected=500_000)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        calamity = services.declare_calamity(incident, CalamityLevel.TACTICAL, "Grote groep burgers", security_officer)
    assert (calamity.declared_by, calamity.declared_at, calamity.level, calamity.reason) == (
        security_officer,
        T0 + timedelta(hours=1),
        "tactical",
        "Grote groep burgers",
    )
    event = Event.objects.get(name="calamity.declared")
    assert event.target == incident and event.actor == security_officer and event.data["level"] == "tactical"
    assert incident.timeline.filter(kind=TimelineKind.CALAMITY, to_value="tactical").exists()
    incident.refresh_from_db()
    assert not incident.escalation_proposed  # already a calamity


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_calamity_without_a_reason_is_refused_and_nothing_is_recorded(make_incident, security_officer, reason):
    incident = make_incident()
    with pytest.raises(ValidationError) as refused:
        services.declare_calamity(incident, CalamityLevel.OPERATIONAL, reason, security_officer)
    assert "reason" in refused.value.message_dict
    assert not Calamity.objects.exists()
    assert not Event.objects.filter(name="calamity.declared").exists()
    assert not incident.timeline.filter(kind=TimelineKind.CALAMITY).exists()


def test_a_calamity_is_escalated_upwards_only(make_incident, security_officer):
    incident = make_incident()
    services.declare_calamity(incident, CalamityLevel.OPERATIONAL, "Langer dan verwacht", security_officer)
    services.escalate_calamity(incident, CalamityLevel.STRATEGIC, "Landelijke impact", security_officer)
    with pytest.raises(ValidationError):
        services.escalate_calamity(incident, CalamityLevel.TACTICAL, "terug", security_officer)
    with pytest.raises(ValidationError):
        services.escalate_calamity(incident, CalamityLevel.ADMINISTRATIVE, "", security_officer)
    assert Calamity.objects.get().level == CalamityLevel.STRATEGIC
    assert Event.objects.filter(name="calamity.escalated").count() == 1


def test_an_incident_is_declared_a_calamity_only_once(make_incident, security_officer):
    incident = make_incident()
    services.declare_calamity(incident, CalamityLevel.OPERATIONAL, "Reden", security_officer)
    incident.refresh_from_db()
    with pytest.raises(ValidationError):
        services.declare_calamity(incident, CalamityLevel.TACTICAL, "Nogmaals", security_officer)
    assert Calamity.objects.count() == 1


def test_the_api_shows_the_proposal_and_declares_only_with_a_reason(
    make_incident, security_officer, api_as, thresholds
):
    incident = make_incident(citizens_affected=250_000)
    client = api_as(security_officer)
    detail = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert detail["escalation_proposed"] is True
    assert detail["escalation_reasons"]
    refused = client.post(f"/api/v1/incidents/{incident.pk}/declare-calamity/", {"level": "operational", "reason": ""})
    assert refused.status_code == 400
    assert "reason" in refused.json()
    assert not Calamity.objects.exists()
    declared = client.post(
        f"/api/v1/incidents/{incident.pk}/declare-calamity/", {"level": "operational", "reason": "250.000 burgers"}
    )
    assert declared.status_code == 201
    assert declared.json()["declared_by_username"] == security_officer.username
    assert client.get(f"/api/v1/incidents/{incident.pk}/").json()["escalation_proposed"] is False
