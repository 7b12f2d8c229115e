import pytest

from accounts import roles
from compliance.models import CheckStatus, Evidence

from .conftest import PDF_BYTES, stored_files, upload


def test_my_checks_lists_only_the_checks_assigned_to_me(client_as, employee, make_control, make_user):
    mine = make_control(owner=employee, title="Toegangsrechten DigiD")
    make_control(owner=make_user(), title="Iets van een ander")

    response = client_as(employee).get("/checks/mine/")

    assert response.status_code == 200
    body = response.content.decode()
    assert mine.title in body and "Iets van een ander" not in body
    assert '<html lang="nl">' in body


@pytest.mark.parametrize(
    "role_fixture, status",
    [
        ("security_officer", 200),
        ("auditor", 200),
        ("employee", 200),
        ("privacy_officer", 403),
        ("workshop_coordinator", 403),
        ("administrator", 403),
        ("outsider", 403),
    ],
)
def test_my_checks_page_access_per_role(request, client_as, role_fixture, status):
    user = request.getfixturevalue(role_fixture)
    assert client_as(user).get("/checks/mine/").status_code == status


def test_an_employee_cannot_open_a_check_of_someone_else(client_as, make_control, make_user):
    other = make_control(owner=make_user())
    check = other.checks.first()
    intruder = make_user(roles.EMPLOYEE)
    assert client_as(intruder).get(check.get_absolute_url()).status_code == 404
    response = client_as(intruder).post(f"/checks/{check.pk}/evidence/", {"note": "x"})
    assert response.status_code == 404 and not Evidence.objects.exists()


def test_the_owner_uploads_evidence_and_submits_from_the_check_page(client_as, employee, open_check):
    client = client_as(employee)
    page = client.get(open_check.get_absolute_url())
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    client.post(f"/checks/{open_check.pk}/evidence/", {"file": upload("rapport.pdf", PDF_BYTES)})
    response = client.post(
        f"/checks/{open_check.pk}/submit/", {"result": "effective", "conclusion": "In orde"}, follow=True
    )

    evidence = Evidence.objects.get()
    open_check.refresh_from_db()
    assert open_check.status == CheckStatus.SUBMITTED
    assert evidence.sha256 in response.content.decode()


def test_a_refused_upload_on_the_page_shows_the_reason_and_stores_nothing(
    client_as, employee, open_check, _private_media
):
    response = client_as(employee).post(
        f"/checks/{open_check.pk}/evidence/", {"file": upload("rapport.pdf", b"geen pdf")}, follow=True
    )
    assert "past niet bij de extensie" in response.content.decode()
    assert stored_files(_private_media) == [] and not Evidence.objects.exists()


def test_the_pages_speak_english_when_asked(client_as, employee, open_check):
    client = client_as(employee)
    client.cookies["django_language"] = "en"
    body = client.get("/checks/mine/").content.decode()
    assert "My checks" in body and "Mijn controles" not in body
    detail = client.get(open_check.get_absolute_url()).content.decode()
    assert "Submit for review" in detail


def test_a_check_period_reads_as_dutch_dates_on_its_pages_and_in_its_name(client_as, employee, open_check):
    import re
    from datetime import date

    from django.utils import translation

    from compliance.models import ControlCheck

    ControlCheck.objects.filter(pk=open_check.pk).update(
        period_start=date(2021, 1, 1), period_end=date(2021, 3, 31), due_date=date(2021, 3, 30)
    )
    open_check.refresh_from_db()
    with translation.override("nl"):
        assert str(open_check) == f"{open_check.control.code} 1 januari 2021 – 31 maart 2021"
    client = client_as(employee)
    for url in ("/checks/mine/", open_check.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "1 januari 2021 – 31 maart 2021" in body, url
        assert "30 maart 2021" in body, url
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}-\d{2}-\d{4}\b", re.sub(r'"[^"]*"', "", body)), url
