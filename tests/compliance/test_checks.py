from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import roles
from compliance.controls import accept_check, generate_checks, period_containing, reject_check, submit_check
from compliance.models import CheckResult, CheckStatus, Control, ControlCheck, ControlState, FollowUpAction, Frequency
from compliance.stats import check_figures
from core.models import Event
from organisation.models import Service

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "frequency, day, period",
    [
        (Frequency.MONTHLY, date(2021, 2, 10), (date(2021, 2, 1), date(2021, 2, 28))),
        (Frequency.QUARTERLY, date(2021, 5, 31), (date(2021, 4, 1), date(2021, 6, 30))),
        (Frequency.HALF_YEARLY, date(2021, 12, 31), (date(2021, 7, 1), date(2021, 12, 31))),
        (Frequency.YEARLY, date(2021, 3, 3), (date(2021, 1, 1), date(2021, 12, 31))),
    ],
)
def test_periods_are_calendar_months_quarters_halves_and_years(frequency, day, period):
    assert period_containing(day, frequency) == period


@time_machine.travel(datetime(2021, 11, 15, 9, tzinfo=AMS), tick=False)
def test_saving_a_control_creates_its_checks_up_to_the_horizon_across_the_year_end(make_control, settings):
    settings.CHECK_HORIZON_DAYS = 400
    control = make_control(frequency=Frequency.QUARTERLY, start_date=date(2021, 1, 1))

    starts = list(control.checks.order_by("period_start").values_list("period_start", flat=True))
    # 15 Nov 2021 + 400 days = 20 Dec 2022: the quarters of 2021 and all of 2022
    assert starts == [date(y, m, 1) for y in (2021, 2022) for m in (1, 4, 7, 10)]
    assert all(c.due_date == c.period_end for c in control.checks.all())


def test_generating_checks_twice_creates_nothing_the_second_time(make_control):
    control = make_control(frequency=Frequency.MONTHLY)
    count = control.checks.count()
    assert generate_checks() == 0
    assert control.checks.count() == count


def test_the_periodic_task_extends_the_horizon_as_time_passes(make_control, settings):
    settings.CHECK_HORIZON_DAYS = 30
    with time_machine.travel(datetime(2021, 12, 20, tzinfo=AMS), tick=False):
        control = make_control(frequency=Frequency.YEARLY, start_date=date(2021, 1, 1))
        assert control.checks.count() == 2  # 2021 and 2022 (starts 1 Jan, within 30 days)
    with time_machine.travel(datetime(2022, 12, 5, tzinfo=AMS), tick=False):
        from compliance.tasks import generate_checks as task

        assert task.delay().get() == 1
    assert list(control.checks.values_list("period_start__year", flat=True).order_by("period_start")) == [
        2021,
        2022,
        2023,
    ]


def test_a_check_is_unique_per_control_and_period(open_check):
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlCheck.objects.create(
            control=open_check.control,
            period_start=open_check.period_start,
            period_end=open_check.period_end,
            due_date=open_check.due_date,
            owner=open_check.owner,
        )


def test_a_due_date_outside_the_period_is_refused_by_clean_and_database(open_check):
    open_check.due_date = open_check.period_end + timedelta(days=1)
    with pytest.raises(ValidationError, match="binnen de periode"):
        open_check.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        open_check.save()


@time_machine.travel(datetime(2021, 5, 10, tzinfo=AMS), tick=False)
def test_changing_the_owner_updates_open_future_checks_only(make_control, make_user):
    old, new = make_user(), make_user()
    control = make_control(owner=old, frequency=Frequency.MONTHLY, start_date=date(2021, 1, 1))
    past = control.checks.get(period_start=date(2021, 3, 1))
    submitted = control.checks.get(period_start=date(2021, 6, 1))
    ControlCheck.objects.filter(pk=submitted.pk).update(status=CheckStatus.SUBMITTED)

    control.owner = new
    control.test_method = "Nieuwe methode"
    control.save()

    assert control.checks.get(pk=past.pk).owner == old
    assert control.checks.get(pk=submitted.pk).owner == old
    current = control.checks.get(period_start=date(2021, 5, 1))
    assert current.owner == new and current.test_method == "Nieuwe methode"
    assert set(control.checks.filter(period_start__gt=date(2021, 6, 1)).values_list("owner", flat=True)) == {new.pk}


