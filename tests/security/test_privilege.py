"""Issue 11, item 1: the user administrator (Beheerder) has no way up.

It may create users, deactivate them, put them in the roles and reset their second factor;
it may not grant superuser, give permissions outside the roles, put anyone in a group that is
not a role, edit the roles' permissions, or touch a superuser. Nobody changes their own groups
or flags. Every attack is a crafted POST, not only a missing form field."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles

from .conftest import PASSWORD


def user_form(user, own=False, **changes):  # type: ignore[no-untyped-def]
    """The fields of the admin's user change form, as the browser posts them (on one's own
    form the flags are read-only, so the browser sends none)."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    if not own:
        data["is_active"] = "on" if user.is_active else None
        data["is_staff"] = "on" if user.is_staff else None
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(user) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/auth/user/{user.pk}/change/"


def test_the_form_used_by_these_attacks_is_otherwise_accepted(client_as, administrator, employee):
    """Without a forbidden field the same POST saves: the refusals below are the rules'."""
    response = client_as(administrator).post(change_url(employee), user_form(employee, first_name="Anna"))
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.first_name == "Anna"


def test_the_beheerder_cannot_make_itself_superuser(client_as, administrator):
    client = client_as(administrator)
    page = client.get(change_url(administrator)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert client.post(change_url(administrator), user_form(administrator, own=True)).status_code == 302
    response = client.post(change_url(administrator), user_form(administrator, own=True, is_superuser="on"))
    assert response.status_code == 200
    assert "is_superuser" in response.content.decode()  # named in the error
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_the_beheerder_cannot_make_another_user_superuser(client_as, administrator, employee):
    response = client_as(administrator).post(change_url(employee), user_form(employee, is_superuser="on"))
    assert response.status_code == 200
    employee.refresh_from_db()
    assert not employee.is_superuser


def test_the_beheerder_cannot_give_a_permission_outside_the_roles(client_as, administrator, employee):
    perm = Permission.objects.get(codename="view_fraudaccountremoval")
    response = client_as(administrator).post(change_url(employee), user_form(employee, user_permissions=[perm.pk]))
    assert response.status_code == 200
    assert not employee.user_permissions.exists()


@pytest.mark.parametrize("group_name", ["SOC-leverancier", "Stiekem"])
def test_the_beheerder_cannot_put_a_user_in_a_group_that_is_not_a_role(client_as, administrator, employee, group_name):
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(Permission.objects.get(codename="view_fraudaccountremoval"))
    client = client_as(administrator)
    assert f'value="{group.pk}"' not in client.get(change_url(employee)).content.decode()
    response = client.post(change_url(employee), user_form(employee, groups=[group.pk]))
    assert response.status_code == 200
    assert not employee.groups.filter(pk=group.pk).exists()


def test_the_beheerder_puts_another_user_in_a_role(client_as, administrator, employee):
    officer = Group.objects.get(name=roles.SECURITY_OFFICER)
    employee_role = Group.objects.get(name=roles.EMPLOYEE)
    response = client_as(administrator).post(
        change_url(employee), user_form(employee, groups=[officer.pk, employee_role.pk], is_staff="on")
    )
    assert response.status_code == 302
    assert set(employee.groups.values_list("name", flat=True)) == {roles.SECURITY_OFFICER, roles.EMPLOYEE}


def test_a_group_the_beheerder_is_not_offered_is_kept_when_it_edits_the_user(client_as, administrator, employee):
    soc = Group.objects.get_or_create(name="SOC-leverancier")[0]
    employee.groups.add(soc)
    employee_role = Group.objects.get(name=roles.EMPLOYEE)
    response = client_as(administrator).post(change_url(employee), user_form(employee, groups=[employee_role.pk]))
    assert response.status_code == 302
    assert employee.groups.filter(pk=soc.pk).exists()


def test_the_beheerder_cannot_change_its_own_groups(client_as, administrator):
    officer = Group.objects.get(name=roles.SECURITY_OFFICER)
    own = Group.objects.get(name=roles.ADMINISTRATOR)
    response = client_as(administrator).post(
        change_url(administrator), user_form(administrator, own=True, groups=[own.pk, officer.pk])
    )
    assert response.status_code == 200
    assert list(administrator.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]


def test_a_superuser_cannot_change_its_own_flags_either(client_as, superuser):
    client = client_as(superuser)
    # an unticked box is simply not sent: on one's own form that changes nothing
    assert client.post(change_url(superuser), user_form(superuser, own=True)).status_code == 302
    auditor_role = Group.objects.get(name=roles.AUDITOR)
    response = client.post(change_url(superuser), user_form(superuser, own=True, groups=[auditor_role.pk]))
    assert response.status_code == 200
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_staff and superuser.is_active
    assert not superuser.groups.exists()


def test_the_beheerder_cannot_edit_the_permissions_of_a_role(client_as, administrator):
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    before = set(group.permissions.values_list("pk", flat=True))
    everything = list(Permission.objects.values_list("pk", flat=True))
    client = client_as(administrator)
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200  # read-only view
    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": everything})
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before
    response = client.post("/admin/auth/group/add/", {"name": "Alles", "permissions": everything})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Alles").exists()


def test_the_beheerder_cannot_take_over_a_superuser(client_as, administrator, superuser):
    client = client_as(administrator)
    response = client.post(
        f"/admin/auth/user/{superuser.pk}/password/",
        {"password1": "Overgenomen-123!", "password2": "Overgenomen-123!", "usable_password": "true"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    response = client.post(change_url(superuser), user_form(superuser, email="beheerder@waarborg.example"))
    assert response.status_code == 403
    device = TOTPDevice.objects.create(user=superuser, name="telefoon", confirmed=True)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = client.post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"}
    )
    assert response.status_code in (200, 403)
    assert type(superuser).objects.filter(pk=superuser.pk).exists()


def test_the_beheerder_creates_deactivates_and_resets_users(client_as, administrator, security_officer):
    client = client_as(administrator)
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "nieuw", "password1": "Een-nieuw-wachtwoord-1", "password2": "Een-nieuw-wachtwoord-1",
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    created = type(administrator).objects.get(username="nieuw")
    assert not created.is_superuser and not created.is_staff
    response = client.post(change_url(security_officer), user_form(security_officer, is_active=None))
    assert response.status_code == 302
    security_officer.refresh_from_db()
    assert not security_officer.is_active
    device = TOTPDevice.objects.create(user=security_officer, name="telefoon", confirmed=True)
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_superuser_still_grants_what_the_beheerder_may_not(client_as, superuser, employee):
    perm = Permission.objects.get(codename="view_fraudaccountremoval")
    response = client_as(superuser).post(change_url(employee), user_form(employee, user_permissions=[perm.pk]))
    assert response.status_code == 302
    assert employee.user_permissions.filter(pk=perm.pk).exists()
