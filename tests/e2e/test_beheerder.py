"""Beheerder: create a user, put them in a role, reset their second factor; fail to make
anyone superuser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NEW_USER = "e2e-auditor"
NEW_PASSWORD = "Lang-en-uniek-wachtwoord-2026"


def test_create_a_user_put_them_in_a_role_and_reset_their_second_factor(journey):
    """Resetting is removing the user's authenticator and recovery codes; at the next login
    the user enrols again (a recovery code left behind would let them in without)."""
    from tests.e2e import conftest

    j = journey("beheerder")
    j.screenshot("start-beheerder")
    j.click(j.page.locator("ul.tiles").get_by_role("link", name="Beheeromgeving"))
    j.click(j.page.locator('a[href="/admin/auth/user/add/"]').first)
    j.page.get_by_label("Gebruikersnaam").fill(NEW_USER)
    j.page.locator("#id_password1").fill(NEW_PASSWORD)
    j.page.locator("#id_password2").fill(NEW_PASSWORD)
    j.click(j.page.get_by_role("button", name="Opslaan", exact=True))
    expect(j.page.locator(".messagelist .success")).to_be_visible()

    j.page.locator("#id_first_name").fill("Eva")
    j.page.locator("#id_last_name").fill("Test")
    j.page.locator("#id_is_staff").check()
    j.page.locator("#id_groups_from option", has_text="Auditor").dblclick()
    expect(j.page.locator("#id_groups_to option", has_text="Auditor")).to_have_count(1)
    j.click(j.page.get_by_role("button", name="Opslaan", exact=True))
    expect(j.page.locator(".messagelist .success")).to_be_visible()

    # the new auditor logs in and enrols a second factor, then loses the phone
    conftest.PASSWORDS[NEW_USER] = NEW_PASSWORD
    journey(NEW_USER, "/reports/annual/2021/")  # first login: enrols
    assert NEW_USER in conftest._SECRETS

    for devices in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        j.goto(f"{devices}?q={NEW_USER}")
        expect(j.page.locator("#result_list tbody tr")).to_have_count(1)
        j.page.locator("#action-toggle").check()
        j.page.locator("select[name=action]").select_option(value="delete_selected")
        j.click(j.page.get_by_role("button", name="Uitvoeren"))
        j.click(j.page.locator("input[type=submit]"))
        expect(j.page.locator(".messagelist .success")).to_be_visible()
        expect(j.page.locator("#result_list tbody tr")).to_have_count(0)

    conftest._STATES.pop(NEW_USER)
    old_secret = conftest._SECRETS.pop(NEW_USER)
    journey(NEW_USER, "/reports/annual/2021/")  # asked to enrol again, with a new key
    assert conftest._SECRETS.get(NEW_USER) not in (None, old_secret)


def test_cannot_make_anyone_superuser(journey):
    # teamleider: a Medewerker that no other journey logs in as
    j = journey("beheerder", "/admin/auth/user/?q=teamleider")
    j.click(j.page.locator("#result_list tbody tr th a", has_text="teamleider").first)
    superuser = j.page.locator("#id_is_superuser")
    if superuser.count() and superuser.is_enabled():
        superuser.check()
        j.click(j.page.get_by_role("button", name="Opslaan", exact=True))
    j.goto("/admin/auth/user/?is_superuser__exact=1")
    expect(j.page.locator("#result_list tbody tr")).to_have_count(0)
