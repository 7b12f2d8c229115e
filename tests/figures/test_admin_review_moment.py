"""Accepting or rejecting a check in the admin at the review's real moment (issue 14): the
optional moment on the record action's form (default now), refused in the future, before the
submission, and more than a day ago without a reason; the history records the moment and the
registration time; the figure counts the moment's year."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from compliance import stats as compliance_stats
from compliance.controls import submit_check
from compliance.models import CheckStatus, ControlCheck
from core.models import Event

from .conftest import amsterdam


@pytest.fixture
def submitted_2019(make_control, employee):  # type: ignore[no-untyped-def]
    control = make_control(owner=employee, start_date=date(2019, 1, 1))
    check = control.checks.get(due_date=date(2019, 12, 31))
    return submit_check(check, employee, "effective", "In orde", now=amsterdam(2019, 12, 31, 20))


def _url(check: ControlCheck, action: str) -> str:
    return f"/admin/compliance/controlcheck/{check.pk}/actie/{action}/"


def test_the_admin_accepts_at_23_30_on_the_due_date_and_the_figure_counts_it_on_time(
    submitted_2019, client_as, security_officer
):
    client = client_as(security_officer)
    page = client.get(_url(submitted_2019, "accepteren"))
    assert b'name="at_0"' in page.content and b'name="late_reason"' in page.content
    done = client.post(
        _url(submitted_2019, "accepteren"),
        {"note": "", "at_0": "2019-12-31", "at_1": "23:30", "late_reason": "Beoordeling op papier"},
    )
    assert done.status_code == 302, done.context and done.context["form"].errors
    check = ControlCheck.objects.get(pk=submitted_2019.pk)
    assert check.status == CheckStatus.ACCEPTED
    assert timezone.localtime(check.reviewed_at) == amsterdam(2019, 12, 31, 23, 30)
    figures = compliance_stats.check_figures(2019)
    assert figures["control_checks_accepted_on_time"] == 1
    event = Event.objects.get(name="check.accepted")
    assert event.data["occurred_at"].startswith("2019-12-31T23:30")
    assert event.data["late_reason"] == "Beoordeling op papier" and "registered_at" in event.data


def test_an_admin_acceptance_at_00_30_on_new_years_day_is_late_in_the_figure(
    submitted_2019, client_as, security_officer
):
    client_as(security_officer).post(
        _url(submitted_2019, "accepteren"), {"at_0": "2020-01-01", "at_1": "00:30", "late_reason": "Papier"}
    )
    assert ControlCheck.objects.get(pk=submitted_2019.pk).status == CheckStatus.ACCEPTED
    assert compliance_stats.check_figures(2019)["control_checks_accepted_on_time"] == 0


def test_without_a_moment_the_admin_review_is_now(submitted_2019, client_as, security_officer):
    before = timezone.now()
    client_as(security_officer).post(_url(submitted_2019, "afkeuren"), {"note": "Bewijs ontbreekt"})
    check = ControlCheck.objects.get(pk=submitted_2019.pk)
    assert check.status == CheckStatus.REJECTED and check.reviewed_at >= before


@pytest.mark.parametrize(
    ("moment", "field"),
    [
        ({"at_0": "2019-12-31", "at_1": "19:00", "late_reason": "x"}, "at"),  # before the submission
        ({"at_0": "2099-01-01", "at_1": "10:00", "late_reason": "x"}, "at"),  # a crafted future moment
        ({"at_0": "2019-12-31", "at_1": "23:30"}, "late_reason"),  # long ago, no reason
    ],
)
@pytest.mark.parametrize("action", ["accepteren", "afkeuren"])
def test_an_admin_review_moment_that_cannot_be_is_refused_naming_the_field(
    submitted_2019, client_as, security_officer, moment, field, action
):
    response = client_as(security_officer).post(_url(submitted_2019, action), {"note": "Onvoldoende", **moment})
    assert response.status_code == 200 and field in response.context["form"].errors
    check = ControlCheck.objects.get(pk=submitted_2019.pk)
    assert check.status == CheckStatus.SUBMITTED and check.reviewed_at is None
    assert not Event.objects.filter(name__in=["check.accepted", "check.rejected"]).exists()


def test_the_submitter_cannot_review_at_a_moment_through_the_admin(submitted_2019, client_as, employee):
    response = client_as(employee).post(
        _url(submitted_2019, "accepteren"), {"at_0": "2019-12-31", "at_1": "23:30", "late_reason": "x"}
    )
    assert response.status_code in (302, 403)
    assert ControlCheck.objects.get(pk=submitted_2019.pk).status == CheckStatus.SUBMITTED
