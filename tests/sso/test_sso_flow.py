"""Single sign-on end to end: Waarborg's live server, a real OpenID provider (tests/sso/provider.mjs)
and an HTTP client that fills in the provider's forms."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import SSOIdentity
from core.models import Event

User = get_user_model()


def role_names(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(user.groups.values_list("name", flat=True))


def test_first_login_creates_the_user_with_the_mapped_roles(sso, visitor):
    response = visitor.sso_login("sanne", mfa=True)
    assert response.status_code == 200
    assert response.url.rstrip("/") == visitor.base, response.url
    assert visitor.logged_in()
    assert visitor.page("/").status_code == 200
    user = User.objects.get(username="sanne")
    assert role_names(user) == {roles.SECURITY_OFFICER}  # "kantine" is not in the mapping
    assert (user.first_name, user.last_name, user.email) == ("Sanne", "de Vries", "sanne@organisatie.example")
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    identity = SSOIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso.issuer, "sanne")
    event = Event.objects.get(name="auth.sso_login")
    assert event.object_id == user.pk
    assert event.data["second_factor"] == "provider"
    assert event.data["roles"] == [roles.SECURITY_OFFICER]


def test_a_second_login_sets_the_roles_the_provider_gives_today(sso, visitor):
    sso.set_groups("piet", ["fg", "ciso-office"])
    visitor.sso_login("piet", mfa=True)
    piet = User.objects.get(username="piet")
    assert role_names(piet) == {roles.PRIVACY_OFFICER, roles.SECURITY_OFFICER}

    visitor.cookies.clear()
    sso.set_groups("piet", ["fg", "kantine"])
    visitor.sso_login("piet", mfa=True)
    piet.refresh_from_db()
    assert role_names(piet) == {roles.PRIVACY_OFFICER}  # removed at the provider, removed here
    assert User.objects.filter(username="piet").count() == 1
    assert SSOIdentity.objects.filter(user=piet).count() == 1


def test_a_role_given_in_waarborg_to_a_sso_user_does_not_outlive_the_next_login(sso, visitor):
    visitor.sso_login("mila")
    mila = User.objects.get(username="mila")
    mila.groups.add(Group.objects.get(name=roles.AUDITOR))
    visitor.cookies.clear()
    visitor.sso_login("mila")
    assert role_names(mila) == {roles.EMPLOYEE}
    assert not User.objects.get(username="mila").is_staff


def test_the_providers_second_factor_spares_the_security_officer_waarborgs_code(sso, visitor):
    response = visitor.sso_login("sanne", mfa=True)
    assert "/account/2fa/" not in response.url
    assert visitor.page("/admin/").status_code == 200  # the admin, too, accepts it
    assert "/account/login/" not in visitor.page("/admin/").url


def test_without_the_providers_second_factor_waarborg_asks_for_its_own_code(sso, visitor):
    response = visitor.sso_login("sanne", mfa=False)
    assert response.url.startswith(f"{visitor.base}/account/2fa/")
    assert "Tweestapsverificatie" in response.text
    assert visitor.page("/").url.startswith(f"{visitor.base}/account/2fa/")  # not past it either
    assert visitor.page("/admin/").url.startswith(f"{visitor.base}/account/2fa/")
    event = Event.objects.get(name="auth.sso_login")
    assert event.data["second_factor"] == "waarborg" and event.data["amr"] == ["pwd"]


def test_an_acr_value_can_prove_the_second_factor(sso, settings, visitor):
    settings.OIDC_MFA_AMR = []
    settings.OIDC_MFA_ACR = ["urn:waarborg:test:mfa"]
    assert "/account/2fa/" not in visitor.sso_login("sanne", mfa=True).url
    visitor.cookies.clear()
    assert "/account/2fa/" in visitor.sso_login("sanne", mfa=False).url


def test_a_medewerker_needs_no_second_factor(sso, visitor):
    response = visitor.sso_login("mila", mfa=False)
    assert "/account/2fa/" not in response.url
    assert visitor.logged_in()
    assert Event.objects.get(name="auth.sso_login").data["second_factor"] == "not_required"


def test_logout_ends_the_session_at_waarborg_and_at_the_provider(sso, visitor):
    visitor.sso_login("mila")
    # While the provider's session lasts, a new Waarborg session logs in without a form.
    visitor.cookies.set("sessionid", None, domain="localhost.local")
    visitor.cookies.set("sessionid", None)
    assert not visitor.logged_in()
    assert visitor.page("/account/sso/login/").url.rstrip("/") == visitor.base

    response = visitor.waarborg_post("/account/logout/")
    # Waarborg's page moves on to the provider by itself (not a redirect: see LogoutView)
    assert response.url.startswith(f"{visitor.base}/account/logout/") and response.status_code == 200
    assert not visitor.logged_in()
    refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]+)">', response.text)
    link = re.search(r'<a id="sso-logout"[^>]*href="([^"]+)"', response.text)
    assert refresh and link and refresh.group(1) == link.group(1)
    end_session = html.unescape(link.group(1))
    assert end_session.startswith(f"{sso.issuer}/session/end?") and "id_token_hint=" in end_session
    response = visitor.get(end_session, timeout=20)  # the provider asks to confirm
    response = visitor.provider_form(response, logout="yes")
    assert response.url.startswith(f"{visitor.base}/account/login/")
    assert not visitor.logged_in()
    # The provider's session is gone: logging in again asks for the provider's form.
    assert "/interaction/" in visitor.page("/account/sso/login/").url


def test_a_local_logout_without_sso_stays_local(sso, visitor, make_user):
    make_user(roles.EMPLOYEE, username="lokaal", password="Test-password-123")
    response = visitor.waarborg_post("/account/login/", {"username": "lokaal", "password": "Test-password-123"})
    assert visitor.logged_in(), response.url
    response = visitor.waarborg_post("/account/logout/")
    assert response.url.startswith(f"{visitor.base}/account/login/")
    assert not visitor.logged_in()


@pytest.mark.parametrize(
    ("client_id", "reason", "message"),
    [
        ("waarborg-aud", "wrong_audience", "niet voor Waarborg bedoeld"),
        ("waarborg-iss", "wrong_issuer", "niet van de ingestelde identiteitsprovider"),
    ],
)
def test_an_id_token_for_another_audience_or_from_another_issuer_is_refused(
    sso, settings, visitor, client_id, reason, message
):
    """The provider signs these tokens with its own key; only `aud` or `iss` is wrong."""
    settings.OIDC_RP_CLIENT_ID = client_id
    response = visitor.sso_login("sanne", mfa=True)
    assert response.status_code == 403
    assert response.url.startswith(f"{visitor.base}/account/sso/callback/")
    assert message in response.text
    assert not visitor.logged_in()
    assert not User.objects.filter(username="sanne").exists()
    event = Event.objects.get(name="auth.sso_refused")
    assert event.data["reason"] == reason


def test_the_same_flow_with_the_right_client_is_accepted(sso, settings, visitor):
    """The control for the refusals above: the provider and the flow are the same."""
    settings.OIDC_RP_CLIENT_ID = "waarborg"
    visitor.sso_login("sanne", mfa=True)
    assert visitor.logged_in()


def test_a_group_mapped_to_beheerder_gives_no_beheerder(sso, visitor):
    response = visitor.sso_login("beheer", mfa=True)
    assert response.status_code == 200
    assert "Geen rol toegekend" in response.text
    assert not visitor.logged_in()
    beheer = User.objects.get(username="beheer")
    assert role_names(beheer) == set() and not beheer.is_staff and not beheer.is_superuser

    visitor.cookies.clear()
    visitor.sso_login("beheer2", mfa=True)
    assert visitor.logged_in()
    assert role_names(User.objects.get(username="beheer2")) == {roles.EMPLOYEE}


def test_without_a_mapped_group_the_login_is_refused_with_an_explanation(sso, visitor):
    response = visitor.sso_login("kees", mfa=True)
    assert response.status_code == 200
    assert "Geen rol toegekend" in response.text
    assert not visitor.logged_in()
    assert Event.objects.get(name="auth.sso_refused").data["reason"] == "no_role"


def test_roles_removed_at_the_provider_end_the_access(sso, visitor):
    visitor.sso_login("piet", mfa=True)
    visitor.cookies.clear()
    sso.set_groups("piet", ["kantine"])
    response = visitor.sso_login("piet", mfa=True)
    assert "Geen rol toegekend" in response.text
    assert not visitor.logged_in()
    piet = User.objects.get(username="piet")
    assert role_names(piet) == set() and not piet.is_staff


def test_an_existing_local_account_with_the_same_name_is_not_taken_over(sso, visitor, make_user):
    jan = make_user(roles.SECURITY_OFFICER, username="jan", password="Test-password-123", email="jan@waarborg.example")
    response = visitor.sso_login("jan", mfa=True)
    assert response.status_code == 403
    assert "niet via single sign-on" in response.text
    assert not visitor.logged_in()
    jan.refresh_from_db()
    assert jan.email == "jan@waarborg.example" and jan.check_password("Test-password-123")
    assert not SSOIdentity.objects.filter(user=jan).exists()
    assert Event.objects.get(name="auth.sso_refused").data["reason"] == "name_taken"


def test_local_login_still_works_with_sso_configured(sso, visitor, make_user):
    make_user(roles.EMPLOYEE, username="lokaal", password="Test-password-123")
    page = visitor.page("/account/login/")
    assert "Inloggen met Testorganisatie" in page.text
    visitor.waarborg_post("/account/login/", {"username": "lokaal", "password": "Test-password-123"})
    assert visitor.logged_in()


def test_an_sso_account_cannot_log_in_with_a_password(sso, visitor):
    visitor.sso_login("mila")
    visitor.cookies.clear()
    response = visitor.waarborg_post("/account/login/", {"username": "mila", "password": ""})
    assert not visitor.logged_in(), response.url


def test_sso_works_with_the_lockout_switched_on(sso, settings, visitor):
    """django-axes checks every authentication; the callback passes it like a password login."""
    settings.AXES_ENABLED = True
    visitor.sso_login("mila")
    assert visitor.logged_in()
    assert visitor.page("/").status_code == 200


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(sso, visitor):
    assert "/interaction/" in visitor.page("/account/sso/login/").url  # a real state in the session
    response = visitor.page("/account/sso/callback/?code=gestolen-code&state=vervalst")
    assert response.status_code == 403
    assert "niet geldig" in response.text
    assert not visitor.logged_in()
    assert Event.objects.get(name="auth.sso_refused").data["reason"] == "invalid_token"


def test_a_cancelled_login_at_the_provider_returns_to_the_login_page(sso, visitor):
    visitor.page("/account/sso/login/")
    response = visitor.page("/account/sso/callback/?error=access_denied&state=iets")
    assert response.url.startswith(f"{visitor.base}/account/login/")
    assert "niet gelukt" in response.text
    assert not visitor.logged_in()


def test_after_sso_without_the_providers_factor_waarborgs_code_lets_the_officer_in(sso, visitor):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = visitor.sso_login("sanne", mfa=False)
    assert "/account/2fa/" in response.url
    device = TOTPDevice.objects.get(user__username="sanne", confirmed=False)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    visitor.post(response.url, data={"csrfmiddlewaretoken": token, "token": code, "next": "/"}, timeout=20)
    assert visitor.page("/").url.rstrip("/") == visitor.base
    assert TOTPDevice.objects.get(user__username="sanne").confirmed


def test_a_discovery_document_naming_another_issuer_is_refused(sso, settings, visitor):
    """The same provider under another name: its document names 127.0.0.1, not localhost."""
    settings.OIDC_ISSUER = sso.issuer.replace("127.0.0.1", "localhost")
    response = visitor.page("/account/sso/login/")
    assert response.status_code == 403
    assert "niet van de ingestelde identiteitsprovider" in response.text
    assert Event.objects.get(name="auth.sso_refused").data["reason"] == "wrong_issuer"
