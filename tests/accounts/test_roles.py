"""What each role may and may not do with the core records, in the admin and the API."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from organisation.models import Service

SERVICE_PAYLOAD = {"name": "Digipoort", "slug": "digipoort", "domain": "gegevensuitwisseling"}


def test_the_roles_of_the_design_exist_with_dutch_names(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Security officer",
        "Privacyfunctionaris",
        "Workshopcoördinator",
        "Auditor",
        "Medewerker",
        "Beheerder",
    } <= names


def test_the_auditor_may_view_every_model_and_change_none(db):
    auditor = Group.objects.get(name=roles.AUDITOR)
    codenames = set(auditor.permissions.values_list("codename", flat=True))
    assert {"view_service", "view_availability", "view_person", "view_followupaction", "view_logentry"} <= codenames
    assert not [c for c in codenames if not c.startswith("view_")]


@pytest.mark.parametrize(
    ("role_fixture", "may_read", "may_write"),
    [
        ("security_officer", True, True),
        ("privacy_officer", True, False),
        ("workshop_coordinator", False, False),
        ("auditor", True, False),
        ("employee", True, False),
        ("administrator", False, False),
        ("outsider", False, False),
    ],
)
def test_service_api_access_per_role(request, api_as, service, role_fixture, may_read, may_write):
    client = api_as(request.getfixturevalue(role_fixture))
    assert client.get("/api/v1/services/").status_code == (200 if may_read else 403)
    assert client.post("/api/v1/services/", SERVICE_PAYLOAD).status_code == (201 if may_write else 403)
    response = client.patch(f"/api/v1/services/{service.pk}/", {"description": "x"})
    assert response.status_code == (200 if may_write else 403)
    assert client.delete(f"/api/v1/services/{service.pk}/").status_code == (204 if may_write else 403)
    assert Service.objects.filter(pk=service.pk).exists() != may_write


def test_anonymous_requests_are_refused(api_client, service):
    assert api_client.get("/api/v1/services/").status_code in (401, 403)
    assert api_client.post("/api/v1/services/", SERVICE_PAYLOAD).status_code in (401, 403)


@pytest.mark.parametrize(
    ("role_fixture", "changelist", "add"),
    [
        ("security_officer", 200, 200),
        ("privacy_officer", 200, 403),
        ("auditor", 200, 403),
        ("administrator", 403, 403),
        ("employee", 302, 302),  # not staff: sent to the login page
    ],
)
def test_service_admin_access_per_role(client_as, request, service, role_fixture, changelist, add):
    client = client_as(request.getfixturevalue(role_fixture))
    assert client.get("/admin/organisation/service/").status_code == changelist
    assert client.get("/admin/organisation/service/add/").status_code == add


def test_an_auditor_cannot_change_a_service_in_the_admin(client_as, auditor, service):
    client = client_as(auditor)
    page = client.get(f"/admin/organisation/service/{service.pk}/change/")
    assert page.status_code == 200  # the read-only view
    response = client.post(
        f"/admin/organisation/service/{service.pk}/change/",
        {"name": "Hacked", "slug": "digid", "domain": "toegang", "availability_norm": "1"},
    )
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.name == "DigiD"


def test_the_administrator_manages_users_and_nothing_else(client_as, administrator):
    client = client_as(administrator)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200
    assert client.get("/admin/compliance/followupaction/").status_code == 403


def test_the_security_officer_cannot_manage_users(client_as, security_officer):
    assert client_as(security_officer).get("/admin/auth/user/").status_code == 403


def test_token_authentication_works_with_a_token_from_the_command(security_officer, api_client, service):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("drf_create_token", security_officer.username, stdout=out)
    key = out.getvalue().split("Generated token ", 1)[1].split()[0]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/services/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api_client.get("/api/v1/services/").status_code == 401
