"""The counting rules of issue 14, each tried on a year other than 2021, with the year
boundary (31 December 23:30 and 1 January 00:30, Amsterdam time) and a change of summer time
inside a 72-hour window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incidents import stats as incident_stats
from incidents.choices import Status, TakedownOutcome
from incidents.models import Incident, PhishingTakedown
from organisation.models import Availability, Service
from privacy import breaches, scoring
from privacy import stats as privacy_stats
from privacy.models import Answer, DataBreach, SelfAssessment, WorkshopSeries, WorkshopSession
from reports import annual

from .conftest import amsterdam

# --- 1. incidents handled: closed incidents only, the moments consistent with the status ----


def test_the_database_refuses_a_closing_moment_on_an_incident_that_is_not_closed(make_incident):
    incident = make_incident(
        status=Status.FOLLOW_UP, started_at=amsterdam(2019, 3, 1, 9), detected_at=amsterdam(2019, 3, 1, 9)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(closed_at=amsterdam(2019, 3, 2, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolved_at=amsterdam(2019, 3, 2, 9))
    assert incident_stats.annual_figures(2019)["incidents_handled"] == 0


def test_the_database_refuses_a_closed_incident_without_a_closing_moment(make_incident):
    incident = make_incident(
        status=Status.CLOSED,
        started_at=amsterdam(2019, 3, 1, 9),
        detected_at=amsterdam(2019, 3, 1, 9),
        resolved_at=amsterdam(2019, 3, 1, 12),
        closed_at=amsterdam(2019, 3, 2, 9),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(closed_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolved_at=None)


def test_a_closing_moment_posted_with_a_new_incident_of_2018_is_refused_and_counts_nowhere(api_as, security_officer):
    payload = {
        "title": "Storing",
        "category": "outage",
        "detection_source": "own_monitoring",
        "started_at": "2018-05-01T09:00:00+02:00",
        "detected_at": "2018-05-01T09:10:00+02:00",
        "closed_at": "2018-05-02T09:00:00+02:00",
    }
    response = api_as(security_officer).post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == 400 and "closed_at" in response.json()
    assert not Incident.objects.exists()
    assert incident_stats.annual_figures(2018)["incidents_handled"] == 0


@pytest.mark.parametrize(
    ("closed_at", "year"),
    [(amsterdam(2019, 12, 31, 23, 30), 2019), (amsterdam(2020, 1, 1, 0, 30), 2020)],
)
def test_an_incident_counts_as_handled_in_the_amsterdam_year_it_was_closed(make_incident, closed_at, year):
    make_incident(
        status=Status.CLOSED,
        started_at=amsterdam(2019, 12, 30, 9),
        detected_at=amsterdam(2019, 12, 30, 9),
        resolved_at=amsterdam(2019, 12, 31, 12),
        closed_at=closed_at,
    )
    # an incident resolved but not closed in the same window never counts
    make_incident(
        status=Status.RESOLVED,
        started_at=amsterdam(2019, 12, 30, 9),
        detected_at=amsterdam(2019, 12, 30, 9),
        resolved_at=amsterdam(2019, 12, 31, 12),
    )
    other = 2019 if year == 2020 else 2020
    assert incident_stats.annual_figures(year)["incidents_handled"] == 1
    assert incident_stats.annual_figures(other)["incidents_handled"] == 0


# --- 3. availability: compared unrounded, shown with enough decimals ----------------------


def _availability(year: int, achieved: str, norm: str = "99.50") -> Service:
    service = Service.objects.create(
        name="MijnOverheid", slug="mijnoverheid", domain=Service.Domain.ACCESS, availability_norm=Decimal(norm)
    )
    for month in range(1, 13):
        Availability.objects.create(service=service, month=date(year, month, 1), achieved=Decimal(achieved))
    return service


def test_99_495_is_not_reported_as_meeting_a_norm_of_99_50(db):
    _availability(2019, "99.495")
    (figure,) = annual.availability_figures(2019)
    assert figure["met"] is False
    # the displayed figure does not round up to the norm: the decimals that make the miss visible
    assert figure["achieved"] == 99.495


def test_a_figure_that_meets_the_norm_exactly_is_met_and_shown_with_two_decimals(db):
    _availability(2019, "99.500")
    (figure,) = annual.availability_figures(2019)
    assert figure == {"service": "MijnOverheid", "norm": 99.5, "achieved": 99.5, "met": True}


def test_the_report_page_shows_the_missed_norm_with_three_decimals(client_as, auditor):
    _availability(2019, "99.495")
    html = client_as(auditor).get("/reports/annual/2019/").content.decode()
    assert "99,495 %" in html
    assert "<strong>nee</strong>" in html


# --- 4. breaches past their deadline and never reported ---------------------------------


def test_a_breach_never_reported_after_its_72_hours_is_counted(make_breach):
    aware = amsterdam(2019, 3, 1, 9)
    never = make_breach(aware_at=aware)
    late = make_breach(aware_at=aware)
    breaches.report_to_ap(late, aware + timedelta(hours=80), "AP-1", late_reason="Omvang pas later bekend")
    on_time = make_breach(aware_at=aware)
    breaches.report_to_ap(on_time, aware + timedelta(hours=2), "AP-2")
    decided = make_breach(aware_at=aware)
    breaches.decide_not_to_report(decided, "Geen risico")
    figures = privacy_stats.annual_figures(2019)
    assert figures["data_breaches"] == 4
    assert figures["data_breaches_reported_late"] == 1
    assert figures["data_breaches_not_reported"] == 1
    assert list(privacy_stats.figure_queryset("data_breaches_not_reported", 2019)) == [never]


def test_a_breach_whose_clock_still_runs_is_not_yet_counted_as_not_reported(make_breach, frozen_now):
    aware = amsterdam(2019, 12, 31, 23, 30)
    make_breach(aware_at=aware)
    frozen_now(aware + timedelta(hours=71))
    assert privacy_stats.annual_figures(2019)["data_breaches_not_reported"] == 0
    frozen_now(aware + timedelta(hours=73))
    assert privacy_stats.annual_figures(2019)["data_breaches_not_reported"] == 1
    assert privacy_stats.annual_figures(2020)["data_breaches_not_reported"] == 0


def test_the_report_shows_both_breach_figures_and_links_to_the_records(client_as, auditor, make_breach):
    make_breach(aware_at=amsterdam(2019, 3, 1, 9))
    html = client_as(auditor).get("/reports/annual/2019/").content.decode()
    assert 'id="figure-data_breaches_not_reported"' in html
    assert 'id="figure-data_breaches_reported_late"' in html
    url = annual.figure_link("data_breaches_not_reported", 2019)
    response = client_as(auditor).get(url)
    assert response.context["cl"].result_count == 1


# --- 5. workshops: AVG workshops and onboarding sessions separately -----------------------


def test_avg_workshops_and_onboarding_sessions_are_reported_separately(series, make_user):
    avg = WorkshopSeries.objects.create(
        name="AVG-basis",
        slug="avg-basis",
        kind=WorkshopSeries.Kind.AVG,
        first_start=amsterdam(2019, 1, 1, 10),
        organizer=make_user(None),
    )

    def session(of: WorkshopSeries, start: datetime, cancelled: bool = False) -> WorkshopSession:
        return WorkshopSession.objects.create(
            series=of, starts_at=start, ends_at=start + timedelta(hours=2), capacity=5, cancelled=cancelled
        )

    session(avg, amsterdam(2019, 12, 31, 23, 30))
    session(avg, amsterdam(2020, 1, 1, 0, 30))  # next year
    session(avg, amsterdam(2019, 6, 1, 10), cancelled=True)
    session(series, amsterdam(2019, 3, 1, 10))
    session(series, amsterdam(2019, 5, 1, 10))
    figures = privacy_stats.annual_figures(2019)
    assert (figures["workshop_sessions"], figures["avg_workshop_sessions"], figures["onboarding_sessions"]) == (3, 1, 2)
    assert privacy_stats.annual_figures(2020)["avg_workshop_sessions"] == 1
    assert "avg_workshop_sessions" in annual.FIGURE_KEYS and "onboarding_sessions" in annual.FIGURE_KEYS
    assert str(annual.FIGURE_LABELS["avg_workshop_sessions"]) == "AVG-workshops gegeven"
    assert str(annual.FIGURE_LABELS["workshop_sessions"]) != "AVG-workshops gegeven"


# --- 6. a completed self-assessment is done; a new round is a new one ---------------------


@pytest.fixture
def completed(activity, questionnaire, privacy_officer) -> SelfAssessment:
    assessment = SelfAssessment.objects.create(
        questionnaire=questionnaire, activity=activity, assessor=privacy_officer, started_on=date(2018, 11, 1)
    )
    for question in questionnaire.questions.all():
        if question.answer_type == "text":
            Answer.objects.create(assessment=assessment, question=question, text="n.v.t.")
        else:
            Answer.objects.create(assessment=assessment, question=question, value=0)
    scoring.complete(assessment, date(2018, 12, 31))
    return assessment


def test_completing_a_completed_self_assessment_again_is_refused_and_it_stays_in_its_year(
    completed, api_as, privacy_officer
):
    with pytest.raises(ValidationError):
        scoring.complete(completed, date(2019, 1, 2))
    response = api_as(privacy_officer).post(
        f"/api/v1/privacy/self-assessments/{completed.pk}/complete/", {"completed_on": "2019-01-02"}, format="json"
    )
    assert response.status_code == 400 and "completed_on" in response.json()
    completed.refresh_from_db()
    assert completed.completed_on == date(2018, 12, 31)
    assert privacy_stats.annual_figures(2018)["self_assessments"] == 1
    assert privacy_stats.annual_figures(2019)["self_assessments"] == 0


def test_the_completion_date_of_a_completed_self_assessment_cannot_be_moved_by_saving(completed):
    completed.completed_on = date(2019, 3, 1)
    with pytest.raises(ValidationError):
        completed.save()
    assert SelfAssessment.objects.get(pk=completed.pk).completed_on == date(2018, 12, 31)


def test_a_new_round_is_a_new_self_assessment_linked_to_the_previous_one(completed, api_as, privacy_officer):
    client = api_as(privacy_officer)
    payload = {
        "questionnaire": completed.questionnaire_id,
        "activity": completed.activity_id,
        "assessor": privacy_officer.pk,
        "started_on": "2019-02-01",
        "previous": completed.pk,
    }
    response = client.post("/api/v1/privacy/self-assessments/", payload, format="json")
    assert response.status_code == 201, response.content
    new_round = SelfAssessment.objects.get(pk=response.json()["id"])
    assert new_round.previous == completed
    for question in completed.questionnaire.questions.all():
        value = {"text": "-"} if question.answer_type == "text" else {"value": 0}
        client.post("/api/v1/privacy/answers/", {"assessment": new_round.pk, "question": question.pk, **value})
    scoring.complete(new_round, date(2019, 2, 5))
    assert privacy_stats.annual_figures(2018)["self_assessments"] == 1
    assert privacy_stats.annual_figures(2019)["self_assessments"] == 1


def test_a_round_cannot_follow_one_that_is_not_completed_or_about_something_else(
    completed, api_as, privacy_officer, make_activity, questionnaire
):
    open_one = SelfAssessment.objects.create(
        questionnaire=questionnaire, activity=completed.activity, assessor=privacy_officer, started_on=date(2019, 1, 5)
    )
    client = api_as(privacy_officer)
    base = {"questionnaire": questionnaire.pk, "assessor": privacy_officer.pk, "started_on": "2019-02-01"}
    not_done = client.post(
        "/api/v1/privacy/self-assessments/",
        {**base, "activity": completed.activity_id, "previous": open_one.pk},
        format="json",
    )
    assert not_done.status_code == 400 and "previous" in not_done.json()
    elsewhere = client.post(
        "/api/v1/privacy/self-assessments/",
        {**base, "activity": make_activity().pk, "previous": completed.pk},
        format="json",
    )
    assert elsewhere.status_code == 400 and "previous" in elsewhere.json()
    assert SelfAssessment.objects.count() == 2


# --- 7. a phishing URL is unique while open; a returning site is a new takedown -----------


def _takedown(url: str, reported_at: datetime, taken_down_at: datetime | None = None) -> PhishingTakedown:
    takedown = PhishingTakedown(
        url=url,
        reported_at=reported_at,
        outcome=TakedownOutcome.TAKEN_OFFLINE if taken_down_at else TakedownOutcome.STILL_ONLINE,
        taken_down_at=taken_down_at,
    )
    takedown.full_clean()
    takedown.save()
    return takedown


def test_a_site_taken_down_in_2018_that_returns_in_2019_is_a_new_takedown_linked_to_the_first(api_as, security_officer):
    first = _takedown("https://digid-inlog.example/login", amsterdam(2018, 12, 31, 22), amsterdam(2018, 12, 31, 23, 30))
    response = api_as(security_officer).post(
        "/api/v1/phishing-takedowns/",
        {
            "url": "http://DIGID-inlog.example/login/",
            "reported_at": "2019-01-01T00:10:00+01:00",
            "outcome": "taken_offline",
            "taken_down_at": "2019-01-01T00:30:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["earlier"] == first.pk
    assert incident_stats.annual_figures(2018)["phishing_takedowns"] == 1
    assert incident_stats.annual_figures(2019)["phishing_takedowns"] == 1


def test_a_url_still_open_cannot_be_registered_twice(api_as, security_officer):
    _takedown("https://digid-inlog.example/login", amsterdam(2019, 3, 1, 9))
    response = api_as(security_officer).post(
        "/api/v1/phishing-takedowns/",
        {"url": "https://digid-inlog.example/login", "reported_at": "2019-03-02T09:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 400 and "url" in response.json()
    assert PhishingTakedown.objects.count() == 1


def test_the_database_keeps_a_url_unique_while_open(db):
    _takedown("https://digid-inlog.example/login", amsterdam(2019, 3, 1, 9))
    twin = PhishingTakedown(url="https://digid-inlog.example/login", reported_at=amsterdam(2019, 3, 2, 9))
    twin.prepare()
    with pytest.raises(IntegrityError), transaction.atomic():
        PhishingTakedown.objects.bulk_create([twin])


def test_a_return_cannot_be_reported_while_the_earlier_takedown_was_still_running(db):
    _takedown("https://digid-inlog.example/login", amsterdam(2019, 3, 1, 9), amsterdam(2019, 3, 5, 9))
    with pytest.raises(ValidationError) as refused:
        _takedown("https://digid-inlog.example/login", amsterdam(2019, 3, 3, 9), amsterdam(2019, 3, 6, 9))
    assert "reported_at" in refused.value.message_dict


# --- 8. the breach deadline in absolute time across the end of summer time ----------------


def test_the_deadline_is_72_hours_of_absolute_time_across_the_end_of_summer_time(api_as, privacy_officer):
    # aware on Friday 28 October 2022, 12:00 summer time; summer time ends on Sunday 30 October
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/breaches/",
        {"reference": "dl-2022-1", "title": "Lek", "aware_at": "2022-10-28T12:00:00+02:00", "nature": "E-mail in cc"},
        format="json",
    )
    assert response.status_code == 201, response.content
    posted = response.json()["deadline"]
    fetched = api_as(privacy_officer).get(f"/api/v1/privacy/breaches/{response.json()['id']}/").json()["deadline"]
    assert posted == fetched
    expected = datetime(2022, 10, 28, 10, tzinfo=UTC) + timedelta(hours=72)
    assert datetime.fromisoformat(posted) == expected == datetime.fromisoformat("2022-10-31T11:00:00+01:00")


def test_a_report_at_11_30_on_monday_is_late_for_a_breach_known_at_noon_on_friday_before_the_dst_change(make_breach):
    aware = amsterdam(2022, 10, 28, 12)
    breach = make_breach(aware_at=aware)
    assert breach.deadline == datetime(2022, 10, 31, 10, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        breaches.report_to_ap(breach, amsterdam(2022, 10, 31, 11, 30), "AP-1")
    assert "late_reason" in refused.value.message_dict
    breaches.report_to_ap(breach, amsterdam(2022, 10, 31, 11, 30), "AP-1", late_reason="Weekend")
    assert DataBreach.objects.get().reported_late
    assert privacy_stats.annual_figures(2022)["data_breaches_reported_late"] == 1
