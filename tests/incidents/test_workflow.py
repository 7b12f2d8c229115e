from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compliance.models import FollowUpAction
from incidents import services
from incidents.choices import Severity, Status, TimelineKind
from incidents.models import Incident, TimelineEntry
from incidents.workflow import TRANSITIONS

from .conftest import T0

ALL_PAIRS = [(old, new) for old in Status.values for new in Status.values if old != new]


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_a_status_change_is_accepted_exactly_when_the_transition_table_allows_it(make_incident, old, new):
    incident = make_incident(status=old)
    incident.status = new
    if new in TRANSITIONS[old]:
        incident.save()
        assert Incident.objects.get(pk=incident.pk).status == new
    else:
        with pytest.raises(ValidationError):
            incident.save()
        assert Incident.objects.get(pk=incident.pk).status == old


def test_closing_an_incident_straight_from_new_is_refused_with_a_clear_message_and_changes_nothing(
    make_incident, security_officer
):
    incident = make_incident()
    timeline_before = incident.timeline.count()
    with pytest.raises(ValidationError) as refused:
        services.change_status(incident, Status.CLOSED, security_officer, note="klaar")
    assert "niet toegestaan" in str(refused.value)
    fresh = Incident.objects.get(pk=incident.pk)
    assert (fresh.status, fresh.closed_at, fresh.resolved_at) == (Status.NEW, None, None)
    assert fresh.timeline.count() == timeline_before


def test_an_incident_starts_as_new_or_in_triage_never_closed(db):
    incident = Incident(
        title="x", category="other", detection_source="own_monitoring", started_at=T0, detected_at=T0, status="closed"
    )
    with pytest.raises(ValidationError):
        incident.save()
    assert not Incident.objects.exists()


def test_status_severity_and_owner_changes_land_on_the_timeline_with_who_when_from_and_to(
    make_incident, security_officer, make_user
):
    incident = make_incident(actor=security_officer)
    colleague = make_user(username="collega")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        incident.changed_by = security_officer
        incident.status = Status.FOLLOW_UP
        incident.severity = Severity.HIGH
        incident.owner = colleague
        incident.save()
    entries = {e.kind: e for e in incident.timeline.all()}
    assert entries[TimelineKind.CREATED].to_value == Status.NEW
    assert (entries[TimelineKind.STATUS].from_value, entries[TimelineKind.STATUS].to_value) == ("new", "follow_up")
    assert (entries[TimelineKind.SEVERITY].from_value, entries[TimelineKind.SEVERITY].to_value) == ("medium", "high")
    assert (entries[TimelineKind.OWNER].from_value, entries[TimelineKind.OWNER].to_value) == ("", "collega")
    for kind in (TimelineKind.STATUS, TimelineKind.SEVERITY, TimelineKind.OWNER):
        assert entries[kind].actor == security_officer
        assert entries[kind].at == T0 + timedelta(hours=2)


def test_saving_without_a_tracked_change_adds_nothing_to_the_timeline(make_incident):
    incident = make_incident()
    before = incident.timeline.count()
    incident.title = "Nieuwe titel"
    incident.save()
    assert incident.timeline.count() == before


def test_resolving_stamps_the_time_and_reopening_clears_it(make_incident, security_officer):
    incident = make_incident(status=Status.FOLLOW_UP)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        services.change_status(incident, Status.RESOLVED, security_officer)
    assert incident.resolved_at == T0 + timedelta(hours=3)
    services.change_status(incident, Status.FOLLOW_UP, security_officer, note="Toch niet opgelost")
    incident.refresh_from_db()
    assert incident.resolved_at is None
    assert incident.timeline.filter(kind=TimelineKind.COMMENT, text="Toch niet opgelost").exists()


def test_a_resolution_before_the_start_is_refused_by_the_model_and_by_the_database(make_incident):
    incident = make_incident(status=Status.FOLLOW_UP)
    incident.resolved_at = T0 - timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        incident.full_clean()
    assert "resolved_at" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolved_at=T0 - timedelta(hours=1))
    assert Incident.objects.get(pk=incident.pk).resolved_at is None


def test_detection_before_the_start_is_refused(make_incident):
    incident = make_incident()
    incident.detected_at = T0 - timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        incident.full_clean()
    assert "detected_at" in refused.value.message_dict


def test_closing_before_the_start_is_refused(make_incident):
    incident = make_incident(status=Status.RESOLVED)
    incident.closed_at = T0 - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        incident.full_clean()
    assert "closed_at" in refused.value.message_dict


def test_comments_land_on_the_timeline_and_an_empty_comment_is_refused(make_incident, security_officer):
    incident = make_incident()
    services.add_comment(incident, "SOC meldt verhoogd verkeer", security_officer)
    with pytest.raises(ValidationError):
        services.add_comment(incident, "   ", security_officer)
    comments = TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.COMMENT)
    assert [c.text for c in comments] == ["SOC meldt verhoogd verkeer"]
    assert comments[0].actor == security_officer


def test_an_incident_raises_follow_up_actions(make_incident, security_officer):
    incident = make_incident()
    action = services.raise_action(incident, "Rate limiting aanscherpen", security_officer, T0.date())
    assert action.source == incident
    assert list(services.actions_of(incident)) == [action]
    assert FollowUpAction.objects.filter(source_id=incident.pk).count() == 1


def test_the_refusal_reads_in_english_when_the_language_is_english(make_incident):
    from django.utils import translation

    incident = make_incident()
    incident.status = Status.CLOSED
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        incident.save()
    assert "Changing the status from ‘New’ to ‘Closed’ is not allowed" in str(refused.value)
