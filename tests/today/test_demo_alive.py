"""The demo world after 2021, up to today: quieter years that look like a working office.
2021 itself stays exact (tests/reports/test_demo_year.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from compliance.models import CheckStatus, ControlCheck
from incidents import stats as incident_stats
from incidents.demo import _cutoff, _later_incident_rows
from incidents.models import Calamity, FraudAccountRemoval, Incident, PhishingTakedown
from organisation.demo import demo_user
from privacy import workshops
from privacy.models import DataBreach, Registration
from reports import annual

LATER_YEARS = range(2022, timezone.localdate().year + 1)


def test_the_checks_after_2021_are_mostly_accepted_on_time_with_evidence(demo_2021):
    today = timezone.localdate()
    due = ControlCheck.objects.filter(due_date__gte=date(2022, 1, 1), due_date__lt=today)
    accepted = due.filter(status=CheckStatus.ACCEPTED)
    assert due.count() > 300
    assert accepted.count() / due.count() > 0.85
    assert not accepted.filter(evidence__isnull=True).exists()
    assert not accepted.filter(reviewed_by=F("submitted_by")).exists()
    on_time = [check for check in accepted.only("due_date", "reviewed_at", "status") if check.accepted_on_time]
    assert len(on_time) / accepted.count() > 0.8
    # a few are overdue, all of them recent; a few wait for review
    overdue = due.exclude(status=CheckStatus.ACCEPTED).filter(status=CheckStatus.OPEN)
    assert 0 < overdue.count() < 25
    assert not overdue.filter(due_date__lt=today - timedelta(days=60)).exists()
    assert due.filter(status=CheckStatus.SUBMITTED).exists()


def test_nobody_has_hundreds_of_overdue_checks(demo_2021):
    per_person = (
        ControlCheck.objects.overdue()
        .values("owner__username")
        .annotate(n=Count("pk"))
        .values_list("owner__username", "n")
    )
    assert per_person and max(n for _name, n in per_person) < 20


def test_workshop_completion_per_department_is_realistic(demo_2021):
    rows = workshops.completion_per_department()
    assert len(rows) >= 5
    assert all(row["percentage"] > 0 for row in rows)
    complete = sum(row["complete"] for row in rows) / sum(row["people"] for row in rows)
    assert 0.5 < complete < 1
    for year in LATER_YEARS:
        attended = Registration.objects.filter(session__starts_at__year=year, attendance="attended")
        assert attended.count() > 20, year


def test_each_year_after_2021_has_incidents_takedowns_breaches_and_fraud_removals(demo_2021):
    now = timezone.now()
    for year in LATER_YEARS:
        figures = incident_stats.annual_figures(year)
        assert figures["incidents_handled"] > 0, year
        assert figures["phishing_takedowns"] > 0, year
        assert figures["fraud_account_removals"] > 0, year
        assert DataBreach.objects.filter(aware_at__year=year).exists(), year
    assert 0 < incident_stats.annual_figures(2022)["incidents_handled"] < 236  # quieter than 2021
    assert Calamity.objects.filter(declared_at__year__gte=2022).exists()
    # nothing in the future, and the office is busy now: some incidents are open
    assert not Incident.objects.filter(detected_at__gt=now).exists()
    assert not PhishingTakedown.objects.filter(reported_at__gt=now).exists()
    assert not FraudAccountRemoval.objects.filter(removed_at__gt=now).exists()
    assert Incident.objects.filter(closed_at__isnull=True).exists()
    assert not Incident.objects.filter(Q(status="closed") & Q(closed_at__isnull=True)).exists()


def test_the_annual_report_of_this_year_works(client, demo_2021):
    year = timezone.localdate().year
    report = annual.annual_report(year)
    assert report["incidents_handled"] > 0 and report["phishing_takedowns"] > 0
    client.force_login(demo_user("auditor"))
    assert client.get(f"/reports/annual/{year}/").status_code == 200
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/reports/annual/{year}/{fmt}/").status_code == 200


def test_the_plan_is_deterministic_and_stored_as_planned(demo_2021):
    cutoff = _cutoff()
    first = [(p["reference"], p["detected_at"], p.get("status")) for p in _later_incident_rows(cutoff)]
    second = [(p["reference"], p["detected_at"], p.get("status")) for p in _later_incident_rows(cutoff)]
    assert first == second
    stored = dict(
        Incident.objects.filter(reference__in=[ref for ref, _at, _status in first]).values_list(
            "reference", "detected_at"
        )
    )
    assert stored == {ref: at for ref, at, _status in first}
