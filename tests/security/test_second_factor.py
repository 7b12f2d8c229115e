"""Issue 11, item 3: the second factor follows privilege, not group membership.

Whoever is staff or superuser, holds any permission beyond the Medewerker role's, or is in any
group other than Medewerker, gives a second factor: in the pages, the admin, session use of the
API and the token endpoint."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from accounts.middleware import requires_two_factor

from .conftest import PASSWORD

FRAUD_ADMIN = "/admin/incidents/fraudaccountremoval/"
FRAUD_API = "/api/v1/fraud-account-removals/"


@pytest.fixture(autouse=True)
def require_2fa(settings):  # type: ignore[no-untyped-def]
    settings.WAARBORG_REQUIRE_2FA = True


@pytest.fixture
def staff_with_a_direct_permission(make_user):  # type: ignore[no-untyped-def]
    """Staff, no group, one permission given directly: the attack of the issue."""
    user = make_user(None, username="direct", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_fraudaccountremoval"))
    return user


@pytest.fixture
def plain_user_with_a_direct_permission(make_user):  # type: ignore[no-untyped-def]
    user = make_user(None, username="plain")
    user.user_permissions.add(Permission.objects.get(codename="view_fraudaccountremoval"))
    return user


def test_staff_with_a_direct_permission_cannot_open_the_fraud_register_on_a_password(
    client, staff_with_a_direct_permission
):
    client.force_login(staff_with_a_direct_permission)
    response = client.get(FRAUD_ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    export = client.get(f"{FRAUD_ADMIN}export/")
    assert export.status_code == 302 and export["Location"].startswith(reverse("two_factor"))
    assert client.get(FRAUD_API).status_code == 403


def test_a_direct_permission_without_staff_needs_a_second_factor_too(client, plain_user_with_a_direct_permission):
    client.force_login(plain_user_with_a_direct_permission)
    assert client.get(FRAUD_API).status_code == 403
    assert client.get("/").status_code == 302


def test_a_group_that_is_not_a_role_needs_a_second_factor(client, make_user):
    user = make_user(None, username="grouped")
    user.groups.add(Group.objects.get_or_create(name="Stiekem")[0])
    assert requires_two_factor(user)
    client.force_login(user)
    assert client.get("/").status_code == 302


def test_the_token_endpoint_asks_staff_with_a_direct_permission_for_a_code(api_client, staff_with_a_direct_permission):
    response = api_client.post("/api/v1/auth/token/", {"username": "direct", "password": PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("fixture", "required"),
    [
        ("employee", False),
        ("outsider", False),
        ("security_officer", True),
        ("administrator", True),
        ("auditor", True),
        ("staff_with_a_direct_permission", True),
        ("plain_user_with_a_direct_permission", True),
    ],
)
def test_who_needs_a_second_factor(request, fixture, required):
    assert requires_two_factor(request.getfixturevalue(fixture)) is required


def test_staff_without_any_permission_needs_a_second_factor(make_user):
    assert requires_two_factor(make_user(None, username="bare-staff", is_staff=True))


def test_the_admin_itself_refuses_an_unverified_privileged_user(staff_with_a_direct_permission, employee):
    """Even if the middleware were bypassed, the admin site refuses the unverified session."""
    request = RequestFactory().get("/admin/")
    request.user = staff_with_a_direct_permission
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_a_token_issued_without_a_second_factor_does_not_survive_a_promotion(api_client, employee, service):
    """A Medewerker gets a token with a password alone; when they are later put in a role or
    given a permission that needs a second factor, that token stops working."""
    from knox.models import AuthToken

    key = api_client.post("/api/v1/auth/token/", {"username": "employee", "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/services/").status_code == 200
    officer = Group.objects.get(name="Security officer")
    employee.groups.add(officer)
    assert api_client.get("/api/v1/services/").status_code == 401
    again = api_client.post("/api/v1/auth/token/", {"username": "employee", "password": PASSWORD})
    assert again.status_code == 400  # a new one needs the second factor now

    employee.groups.remove(officer)
    _instance, key = AuthToken.objects.create(user=employee)
    Permission.objects.get(codename="view_fraudaccountremoval").user_set.add(employee)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/services/").status_code == 401
