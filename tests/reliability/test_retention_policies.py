"""Every retention policy: a record just past its period is removed (or pseudonymised), one
just inside it is kept, and the run is recorded. The change history and accepted evidence
younger than seven years survive any run, whatever the settings say."""

from collections.abc import Callable
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from axes.models import AccessLog as LoginLog
from django.core.files.base import ContentFile
from django.core.management import call_command

from compliance.models import FollowUpAction
from core.models import Event, Reminder
from core.retention import NEVER, Policy, apply_retention, policies, register_policy
from incidents.models import DDoSAttack, Exercise, FraudAccountRemoval, Incident, MisuseInvestigation, PhishingTakedown
from incidents.retention_policies import RETIRED_PREFIX
from privacy.models import DataBreach, Registration, WorkshopSeries, WorkshopSession
from reports.models import AccessLog, ExportJob

NOW = datetime(2030, 6, 15, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
HMAC = "ab" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _at(obj: Any, when: datetime, **fields: Any) -> Any:
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    return obj


def incident(when, user, n):
    obj = Incident.objects.create(
        title=f"Storing {n}", category="outage", detection_source="own_monitoring", started_at=when, detected_at=when
    )
    return _at(obj, when, status="closed", resolved_at=when, closed_at=when, started_at=when, detected_at=when)


def takedown(when, user, n):
    obj = PhishingTakedown.objects.create(url=f"https://digid-{n}.example.com/", reported_at=when - timedelta(days=1))
    return _at(obj, when, outcome="taken_offline", taken_down_at=when, completed_at=when)


def misuse(when, user, n):
    return MisuseInvestigation.objects.create(
        chain_partner="Gemeente", partner_reference=f"K-{n}", subject="Misbruik", opened_on=when.date(),
        closed_on=when.date(), outcome=MisuseInvestigation._meta.get_field("outcome").choices[0][0],
    )  # fmt: skip


def fraud(when, user, n):
    return FraudAccountRemoval.objects.create(pseudonym=f"{n:02d}" + HMAC[2:], reason="other", removed_at=when)


def breach(when, user, n):
    return DataBreach.objects.create(reference=f"dl-{n}", title="Lek", aware_at=when, nature="Brief", recorded_by=user)


def registration(when, user, n):
    series, _ = WorkshopSeries.objects.get_or_create(
        slug="onboarding",
        defaults={"name": "Onboarding", "kind": "onboarding", "first_start": when, "organizer": user},
    )
    start = when - timedelta(hours=3)
    session = WorkshopSession.objects.create(series=series, starts_at=start, ends_at=when, capacity=5)
    return Registration.objects.create(session=session, user=user)  # no attendance recorded


def reminder(when, user, n):
    action = FollowUpAction.objects.create(title="Actie", owner=user, due_date=when.date())
    from django.contrib.contenttypes.models import ContentType

    obj = Reminder.objects.create(
        recipient=user, item_type=ContentType.objects.get_for_model(action), item_id=action.pk,
        stage=f"due-{n}", due=when, title="Actie",
    )  # fmt: skip
    return _at(obj, when, created_at=when)


def export_job(when, user, n):
    job = ExportJob.objects.create(requested_by=user, source="admin", exporter="x", format="csv")
    job.file.save(f"export-{n}.csv", ContentFile(b"a;b\n"), save=True)
    return _at(job, when, created_at=when)


def access_log(when, user, n):
    return _at(AccessLog.objects.create(user=user, action=AccessLog.Action.choices[0][0]), when, timestamp=when)


def login_attempt(when, user, n):
    obj = AccessAttempt.objects.create(username=f"u{n}", ip_address="127.0.0.1", user_agent="t", failures_since_start=1)
    return _at(obj, when, attempt_time=when)


def login_log(when, user, n):
    obj = LoginLog.objects.create(username=f"u{n}", ip_address="127.0.0.1", user_agent="t")
    return _at(obj, when, attempt_time=when)


def ddos(when, user, n):
    return DDoSAttack.objects.create(
        started_at=when, vector=DDoSAttack._meta.get_field("vector").choices[0][0], peak_gbps=10
    )


def exercise(when, user, n):
    return Exercise.objects.create(
        name=f"Oefening {n}", kind=Exercise._meta.get_field("kind").choices[0][0], held_on=when.date()
    )


def self_assessment(when, user, n):
    from organisation.models import Service
    from privacy.models import Questionnaire, SelfAssessment

    questionnaire = Questionnaire.objects.get_or_create(slug=f"retentie-{n}", defaults={"name": "Pre-scan"})[0]
    service = Service.objects.get_or_create(slug=f"dienst-{n}", defaults={"name": f"Dienst {n}", "domain": "toegang"})[
        0
    ]
    return SelfAssessment.objects.create(
        questionnaire=questionnaire, service=service, assessor=user, started_on=when.date(), completed_on=when.date()
    )


def event(when, user, n):
    return _at(Event.objects.create(name=f"test.{n}", object_repr="x"), when, timestamp=when)


FACTORIES: dict[str, Callable[[datetime, Any, int], Any]] = {
    "incidents": incident,
    "phishing_takedowns": takedown,
    "misuse_investigations": misuse,
    "fraud_removals": fraud,
    "data_breaches": breach,
    "workshop_registrations": registration,
    "reminders": reminder,
    "export_jobs": export_job,
    "access_log": access_log,
    "login_attempts": login_attempt,
    "login_log": login_log,
    "business_events": event,
    "ddos_attacks": ddos,
    "exercises": exercise,
    "self_assessments": self_assessment,
}


def test_every_policy_has_a_test_and_a_dutch_reason():
    assert set(FACTORIES) == {p.key for p in policies()}
    assert all(len(p.reason) > 40 for p in policies())


@pytest.mark.parametrize("key", sorted(FACTORIES))
def test_a_record_just_past_its_period_goes_and_one_just_inside_stays(
    key, make_user, django_capture_on_commit_callbacks
):
    policy = {p.key: p for p in policies()}[key]
    user = make_user()
    # a day either side: the misuse investigations count whole days (closed_on is a date)
    expired = FACTORIES[key](NOW - timedelta(days=policy.days + 1), user, 1)
    kept = FACTORIES[key](NOW - timedelta(days=policy.days - 1), user, 2)
    model = type(expired)
    files = [Path(expired.file.path)] if key == "export_jobs" else []
    assert all(f.exists() for f in files)

    with django_capture_on_commit_callbacks(execute=True):  # files are removed after the commit
        counts = apply_retention(NOW)

    assert counts[key] == 1
    if policy.action == "pseudonymise":
        expired.refresh_from_db()
        assert expired.pseudonym.startswith(RETIRED_PREFIX) and len(expired.pseudonym) == 64
        assert model.objects.get(pk=kept.pk).pseudonym == kept.pseudonym
        assert apply_retention(NOW)[key] == 0  # pseudonymised once, not every night
    else:
        assert not model.objects.filter(pk=expired.pk).exists()
        assert model.objects.filter(pk=kept.pk).exists()
    assert not any(f.exists() for f in files)  # the export file went with its row
    assert Event.objects.filter(name="retention.applied", data__counts__has_key=key).exists()


def test_an_incident_a_data_breach_refers_to_is_kept_until_the_breach_goes(make_user):
    user = make_user()
    old = NOW - timedelta(days=6 * 366)
    referred = incident(old, user, 1)
    breach(NOW, user, 9).__class__.objects.filter(reference="dl-9").update(incident=referred)
    assert apply_retention(NOW)["incidents"] == 0
    assert Incident.objects.filter(pk=referred.pk).exists()
    assert Event.objects.get(name="retention.applied").data["kept_protected"] == {"incidents": 1}


def test_attendance_of_people_still_employed_is_kept_as_proof_of_training(make_user):
    user = make_user()
    registration(NOW - timedelta(days=5 * 366), user, 1)
    Registration.objects.update(attendance="attended")
    assert apply_retention(NOW)["workshop_registrations"] == 0
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert apply_retention(NOW)["workshop_registrations"] == 1


def test_every_run_is_recorded_even_when_nothing_expired(db):
    apply_retention(NOW)
    apply_retention(NOW)
    assert Event.objects.filter(name="retention.applied").count() == 2


def test_no_run_removes_history_or_accepted_evidence_younger_than_seven_years(db, settings, make_user):
    settings.RETENTION_DAYS = {p.key: 1 for p in policies()}  # the most aggressive settings possible
    user = make_user()
    fraud(NOW - timedelta(days=400), user, 1)
    incident(NOW - timedelta(days=400), user, 2)
    history = set(LogEntry.objects.values_list("pk", flat=True))
    assert history
    for model in ("compliance.Evidence", "compliance.ControlCheck"):
        register_policy(Policy(key="test_evidence", model=model, date_field="pk", default_days=1, reason="test"))
        assert {p.key: p for p in policies()}["test_evidence"].days >= 7 * 365
    from core.retention import _policies

    _policies.pop("test_evidence")
    assert sum(apply_retention(NOW).values()) == 2  # the fraud removal and the incident
    assert history <= set(LogEntry.objects.values_list("pk", flat=True))  # every history record is still there
    # evidence and checks have no policy at all: nothing can delete them
    assert not {"compliance.evidence", "compliance.controlcheck"} & {p.model.lower() for p in policies()}
    for model in NEVER:
        with pytest.raises(ValueError):
            register_policy(Policy(key="x", model=model, date_field="timestamp", default_days=1, reason="x"))


@pytest.mark.django_db
def test_the_command_prints_the_table_with_periods_actions_and_reasons():
    out = StringIO()
    call_command("retention", stdout=out)
    text = out.getvalue()
    for policy in policies():
        assert policy.key in text and policy.action in text
    assert "auditlog" in text  # what is never removed is listed too