@time_machine.travel(datetime(2021, 5, 10, tzinfo=AMS), tick=False)
def test_changing_the_frequency_regenerates_future_open_checks_and_keeps_the_past(make_control):
    control = make_control(frequency=Frequency.MONTHLY, start_date=date(2021, 1, 1))
    past_pks = set(control.checks.filter(period_start__lte=date(2021, 5, 1)).values_list("pk", flat=True))

    control.frequency = Frequency.QUARTERLY
    control.save()

    assert past_pks <= set(control.checks.values_list("pk", flat=True))
    later = control.checks.filter(period_start__gt=date(2021, 5, 31)).order_by("period_start")
    assert [(c.period_start, c.period_end) for c in later[:2]] == [
        (date(2021, 7, 1), date(2021, 9, 30)),
        (date(2021, 10, 1), date(2021, 12, 31)),
    ]
    assert not control.checks.filter(period_start=date(2021, 6, 1)).exists()


def _submitted(check, submitter):
    return submit_check(check, submitter, CheckResult.EFFECTIVE, "Alles in orde")


def test_the_owner_submits_and_a_security_officer_accepts(open_check, employee, security_officer):
    check = _submitted(open_check, employee)
    assert check.status == CheckStatus.SUBMITTED and check.submitted_by == employee

    check = accept_check(check, security_officer)

    assert check.status == CheckStatus.ACCEPTED and check.reviewed_by == security_officer
    event = Event.objects.get(name="check.accepted")
    assert event.object_id == check.pk and event.actor == security_officer


def test_the_reviewer_cannot_be_the_submitter(open_check, security_officer):
    open_check.owner = security_officer
    open_check.save()
    check = _submitted(open_check, security_officer)
    with pytest.raises(ValidationError, match="niet de indiener"):
        accept_check(check, security_officer)
    assert ControlCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED


def test_the_database_refuses_a_reviewer_who_is_the_submitter(open_check, employee):
    with pytest.raises(IntegrityError), transaction.atomic():
        ControlCheck.objects.filter(pk=open_check.pk).update(submitted_by=employee, reviewed_by=employee)


def test_an_employee_cannot_review_and_an_outsider_cannot_submit(open_check, employee, outsider, make_user):
    with pytest.raises(PermissionDenied):
        submit_check(open_check, outsider, CheckResult.EFFECTIVE, "x")
    other = make_user(roles.EMPLOYEE)
    with pytest.raises(PermissionDenied):
        submit_check(open_check, other, CheckResult.EFFECTIVE, "x")  # not assigned to them
    check = _submitted(open_check, employee)
    with pytest.raises(PermissionDenied):
        accept_check(check, other)


def test_a_rejected_check_can_be_resubmitted(open_check, employee, security_officer):
    check = reject_check(_submitted(open_check, employee), security_officer, "Bewijs ontbreekt")
    assert check.status == CheckStatus.REJECTED and check.review_note == "Bewijs ontbreekt"
    check = _submitted(check, employee)
    assert check.status == CheckStatus.SUBMITTED and check.reviewed_by is None


def test_rejecting_needs_a_reason(open_check, employee, security_officer):
    with pytest.raises(ValidationError):
        reject_check(_submitted(open_check, employee), security_officer, " ")


def test_an_accepted_check_is_read_only(open_check, employee, security_officer):
    check = accept_check(_submitted(open_check, employee), security_officer)
    check = ControlCheck.objects.get(pk=check.pk)
    check.conclusion = "later gewijzigd"
    with pytest.raises(ValidationError, match="alleen-lezen"):
        check.save()
    with pytest.raises(ValidationError):
        check.delete()
    with pytest.raises(ValidationError):
        _submitted(check, employee)


@pytest.mark.parametrize("result", [CheckResult.NOT_EFFECTIVE, CheckResult.PARTLY_EFFECTIVE])
def test_a_failed_check_raises_a_follow_up_action_with_owner_and_due_date(
    open_check, employee, security_officer, settings, result
):
    settings.FOLLOW_UP_DAYS = 30
    check = submit_check(open_check, employee, result, "Twee accounts te veel rechten")
    check = accept_check(check, security_officer, now=datetime(2021, 4, 2, 10, tzinfo=AMS))

    action = FollowUpAction.objects.get()
    assert action.source == check
    assert action.owner == check.control.owner
    assert action.due_date == date(2021, 5, 2)


