"""Every endpoint and changelist: access per role, and a query count that does not grow
with the number of rows (pinned)."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from privacy.models import (
    Answer,
    Category,
    DPIARisk,
    DPIATransition,
    Processor,
    Registration,
    SelfAssessment,
    Transfer,
)
from privacy.models.workshops import AMSTERDAM

ROLES = [
    "security_officer",
    "privacy_officer",
    "workshop_coordinator",
    "auditor",
    "employee",
    "administrator",
    "outsider",
]
REGISTER_READERS = {"privacy_officer", "auditor"}
WORKSHOP_READERS = {"privacy_officer", "workshop_coordinator", "auditor", "employee"}
DUTY_READERS = {"privacy_officer", "workshop_coordinator", "auditor"}

# endpoint -> (roles that may read it, queries for a list page)
# Every list costs, beside its own queries: the user's permissions and group permissions (2).
API_LISTS = {
    # count, page
    "categories": (REGISTER_READERS, 4),
    # count, page, then prefetches: purposes, processors, transfers, three kinds of categories, services
    "processing-activities": (REGISTER_READERS, 11),
    "purposes": (REGISTER_READERS, 4),
    "processors": (REGISTER_READERS, 4),
    "transfers": (REGISTER_READERS, 4),
    "questionnaires": (REGISTER_READERS, 4),
    "questions": (REGISTER_READERS, 4),
    "self-assessments": (REGISTER_READERS, 4),
    # count, page (question joined)
    "answers": (REGISTER_READERS, 4),
    # count, page, risks (prefetch)
    "dpias": (REGISTER_READERS, 5),
    "dpia-risks": (REGISTER_READERS, 4),
    # count, page (user joined)
    "dpia-transitions": (REGISTER_READERS, 4),
    # count, page, data categories, activities (prefetches)
    "breaches": (REGISTER_READERS, 6),
    "workshop-series": (WORKSHOP_READERS, 4),
    # count, page (series joined, seats annotated)
    "workshop-sessions": (WORKSHOP_READERS, 4),
    # permission check for "see all", count, page (user and session joined)
    "registrations": (WORKSHOP_READERS, 4),
}


@pytest.fixture
def populate(make_activity, make_dpia, make_breach, make_session, questionnaire, make_user):
    def build(n):
        owner = make_user(None)
        for i in range(n):
            activity = make_activity(owner=owner)
            activity.personal_data_categories.add(Category.objects.get_or_create(kind="data", name=f"data {i}")[0])
            Processor.objects.create(activity=activity, name="Host")
            Transfer.objects.create(activity=activity, country="VS", recipient="X", safeguard="scc")
            assessment = SelfAssessment.objects.create(
                questionnaire=questionnaire, activity=activity, assessor=owner, started_on=date(2021, 1, 1)
            )
            Answer.objects.create(assessment=assessment, question=questionnaire.questions.first(), value=1)
            dpia = make_dpia(owner=owner, activity=activity)
            DPIATransition.objects.create(dpia=dpia, from_status="draft", to_status="in_review", by=owner)
            DPIARisk.objects.create(
                dpia=dpia, description="x", likelihood=1, impact=1, residual_likelihood=1, residual_impact=1
            )
            make_breach(recorded_by=owner)
            start = timezone.now() + timedelta(days=5 + i)
            session = make_session(starts_at=start)
            Registration.objects.create(session=session, user=make_user(roles.EMPLOYEE))
        return owner

    return build


def fresh(user):
    """A new user object per request, so no permission cache is carried over."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(API_LISTS))
def test_api_list_access_per_role(api_as, request, role, endpoint):
    user = request.getfixturevalue(role)
    readers, _queries = API_LISTS[endpoint]
    response = api_as(user).get(f"/api/v1/privacy/{endpoint}/")
    assert response.status_code == (200 if role in readers else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["workshop-completion", "workshop-overdue"])
def test_duty_reports_access_per_role(api_as, request, role, path):
    user = request.getfixturevalue(role)
    response = api_as(user).get(f"/api/v1/privacy/{path}/")
    assert response.status_code == (200 if role in DUTY_READERS else 403)


def test_anonymous_callers_are_refused(api_client, db):
    assert api_client.get("/api/v1/privacy/breaches/").status_code in (401, 403)


@pytest.mark.parametrize("endpoint", list(API_LISTS))
def test_api_list_queries_do_not_grow_with_rows(api_as, auditor, populate, endpoint):
    _readers, expected = API_LISTS[endpoint]
    populate(2)
    client = api_as(fresh(auditor))
    with CaptureQueriesContext(connection) as few:
        rows_few = client.get(f"/api/v1/privacy/{endpoint}/").json()["count"]
    populate(4)
    client = api_as(fresh(auditor))
    with CaptureQueriesContext(connection) as many:
        rows_many = client.get(f"/api/v1/privacy/{endpoint}/").json()["count"]
    # the shipped questionnaire is the only one; the series fixture is shared
    assert rows_many > rows_few or endpoint in ("questionnaires", "questions", "workshop-series")
    assert len(few) == len(many) == expected, [q["sql"][:120] for q in many.captured_queries]


