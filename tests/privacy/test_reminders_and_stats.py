from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.reminders import sources
from privacy import breaches
from privacy.models import DPIA, Registration, SelfAssessment, WorkshopSession
from privacy.models.workshops import AMSTERDAM
from privacy.reminders import avg_workshop_duty, dpia_reviews, onboarding_duty, processing_reviews, workshop_tomorrow
from privacy.stats import annual_figures

from .conftest import attended


def test_every_source_is_registered_with_the_engine():
    assert {
        "privacy.breach_deadline",
        "privacy.processing_review",
        "privacy.dpia_review",
        "privacy.workshop_tomorrow",
        "privacy.onboarding_duty",
        "privacy.avg_workshop_duty",
    } <= set(sources())


def test_a_register_review_coming_up_reminds_the_owner(make_activity):
    activity = make_activity(next_review_on=date(2021, 6, 1))
    make_activity(next_review_on=date(2022, 6, 1))
    items = list(processing_reviews(datetime(2021, 5, 25, tzinfo=AMSTERDAM)))
    assert [(i.obj, i.recipient, i.due) for i in items] == [(activity, activity.owner, date(2021, 6, 1))]


def test_a_dpia_review_reminds_its_owner(make_dpia):
    dpia = make_dpia(review_on=date(2023, 4, 1))
    assert [i.recipient for i in dpia_reviews(datetime(2023, 3, 30, tzinfo=AMSTERDAM))] == [dpia.owner]
    assert list(dpia_reviews(datetime(2022, 1, 1, tzinfo=AMSTERDAM))) == []


def test_a_session_tomorrow_reminds_each_registered_person_the_day_before(make_session, employee, make_user):
    start = datetime(2021, 3, 8, 10, tzinfo=AMSTERDAM)
    session = make_session(starts_at=start)
    registration = Registration.objects.create(session=session, user=employee)
    Registration.objects.create(session=session, user=make_user(None), status="waiting")
    items = list(workshop_tomorrow(start - timedelta(hours=20)))
    assert [i.obj for i in items] == [registration]
    assert [(s.code, s.at) for s in items[0].stages] == [("day-before", start - timedelta(days=1))]
    assert list(workshop_tomorrow(start - timedelta(days=3))) == []


def test_an_overdue_onboarding_is_reminded_and_escalates(make_user, series):
    newcomer = make_user(None, start_date=date(2021, 1, 4))
    items = [i for i in onboarding_duty(datetime(2021, 4, 10, tzinfo=AMSTERDAM)) if i.recipient == newcomer]
    assert [(i.due, i.escalate) for i in items] == [(date(2021, 4, 4), True)]
    session = WorkshopSession.objects.create(
        series=series,
        starts_at=datetime(2021, 3, 8, 10, tzinfo=AMSTERDAM),
        ends_at=datetime(2021, 3, 8, 13, tzinfo=AMSTERDAM),
        capacity=5,
    )
    attended(session, newcomer)
    assert not [i for i in onboarding_duty(datetime(2021, 4, 10, tzinfo=AMSTERDAM)) if i.recipient == newcomer]


def test_the_yearly_avg_workshop_is_reminded_a_month_ahead(make_user, settings):
    settings.PRIVACY_DUTY_REMIND_DAYS = 30
    person = make_user(None, start_date=date(2020, 6, 1))
    assert not [i for i in avg_workshop_duty(datetime(2021, 4, 1, tzinfo=AMSTERDAM)) if i.recipient == person]
    items = [i for i in avg_workshop_duty(datetime(2021, 5, 15, tzinfo=AMSTERDAM)) if i.recipient == person]
    assert [i.due for i in items] == [date(2021, 6, 1)]


# --- annual figures ---------------------------------------------------------------------------