def test_an_effective_check_raises_no_follow_up(open_check, employee, security_officer):
    accept_check(_submitted(open_check, employee), security_officer)
    assert not FollowUpAction.objects.exists()


@time_machine.travel(datetime(2021, 8, 1, tzinfo=AMS), tick=False)
def test_overdue_is_past_due_and_not_accepted_as_property_and_queryset(make_control, employee, security_officer):
    control = make_control(owner=employee, frequency=Frequency.QUARTERLY, start_date=date(2021, 1, 1))
    q1, q2, q3 = control.checks.order_by("period_start")[:3]
    accept_check(_submitted(q1, employee), security_officer)
    _submitted(q2, employee)

    assert [c.is_overdue for c in (ControlCheck.objects.get(pk=q1.pk), ControlCheck.objects.get(pk=q2.pk), q3)] == [
        False,
        True,
        False,
    ]
    assert list(ControlCheck.objects.overdue().values_list("pk", flat=True)) == [q2.pk]
    flags = dict(ControlCheck.objects.with_overdue().values_list("pk", "overdue_now"))
    assert flags[q1.pk] is False and flags[q2.pk] is True and flags[q3.pk] is False
    assert q2.pk not in ControlCheck.objects.not_overdue().values_list("pk", flat=True)


def test_roll_up_shows_each_state_for_controls_and_services(make_control, employee, security_officer):
    with time_machine.travel(datetime(2021, 8, 1, tzinfo=AMS), tick=False):
        digid = Service.objects.create(name="DigiD", slug="digid", domain=Service.Domain.ACCESS)
        mijn = Service.objects.create(name="MijnOverheid", slug="mo", domain=Service.Domain.INTERACTION)
        Service.objects.create(name="Leeg", slug="leeg", domain=Service.Domain.STANDARDS)
        ok = make_control(owner=employee, frequency=Frequency.QUARTERLY, services=[mijn])
        late = make_control(owner=employee, frequency=Frequency.QUARTERLY, services=[digid])
        failed = make_control(owner=employee, frequency=Frequency.QUARTERLY)
        none = make_control(owner=employee, frequency=Frequency.QUARTERLY, active=False, start_date=date(2030, 1, 1))
        for control in (ok, failed):
            for check in control.checks.filter(period_end__lt=date(2021, 8, 1)):
                result = CheckResult.NOT_EFFECTIVE if control == failed else CheckResult.EFFECTIVE
                accept_check(submit_check(check, employee, result, "x"), security_officer)
        ControlCheck.objects.filter(control=none).delete()

        states = dict(Control.objects.with_state().values_list("code", "state"))
        from compliance.rollup import services_with_state

        services = dict(services_with_state(Service.objects.all(), date(2021, 8, 1)).values_list("slug", "state"))

    assert states == {
        ok.code: ControlState.ON_TRACK,
        late.code: ControlState.OVERDUE,
        failed.code: ControlState.FAILED,
        none.code: ControlState.NONE,
    }
    assert services == {"digid": ControlState.OVERDUE, "mo": ControlState.ON_TRACK, "leeg": ControlState.NONE}


def test_the_roll_up_costs_one_query_however_many_controls(make_control, django_assert_num_queries):
    for _ in range(3):
        make_control()
    with django_assert_num_queries(1):
        list(Control.objects.with_state())
    for _ in range(7):
        make_control()
    with django_assert_num_queries(1):
        assert len(list(Control.objects.with_state())) == 10


def test_check_figures_count_due_on_time_and_overdue_in_one_query(
    make_control, employee, security_officer, django_assert_num_queries
):
    control = make_control(owner=employee, frequency=Frequency.QUARTERLY, start_date=date(2021, 1, 1))
    q1, q2, q3, _q4 = control.checks.filter(period_start__year=2021).order_by("period_start")
    on_time = datetime(2021, 3, 31, 23, 30, tzinfo=AMS)  # the due day, late evening local time
    late = datetime(2021, 7, 1, 9, tzinfo=AMS)
    accept_check(submit_check(q1, employee, "effective", "x", now=on_time), security_officer, now=on_time)
    accept_check(submit_check(q2, employee, "effective", "x", now=late), security_officer, now=late)
    submit_check(q3, employee, "effective", "x")

    with django_assert_num_queries(1):
        figures = check_figures(2021, today=date(2022, 1, 15))

    assert figures == {"control_checks_due": 4, "control_checks_accepted_on_time": 1, "control_checks_overdue": 3}
