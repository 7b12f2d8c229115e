"""Retiring a control (issue 14, rule 2): an action with a date and a reason; its checks not yet
submitted that fall due after the date are cancelled (kept, with the reason), count as neither
due nor overdue and cause no reminders. Built on 2019."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance import stats as compliance_stats
from compliance.controls import retire_control, submit_check
from compliance.models import CheckStatus, Control, ControlCheck
from compliance.reminder_sources import checks_due
from core.models import Event


@pytest.fixture
def control_2019(make_control, employee):  # type: ignore[no-untyped-def]
    """A quarterly control since 1 January 2019 (checks due 31 March, 30 June, 30 September, …)."""
    return make_control(owner=employee, start_date=date(2019, 1, 1))


def test_retiring_cancels_the_unsubmitted_checks_due_after_the_date_and_keeps_them(
    control_2019, employee, security_officer
):
    september = control_2019.checks.get(due_date=date(2019, 9, 30))
    submit_check(september, employee, "effective", "In orde")
    retire_control(control_2019, security_officer, "Vervangen door LR-900", on=date(2019, 6, 30))

    checks = ControlCheck.objects.filter(control=control_2019)
    cancelled = checks.filter(status=CheckStatus.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(due_date__lte=date(2019, 6, 30)).exists()
    assert set(cancelled.values_list("cancel_reason", flat=True)) == {"Vervangen door LR-900"}
    # the submitted one stays submitted; those due on or before the date stay open (and overdue)
    assert checks.get(pk=september.pk).status == CheckStatus.SUBMITTED
    assert checks.get(due_date=date(2019, 3, 31)).status == CheckStatus.OPEN
    control = Control.objects.get(pk=control_2019.pk)
    assert (control.active, control.retired_on, control.retired_reason) == (
        False,
        date(2019, 6, 30),
        "Vervangen door LR-900",
    )
    assert Event.objects.filter(name="control.retired").count() == 1


def test_cancelled_checks_count_as_neither_due_nor_overdue(control_2019, security_officer):
    before = compliance_stats.check_figures(2019)
    assert before["control_checks_due"] == 4 and before["control_checks_overdue"] == 4
    retire_control(control_2019, security_officer, "Opgeheven", on=date(2019, 6, 30))
    after = compliance_stats.check_figures(2019)
    assert after == {"control_checks_due": 2, "control_checks_accepted_on_time": 0, "control_checks_overdue": 2}
    assert compliance_stats.check_figures(2020)["control_checks_due"] == 0
    assert not ControlCheck.objects.overdue().filter(status=CheckStatus.CANCELLED).exists()


def test_a_retired_control_causes_no_reminders(control_2019, security_officer):
    now = timezone.now()
    its_checks = set(ControlCheck.objects.filter(control=control_2019).values_list("pk", flat=True))
    assert any(item.obj.pk in its_checks for item in checks_due(now))  # the source yields (model, pk) refs
    retire_control(control_2019, security_officer, "Opgeheven", on=date(2019, 6, 30))
    assert not any(item.obj.pk in its_checks for item in checks_due(now))


def test_a_control_cannot_be_switched_off_without_retiring_it(control_2019, api_as, security_officer):
    response = api_as(security_officer).patch(f"/api/v1/controls/{control_2019.pk}/", {"active": False}, format="json")
    assert response.status_code == 400 and "active" in response.json()
    control_2019.refresh_from_db()
    control_2019.active = False
    with pytest.raises(ValidationError):
        control_2019.save()
    assert Control.objects.get(pk=control_2019.pk).active
    assert not ControlCheck.objects.filter(status=CheckStatus.CANCELLED).exists()


def test_the_api_retires_with_a_date_and_a_reason_and_refuses_a_future_or_early_date(
    control_2019, api_as, security_officer, employee
):
    client = api_as(security_officer)
    url = f"/api/v1/controls/{control_2019.pk}/retire/"
    assert client.post(url, {"on": "2019-06-30"}, format="json").status_code == 400  # no reason
    future = client.post(url, {"on": "2099-01-01", "reason": "Later"}, format="json")
    assert future.status_code == 400 and "on" in future.json()
    early = client.post(url, {"on": "2018-12-31", "reason": "Te vroeg"}, format="json")
    assert early.status_code == 400 and "on" in early.json()
    assert api_as(employee).post(url, {"on": "2019-06-30", "reason": "Ik"}, format="json").status_code == 403
    assert not ControlCheck.objects.filter(status=CheckStatus.CANCELLED).exists()
    done = client.post(url, {"on": "2019-06-30", "reason": "Opgeheven"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["retired_on"] == "2019-06-30" and done.json()["active"] is False
    again = client.post(url, {"on": "2019-07-30", "reason": "Nogmaals"}, format="json")
    assert again.status_code == 400


def test_the_admin_retires_when_active_is_unticked_and_asks_for_the_reason(control_2019, client_as, security_officer):
    from django.forms.models import model_to_dict

    client = client_as(security_officer)
    url = f"/admin/compliance/control/{control_2019.pk}/change/"
    data = {
        key: value
        for key, value in model_to_dict(control_2019).items()
        if key not in ("id", "active", "retired_on", "retired_reason") and value is not None
    }
    data["services"] = []
    data["requirements"] = []
    data["start_date"] = "2019-01-01"
    response = client.post(url, {**data, "retire_on": "2019-06-30"})
    assert response.status_code == 200 and "retire_reason" in response.context["adminform"].form.errors
    assert Control.objects.get(pk=control_2019.pk).active
    response = client.post(url, {**data, "retire_on": "2019-06-30", "retire_reason": "Opgeheven"})
    assert response.status_code == 302
    control = Control.objects.get(pk=control_2019.pk)
    assert not control.active and control.retired_on == date(2019, 6, 30)
    assert ControlCheck.objects.filter(control=control, status=CheckStatus.CANCELLED).exists()


def test_a_cancelled_check_cannot_be_submitted(control_2019, employee, security_officer):
    retire_control(control_2019, security_officer, "Opgeheven", on=date(2019, 6, 30))
    cancelled = ControlCheck.objects.filter(control=control_2019, status=CheckStatus.CANCELLED).first()
    with pytest.raises(ValidationError):
        submit_check(cancelled, employee, "effective", "Toch")
    assert ControlCheck.objects.get(pk=cancelled.pk).status == CheckStatus.CANCELLED


def test_the_check_due_on_the_retirement_date_itself_stays_due(control_2019, security_officer):
    # only checks due after the retirement date are cancelled
    retire_control(control_2019, security_officer, "Opgeheven", on=date(2019, 6, 30))
    assert ControlCheck.objects.get(control=control_2019, due_date=date(2019, 6, 30)).status == CheckStatus.OPEN