@pytest.fixture
def year_2021(make_activity, make_dpia, make_breach, questionnaire, make_session, make_user):
    make_activity(registered_on=date(2021, 1, 5))
    make_activity(registered_on=date(2020, 12, 31))
    activity = make_activity(registered_on=date(2021, 12, 31))
    for completed in (date(2021, 3, 1), date(2022, 1, 1), None):
        SelfAssessment.objects.create(
            questionnaire=questionnaire,
            activity=activity,
            assessor=activity.owner,
            started_on=date(2021, 1, 1),
            completed_on=completed,
        )
    for decided in (date(2021, 6, 1), date(2020, 6, 1)):
        DPIA.objects.create(
            activity=activity,
            title=f"DPIA {decided}",
            owner=activity.owner,
            status="decided",
            decision="proceed",
            decided_on=decided,
            dpo_advice="ok",
            dpo_advice_on=decided,
        )
    DPIA.objects.create(activity=activity, title="concept", owner=activity.owner)
    # the last minute of 2021 in Amsterdam is 2021, though it is 2021-12-31 22:59 UTC
    on_time = make_breach(aware_at=datetime(2021, 12, 31, 23, 59, tzinfo=AMSTERDAM))
    late = make_breach(aware_at=datetime(2021, 3, 1, 9, tzinfo=AMSTERDAM))
    make_breach(aware_at=datetime(2022, 1, 1, 0, 1, tzinfo=AMSTERDAM))
    breaches.report_to_ap(on_time, on_time.aware_at + timedelta(hours=71), "AP-1")
    breaches.report_to_ap(late, late.aware_at + timedelta(hours=73), "AP-2", late_reason="Pas later bekend")
    person = make_user(None)
    first = make_session(starts_at=datetime(2021, 3, 8, 10, tzinfo=AMSTERDAM))
    second = make_session(starts_at=datetime(2021, 5, 10, 10, tzinfo=AMSTERDAM))
    make_session(starts_at=datetime(2021, 7, 12, 10, tzinfo=AMSTERDAM), cancelled=True)
    make_session(starts_at=datetime(2020, 7, 12, 10, tzinfo=AMSTERDAM))
    attended(first, person)
    attended(second, person)  # the same person twice counts once
    Registration.objects.create(session=first, user=make_user(None), attendance="absent")


def test_annual_figures_count_what_happened_in_the_year(year_2021):
    assert annual_figures(2021) == {
        "processing_registrations": 2,
        "self_assessments": 1,
        "dpias": 1,
        "data_breaches": 2,
        "data_breaches_reported_late": 1,
        "data_breaches_not_reported": 0,
        "workshop_sessions": 2,
        "avg_workshop_sessions": 0,
        "onboarding_sessions": 2,
        "workshop_attendees": 1,
    }


def test_annual_figures_take_a_fixed_number_of_queries(year_2021, django_assert_num_queries):
    # registrations, assessments, DPIAs, breaches (total and late in one), sessions, attendees
    with django_assert_num_queries(6):
        annual_figures(2021)
    with CaptureQueriesContext(connection) as empty_year:
        annual_figures(1999)
    assert len(empty_year) == 6


def test_two_duties_of_one_person_falling_due_together_are_both_reminded(make_user, monkeypatch):
    """Both duties are about the person: without the occurrence in the stage code, the
    second would be taken for the first and never sent."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from core import reminders
    from core.models import Reminder
    from privacy.reminders import _duty_item
    from privacy.workshops import duties

    person = make_user(None, username="nieuw", start_date=date(2021, 1, 4)).person
    [duty] = duties(date(2021, 6, 1), people=[person])
    due = date(2021, 4, 4)
    items = [_duty_item(duty, due, "onboarding", "onboarding"), _duty_item(duty, due, "avg", "avg")]
    monkeypatch.setattr(reminders, "_sources", {"test": lambda now: items})
    reminders.collect(datetime(2021, 6, 1, 9, tzinfo=ZoneInfo("Europe/Amsterdam")))
    stages = sorted(Reminder.objects.filter(recipient=person.user).values_list("stage", flat=True))
    assert [stage.split("/")[0] for stage in stages if "escalat" not in stage] == [
        "avg-2021-04-04",
        "onboarding-2021-04-04",
    ]
