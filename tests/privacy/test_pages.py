from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from privacy.models import Registration

ROLES = [
    "security_officer",
    "privacy_officer",
    "workshop_coordinator",
    "auditor",
    "employee",
    "administrator",
    "outsider",
]
# Every employee has the workshop duty, whatever their role (issue 12): all of them book their own.
CALENDAR_READERS = set(ROLES)
COMPLETION_READERS = {"privacy_officer", "workshop_coordinator", "auditor"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url,readers",
    [
        ("/workshops/", CALENDAR_READERS),
        ("/workshops/mijn-inschrijvingen/", CALENDAR_READERS),
        ("/workshops/voortgang/", COMPLETION_READERS),
    ],
)
def test_page_access_per_role(client, request, role, url, readers):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == (200 if role in readers else 403)


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/workshops/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_the_calendar_lists_upcoming_sessions_with_seats_left(client, employee, session, make_session, make_user):
    make_session(starts_at=timezone.now() - timedelta(days=3))  # past: not listed
    Registration.objects.create(session=session, user=make_user(None))
    client.force_login(employee)
    response = client.get("/workshops/")
    content = response.content.decode()
    assert content.count('<tr id="sessie-') == 1
    assert "1 van 2" in content
    assert f'action="/workshops/sessies/{session.pk}/inschrijven/"' in content
    assert "csrfmiddlewaretoken" in content
    assert '<label for="id_kind">' in content
    assert "<h1>Workshopagenda</h1>" in content


def test_the_nav_links_to_the_workshops_for_employees(client, employee):
    client.force_login(employee)
    assert 'href="/workshops/"' in client.get("/").content.decode()


def test_an_employee_books_from_the_calendar_and_gets_the_invitation(
    client, employee, session, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workshops/sessies/{session.pk}/inschrijven/", follow=True)
    assert "U bent ingeschreven" in response.content.decode()
    assert Registration.objects.get().user == employee
    assert len(mail.outbox) == 1
    mine = client.get("/workshops/mijn-inschrijvingen/").content.decode()
    assert "Agenda-uitnodiging (.ics)" in mine
    registration = Registration.objects.get()
    ics = client.get(f"/workshops/inschrijvingen/{registration.pk}/uitnodiging.ics")
    assert ics.status_code == 200
    assert b"METHOD:REQUEST" in ics.content


def test_a_second_booking_shows_a_clear_message_and_changes_nothing(client, employee, session):
    client.force_login(employee)
    client.post(f"/workshops/sessies/{session.pk}/inschrijven/")
    response = client.post(f"/workshops/sessies/{session.pk}/inschrijven/", follow=True)
    assert "al ingeschreven" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_full_session_offers_the_waiting_list(client, employee, session, make_user):
    for _ in range(session.capacity):
        Registration.objects.create(session=session, user=make_user(None))
    client.force_login(employee)
    content = client.get("/workshops/").content.decode()
    assert "Deze sessie is vol." in content
    assert f"/workshops/sessies/{session.pk}/wachtlijst/" in content
    refused = client.post(f"/workshops/sessies/{session.pk}/inschrijven/", follow=True)
    assert "Deze sessie is vol" in refused.content.decode()
    client.post(f"/workshops/sessies/{session.pk}/wachtlijst/")
    assert Registration.objects.get(user=employee).status == "waiting"


def test_an_employee_cancels_own_registration(client, employee, session):
    registration = Registration.objects.create(session=session, user=employee)
    client.force_login(employee)
    response = client.post(f"/workshops/inschrijvingen/{registration.pk}/afmelden/", follow=True)
    assert "U bent afgemeld" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_an_employee_cannot_cancel_someone_elses_registration(client, employee, session, make_user):
    theirs = Registration.objects.create(session=session, user=make_user(roles.EMPLOYEE))
    client.force_login(employee)
    assert client.post(f"/workshops/inschrijvingen/{theirs.pk}/afmelden/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "registered"


def test_registering_needs_post(client, employee, session):
    client.force_login(employee)
    assert client.get(f"/workshops/sessies/{session.pk}/inschrijven/").status_code == 405


def test_the_auditor_books_only_for_themselves(client, auditor, session):
    """The auditor is an employee with the workshop duty too; booking does not make them an editor."""
    client.force_login(auditor)
    assert f"/workshops/sessies/{session.pk}/inschrijven/" in client.get("/workshops/").content.decode()
    client.post(f"/workshops/sessies/{session.pk}/inschrijven/")
    assert list(Registration.objects.values_list("user", flat=True)) == [auditor.pk]
    assert client.get("/admin/privacy/registration/add/").status_code == 403


def test_the_pages_are_available_in_english(client, employee, session):
    client.force_login(employee)
    client.cookies["django_language"] = "en"
    content = client.get("/workshops/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Workshop calendar" in content


def test_the_completion_page_shows_departments(client, workshop_coordinator, department):
    client.force_login(workshop_coordinator)
    assert department.name in client.get("/workshops/voortgang/").content.decode()
