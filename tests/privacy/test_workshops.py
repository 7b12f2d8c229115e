from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from icalendar import Calendar

from core.models import Event
from privacy import workshops
from privacy.models import Registration, WorkshopSeries, WorkshopSession
from privacy.models.workshops import AMSTERDAM
from privacy.tasks import create_workshop_sessions

from .conftest import attended

Status = Registration.Status


def test_onboarding_rule_gives_the_second_monday_of_every_other_month(series):
    moments = series.occurrences(datetime(2021, 1, 1, tzinfo=AMSTERDAM), datetime(2021, 12, 31, tzinfo=AMSTERDAM))
    assert [m.date() for m in moments] == [
        date(2021, 1, 11),
        date(2021, 3, 8),
        date(2021, 5, 10),
        date(2021, 7, 12),
        date(2021, 9, 13),
        date(2021, 11, 8),
    ]
    # wall-clock 10:00 in Amsterdam on both sides of the daylight-saving change
    assert {m.astimezone(AMSTERDAM).hour for m in moments} == {10}


def test_explicit_dates_are_accepted_as_rdate(series):
    series.recurrence = "RDATE:20210315T140000,20210614T140000"
    moments = series.occurrences(datetime(2021, 1, 1, tzinfo=AMSTERDAM), datetime(2021, 12, 31, tzinfo=AMSTERDAM))
    assert [m.date() for m in moments] == [date(2021, 3, 15), date(2021, 6, 14)]


def test_an_invalid_rule_is_refused_with_a_clear_message(series):
    series.recurrence = "FREQ=SOMETIMES"
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert "herhalingsregel" in str(error.value)


@time_machine.travel(datetime(2021, 2, 1, 12, tzinfo=AMSTERDAM), tick=False)
def test_the_periodic_task_creates_sessions_up_to_the_horizon_once(series, settings):
    settings.PRIVACY_WORKSHOP_HORIZON_DAYS = 120
    assert create_workshop_sessions() == 2  # 8 March and 10 May
    assert create_workshop_sessions() == 0
    sessions = list(WorkshopSession.objects.order_by("starts_at"))
    assert [s.starts_at.date() for s in sessions] == [date(2021, 3, 8), date(2021, 5, 10)]
    assert sessions[0].ends_at - sessions[0].starts_at == timedelta(minutes=180)
    assert sessions[0].capacity == series.capacity


def test_registering_sends_an_invitation_with_the_calendar_event(session, employee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = workshops.register(session, employee)
    assert registration.status == Status.REGISTERED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.email]
    assert "Uitnodiging: Onboarding" in message.subject
    assert "U bent ingeschreven voor Onboarding" in message.body
    ics_part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
    assert ics_part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(ics_part.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{registration.uid}@waarborg"
    assert event["DTSTART"].dt == session.starts_at.replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["ATTENDEE"]) == f"mailto:{employee.email}"
    assert str(event["ORGANIZER"]) == f"mailto:{session.series.organizer.email}"
    assert calendar.walk("VTIMEZONE"), "the time zone travels with the invitation"