def test_the_auditor_may_not_write(api_as, auditor, make_breach):
    client = api_as(auditor)
    breach = make_breach()
    assert client.patch(f"/api/v1/privacy/breaches/{breach.pk}/", {"title": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/privacy/breaches/{breach.pk}/not-reported/", {"reasons": "x"}).status_code == 403
    assert client.post("/api/v1/privacy/categories/", {"kind": "data", "name": "x"}).status_code == 403


def test_an_employee_may_not_touch_the_register(api_as, employee):
    assert api_as(employee).post("/api/v1/privacy/categories/", {"kind": "data", "name": "x"}).status_code == 403


def test_the_coordinator_manages_workshops_but_not_breaches(api_as, workshop_coordinator):
    client = api_as(workshop_coordinator)
    created = client.post(
        "/api/v1/privacy/workshop-series/",
        {
            "name": "AVG",
            "slug": "avg",
            "kind": "avg",
            "first_start": datetime(2030, 3, 1, 14, tzinfo=AMSTERDAM).isoformat(),
            "recurrence": "RDATE:20300301T140000",
            "organizer": workshop_coordinator.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["feed_url"].startswith("http://testserver/workshops/agenda/")
    assert client.get("/api/v1/privacy/breaches/").status_code == 403


def test_an_invalid_recurrence_is_refused_by_the_api(api_as, workshop_coordinator):
    response = api_as(workshop_coordinator).post(
        "/api/v1/privacy/workshop-series/",
        {
            "name": "X",
            "slug": "x",
            "kind": "avg",
            "first_start": "2030-03-01T14:00:00+01:00",
            "recurrence": "FREQ=NOOIT",
            "organizer": workshop_coordinator.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "herhalingsregel" in str(response.json())


# --- registrations: object level -------------------------------------------------------------


def test_an_employee_sees_only_own_registrations(api_as, employee, make_user, session):
    Registration.objects.create(session=session, user=employee)
    Registration.objects.create(session=session, user=make_user(roles.EMPLOYEE))
    data = api_as(employee).get("/api/v1/privacy/registrations/").json()
    assert [row["user"] for row in data["results"]] == [employee.pk]


def test_the_coordinator_sees_every_registration(api_as, workshop_coordinator, employee, make_user, session):
    Registration.objects.create(session=session, user=employee)
    Registration.objects.create(session=session, user=make_user(roles.EMPLOYEE))
    assert api_as(workshop_coordinator).get("/api/v1/privacy/registrations/").json()["count"] == 2


def test_an_employee_registers_and_cancels_through_the_api(api_as, employee, session):
    client = api_as(employee)
    created = client.post("/api/v1/privacy/registrations/", {"session": session.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["user"] == employee.pk
    again = client.post("/api/v1/privacy/registrations/", {"session": session.pk}, format="json")
    assert again.status_code == 400
    assert "al ingeschreven" in str(again.json())
    assert client.delete(f"/api/v1/privacy/registrations/{created.json()['id']}/").status_code == 204
    assert Registration.objects.get().status == "cancelled"


def test_an_employee_cannot_register_someone_else(api_as, employee, make_user, session):
    other = make_user(roles.EMPLOYEE)
    response = api_as(employee).post(
        "/api/v1/privacy/registrations/", {"session": session.pk, "user": other.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_an_employee_cannot_cancel_someone_elses_registration(api_as, employee, make_user, session):
    theirs = Registration.objects.create(session=session, user=make_user(roles.EMPLOYEE))
    assert api_as(employee).delete(f"/api/v1/privacy/registrations/{theirs.pk}/").status_code == 404


def test_a_full_session_refuses_and_the_waiting_list_is_explicit(api_as, make_user, session):
    for _ in range(session.capacity):
        api_as(make_user(roles.EMPLOYEE)).post("/api/v1/privacy/registrations/", {"session": session.pk}, format="json")
    late = api_as(make_user(roles.EMPLOYEE))
    refused = late.post("/api/v1/privacy/registrations/", {"session": session.pk}, format="json")
    assert refused.status_code == 400
    assert "vol" in str(refused.json())
    waiting = late.post("/api/v1/privacy/registrations/", {"session": session.pk, "waiting_list": True}, format="json")
    assert waiting.status_code == 201
    assert waiting.json()["status"] == "waiting"


def test_only_the_coordinator_marks_attendance(api_as, workshop_coordinator, employee, make_session):
    past = make_session(starts_at=timezone.now() - timedelta(days=1))
    registration = Registration.objects.create(session=past, user=employee)
    url = f"/api/v1/privacy/registrations/{registration.pk}/attendance/"
    assert api_as(employee).post(url, {"attendance": "attended"}, format="json").status_code == 403
    response = api_as(workshop_coordinator).post(url, {"attendance": "attended"}, format="json")
    assert response.status_code == 200
    assert response.json()["attendance"] == "attended"


def test_sessions_show_seats_left(api_as, employee, session, make_user):
    Registration.objects.create(session=session, user=make_user(None))
    row = api_as(employee).get("/api/v1/privacy/workshop-sessions/").json()["results"][0]
    assert (row["capacity"], row["registered"], row["seats_left"]) == (2, 1, 1)


def test_filters_narrow_the_lists(api_as, auditor, make_breach, make_activity):
    make_activity(registered_on=date(2020, 5, 1))
    make_activity(registered_on=date(2021, 5, 1))
    client = api_as(auditor)
    assert client.get("/api/v1/privacy/processing-activities/?registered_year=2021").json()["count"] == 1
    make_breach(aware_at=datetime(2021, 1, 1, tzinfo=AMSTERDAM))
    make_breach(aware_at=datetime(2020, 1, 1, tzinfo=AMSTERDAM))
    assert client.get("/api/v1/privacy/breaches/?aware_year=2020").json()["count"] == 1
    assert client.get("/api/v1/privacy/breaches/?clock_running=true").json()["count"] == 2


def test_session_filters_by_kind(api_as, employee, make_session, series):
    make_session()
    assert api_as(employee).get("/api/v1/privacy/workshop-sessions/?kind=onboarding").json()["count"] == 1
    assert api_as(employee).get("/api/v1/privacy/workshop-sessions/?kind=avg").json()["count"] == 0
