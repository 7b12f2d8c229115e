from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from core.models import Event
from core.retention import Policy, apply_retention, policies


def attempt(days_ago):
    row = AccessAttempt.objects.create(
        username=f"user-{days_ago}", ip_address="127.0.0.1", user_agent="t", failures_since_start=1
    )
    # attempt_time is set on creation; move it into the past
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return row


def test_records_past_their_period_are_removed_and_the_run_is_recorded(db):
    old, recent = attempt(91), attempt(89)
    counts = apply_retention()
    assert counts["login_attempts"] == 1
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AccessAttempt.objects.filter(pk=old.pk).exists()
    event = Event.objects.get(name="retention.applied")
    assert event.data["counts"]["login_attempts"] == 1


def test_a_period_can_be_set_in_the_settings(db, settings):
    settings.RETENTION_DAYS = {"login_attempts": 10}
    attempt(11)
    assert apply_retention()["login_attempts"] == 1


def test_a_run_with_nothing_expired_is_recorded_too(db):
    attempt(1)
    assert not any(apply_retention().values())
    assert Event.objects.get(name="retention.applied").data["counts"]["login_attempts"] == 0


def test_every_policy_states_its_reason_and_business_events_stay_seven_years():
    for policy in policies():
        assert isinstance(policy, Policy) and len(policy.reason) > 20
    assert {p.key: p.days for p in policies()}["business_events"] >= 7 * 365


def test_the_change_history_is_not_subject_to_retention():
    assert not [p for p in policies() if p.model.lower() in {"auditlog.logentry", "core.historyseal"}]


@pytest.mark.django_db
def test_the_command_lists_the_policies_with_their_reasons():
    out = StringIO()
    call_command("retention", stdout=out)
    assert "login_attempts" in out.getvalue() and "BIO2" in out.getvalue()