def test_cancelling_sends_a_cancel_with_the_same_uid(session, employee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = workshops.register(session, employee)
    with django_capture_on_commit_callbacks(execute=True):
        workshops.cancel(registration, actor=employee)
    assert len(mail.outbox) == 2
    part = next(p for p in mail.outbox[1].message().walk() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == f"{registration.uid}@waarborg"
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CANCELLED"


def test_a_second_registration_for_the_same_session_is_refused_and_changes_nothing(session, employee):
    workshops.register(session, employee)
    with pytest.raises(ValidationError, match="al ingeschreven"):
        workshops.register(session, employee)
    assert Registration.objects.count() == 1


def test_the_database_refuses_a_duplicate_registration(session, employee):
    Registration.objects.create(session=session, user=employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, user=employee)


def test_a_registration_beyond_capacity_is_refused_with_the_waiting_list_offered(session, make_user):
    workshops.register(session, make_user(None))
    workshops.register(session, make_user(None))
    with pytest.raises(ValidationError, match="wachtlijst"):
        workshops.register(session, make_user(None))
    assert Registration.objects.filter(session=session).count() == 2


def test_without_a_waiting_list_a_full_session_says_so(session, make_user):
    session.series.waiting_list = False
    session.series.save()
    workshops.register(session, make_user(None))
    workshops.register(session, make_user(None))
    late = make_user(None)
    with pytest.raises(ValidationError, match="geen wachtlijst"):
        workshops.register(session, late)
    with pytest.raises(ValidationError, match="geen wachtlijst"):
        workshops.join_waiting_list(session, late)


def test_a_cancellation_promotes_the_first_on_the_waiting_list(session, make_user, django_capture_on_commit_callbacks):
    first, second = workshops.register(session, make_user(None)), workshops.register(session, make_user(None))
    waiting_a = workshops.join_waiting_list(session, make_user(None))
    waiting_b = workshops.join_waiting_list(session, make_user(None))
    assert (waiting_a.status, waiting_b.status) == (Status.WAITING, Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        workshops.cancel(first)
    waiting_a.refresh_from_db()
    waiting_b.refresh_from_db()
    assert waiting_a.status == Status.REGISTERED
    assert waiting_b.status == Status.WAITING
    assert [m.to[0] for m in mail.outbox] == [first.user.email, waiting_a.user.email]
    assert second.status == Status.REGISTERED


def test_joining_the_waiting_list_with_seats_left_registers_at_once(session, employee):
    assert workshops.join_waiting_list(session, employee).status == Status.REGISTERED


def test_registering_again_after_cancelling_reuses_the_record(session, employee):
    registration = workshops.register(session, employee)
    workshops.cancel(registration)
    again = workshops.register(session, employee)
    assert again.pk == registration.pk
    assert again.status == Status.REGISTERED


def test_a_session_that_has_started_cannot_be_booked(make_session, employee):
    started = make_session(starts_at=datetime(2020, 1, 1, 10, tzinfo=AMSTERDAM))
    with pytest.raises(ValidationError, match="al begonnen"):
        workshops.register(started, employee)


def test_attendance_is_marked_for_started_sessions_and_logged(make_session, employee, workshop_coordinator):
    past = make_session(starts_at=datetime(2021, 3, 8, 10, tzinfo=AMSTERDAM))
    registration = Registration.objects.create(session=past, user=employee)
    assert workshops.mark_attendance(Registration.objects.all(), "attended", workshop_coordinator) == 1
    registration.refresh_from_db()
    assert registration.attendance == "attended"
    assert Event.objects.filter(name="workshop.attendance_marked").exists()


def test_attendance_for_a_future_session_is_refused(session, employee):
    workshops.register(session, employee)
    with pytest.raises(ValidationError, match="nog niet begonnen"):
        workshops.mark_attendance(Registration.objects.all(), "attended")
    assert Registration.objects.get().attendance == ""


def test_the_series_feed_lists_every_session(client, series, make_session):
    make_session(starts_at=datetime(2030, 3, 11, 10, tzinfo=AMSTERDAM))
    make_session(starts_at=datetime(2030, 5, 13, 10, tzinfo=AMSTERDAM), cancelled=True)
    response = client.get(series.feed_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]


def test_a_wrong_feed_token_finds_nothing(client, series):
    assert client.get("/workshops/agenda/raden-lukt-niet.ics").status_code == 404


# --- duty -----------------------------------------------------------------------------------


@pytest.fixture
def avg_series(series):
    return WorkshopSeries.objects.create(
        name="AVG",
        slug="avg",
        kind=WorkshopSeries.Kind.AVG,
        first_start=datetime(2021, 3, 15, 14, tzinfo=AMSTERDAM),
        recurrence="RDATE:20210315T140000",
        capacity=30,
        organizer=series.organizer,
    )


def _session(series, day):
    starts = datetime.combine(day, datetime.min.time(), tzinfo=AMSTERDAM).replace(hour=10)
    return WorkshopSession.objects.create(
        series=series, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20
    )


def test_onboarding_is_due_three_months_after_the_start_date(make_user, series, avg_series):
    newcomer = make_user(None, start_date=date(2021, 1, 4))
    duty = next(d for d in workshops.duties(date(2021, 4, 5)) if d.person.user == newcomer)
    assert duty.onboarding_due == date(2021, 4, 4)
    assert duty.onboarding_overdue
    attended(_session(series, date(2021, 3, 8)), newcomer)
    duty = next(d for d in workshops.duties(date(2021, 4, 5)) if d.person.user == newcomer)
    assert duty.onboarding_done_on == date(2021, 3, 8)
    assert not duty.onboarding_overdue


def test_the_avg_workshop_is_due_a_year_after_the_last_one(make_user, series, avg_series):
    person = make_user(None, start_date=date(2015, 1, 1))
    attended(_session(avg_series, date(2020, 6, 15)), person)
    duty = next(d for d in workshops.duties(date(2021, 6, 16)) if d.person.user == person)
    assert duty.avg_last_on == date(2020, 6, 15)
    assert duty.avg_due == date(2021, 6, 15)
    assert duty.avg_overdue


def test_the_duty_periods_are_settings(make_user, settings):
    settings.PRIVACY_ONBOARDING_WITHIN_MONTHS = 1
    person = make_user(None, start_date=date(2021, 1, 4))
    duty = next(d for d in workshops.duties(date(2021, 1, 5)) if d.person.user == person)
    assert duty.onboarding_due == date(2021, 2, 4)


def test_completion_per_department_counts_who_is_up_to_date(make_user, series, avg_series, department):
    today = date(2021, 6, 1)
    done = make_user(None, start_date=date(2021, 1, 4))
    make_user(None, start_date=date(2021, 1, 4))  # neither onboarding nor AVG: overdue
    attended(_session(series, date(2021, 3, 8)), done)
    rows = workshops.completion_per_department(today)
    # the series' organizer (in service since 2020, no workshop at all) counts too
    assert rows == [
        {
            "department": department.name,
            "people": 3,
            "onboarding_overdue": 2,
            "avg_overdue": 1,
            "complete": 1,
            "percentage": 33.3,
        }
    ]
    assert [d.person.user for d in workshops.overdue(today)] != [done]


def test_people_who_left_have_no_duty(make_user):
    leaver = make_user(None, start_date=date(2019, 1, 1))
    leaver.person.end_date = date(2020, 1, 1)
    leaver.person.save()
    assert leaver.person not in [d.person for d in workshops.duties(date(2021, 6, 1))]


def test_an_invitation_overtaken_by_a_cancellation_is_not_sent(session, employee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = workshops.register(session, employee)
        workshops.cancel(registration, actor=employee)
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Afgemeld"]


def test_moving_a_session_sends_an_update_with_a_higher_sequence(session, employee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = workshops.register(session, employee)
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert workshops.session_changed(session, {"starts_at", "ends_at"}) == 1
    part = next(p for p in mail.outbox[-1].message().walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{registration.uid}@waarborg"
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == session.starts_at.replace(microsecond=0)


def test_cancelling_a_session_through_the_api_cancels_the_attendees_calendar_entries(
    api_as, workshop_coordinator, session, employee, django_capture_on_commit_callbacks
):
    workshops.register(session, employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(workshop_coordinator).patch(
            f"/api/v1/privacy/workshop-sessions/{session.pk}/", {"cancelled": True}, format="json"
        )
    assert response.status_code == 200
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Afgemeld"]


def test_a_change_of_description_alone_sends_nothing(session, employee):
    workshops.register(session, employee)
    assert workshops.session_changed(session, {"capacity"}) == 0


def test_people_who_started_before_the_onboarding_programme_are_exempt(make_user, settings):
    settings.PRIVACY_ONBOARDING_REQUIRED_FROM = "2020-01-01"
    veteran = make_user(None, start_date=date(2014, 8, 1))
    duty = next(d for d in workshops.duties(date(2021, 6, 1)) if d.person.user == veteran)
    assert duty.onboarding_exempt and not duty.onboarding_overdue
    assert duty.avg_overdue  # the yearly AVG workshop is owed by everyone


def test_a_session_is_named_with_its_dutch_local_start(make_session):
    from datetime import UTC

    from django.utils import translation

    session = make_session(starts_at=datetime(2026, 11, 30, 9, 38, tzinfo=UTC))
    with translation.override("nl"):
        assert str(session) == f"{session.series.name} 30 november 2026 10:38"
