"""Single sign-on without a provider: off unless configured, the role mapping, the MFA rule and
the configuration check."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts import roles, sso
from accounts.middleware import PROVIDER_MFA_SESSION_KEY, TwoFactorMiddleware


@pytest.fixture
def sso_on(settings):  # type: ignore[no-untyped-def]
    settings.OIDC_ISSUER = "https://idp.example"
    settings.OIDC_RP_CLIENT_ID = "waarborg"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_ROLE_MAPPING = "ciso=Security officer;fg=Privacyfunctionaris;allen=Medewerker"
    settings.OIDC_MFA_AMR = ["mfa", "otp"]
    settings.OIDC_MFA_ACR = ["urn:loa:high"]
    return settings


def test_without_configuration_there_is_no_sso(client, db, settings):
    settings.OIDC_ISSUER = ""
    assert client.get("/account/sso/login/").status_code == 404
    assert client.get("/account/sso/callback/?code=x&state=y").status_code == 404
    page = client.get("/account/login/").content.decode()
    assert "Inloggen met" not in page
    assert 'name="password"' in page


def test_the_login_page_offers_the_organisations_button(client, db, sso_on):
    sso_on.OIDC_LOGIN_LABEL = "Logius-account"
    page = client.get("/account/login/?next=/controls/").content.decode()
    assert "Inloggen met Logius-account" in page
    assert "/account/sso/login/?next=/controls/" in page


def test_the_role_mapping_format():
    assert sso.parse_role_mapping("a=Security officer; b = Auditor ;a=Medewerker;") == {
        "a": {roles.SECURITY_OFFICER, roles.EMPLOYEE},
        "b": {roles.AUDITOR},
    }
    assert sso.parse_role_mapping("") == {}
    for wrong in ("a", "a=", "=Auditor", "a=Koning"):
        with pytest.raises(ValueError, match="OIDC_ROLE_MAPPING"):
            sso.parse_role_mapping(wrong)


def test_roles_come_only_from_mapped_groups_and_never_beheerder(sso_on):
    sso_on.OIDC_ROLE_MAPPING = "ciso=Security officer;it=Beheerder;it=Auditor"
    assert sso.roles_for(["ciso", "kantine"]) == {roles.SECURITY_OFFICER}
    assert sso.roles_for(["it"]) == {roles.AUDITOR}
    assert sso.roles_for("ciso") == {roles.SECURITY_OFFICER}
    assert sso.roles_for(None) == set()
    assert sso.roles_for({"ciso": True}) == set()


def test_the_second_factor_rule(sso_on):
    assert sso.provider_proves_second_factor({"amr": ["pwd", "otp"]})
    assert sso.provider_proves_second_factor({"amr": "mfa"})
    assert sso.provider_proves_second_factor({"amr": ["pwd"], "acr": "urn:loa:high"})
    assert not sso.provider_proves_second_factor({"amr": ["pwd"], "acr": "urn:loa:low"})
    assert not sso.provider_proves_second_factor({})


def test_the_providers_second_factor_counts_only_for_the_user_it_was_given_to(rf_session, make_user, settings):
    settings.WAARBORG_REQUIRE_2FA = True
    officer = make_user(roles.SECURITY_OFFICER, username="officer")
    other = make_user(roles.SECURITY_OFFICER, username="other")
    middleware = TwoFactorMiddleware(lambda request: "page")
    request = rf_session(officer, {PROVIDER_MFA_SESSION_KEY: officer.pk})
    assert middleware(request) == "page"
    request = rf_session(other, {PROVIDER_MFA_SESSION_KEY: officer.pk})
    assert middleware(request).status_code == 302
    request = rf_session(officer, {})
    assert middleware(request).status_code == 302


@pytest.fixture
def rf_session(db):  # type: ignore[no-untyped-def]
    def build(user, data):  # type: ignore[no-untyped-def]
        request = RequestFactory().get("/controls/")
        request.user = user
        request.user.is_verified = lambda: False
        request.session = dict(data)
        return request

    return build


def test_the_sso_backend_never_checks_a_password(rf, sso_on, make_user):
    sso_on.AUTHENTICATION_BACKENDS = ["accounts.sso.SSOBackend"]
    make_user(roles.EMPLOYEE, username="mila", password="Test-password-123")
    assert authenticate(rf.get("/"), username="mila", password="Test-password-123") is None


def test_the_configuration_check(sso_on):
    assert sso.check_sso_settings(None) == []
    sso_on.OIDC_ROLE_MAPPING = "it=Beheerder;ciso=Security officer"
    assert [message.id for message in sso.check_sso_settings(None)] == ["accounts.W012"]
    sso_on.OIDC_ROLE_MAPPING = "it=Baas"
    assert [message.id for message in sso.check_sso_settings(None)] == ["accounts.E010"]
    sso_on.OIDC_ROLE_MAPPING = ""
    sso_on.OIDC_RP_CLIENT_SECRET = ""
    assert [message.id for message in sso.check_sso_settings(None)] == ["accounts.W011", "accounts.E013"]


def test_only_the_callback_reaches_the_provider(rf, sso_on, monkeypatch, make_user):
    """A password login on a URL carrying ?code=&state= (or any call without the nonce and PKCE
    verifier the callback keeps in the session) does not exchange a code."""
    called = []
    monkeypatch.setattr(sso, "provider", lambda: called.append(1) or pytest.fail("the provider was asked"))
    backend = sso.SSOBackend()
    request = rf.get("/account/login/?code=gestolen&state=x")
    make_user(roles.EMPLOYEE, username="mila", password="Test-password-123")
    assert backend.authenticate(request, username="mila", password="Test-password-123") is None
    assert backend.authenticate(request, nonce=None, code_verifier=None) is None
    assert backend.authenticate(request, nonce="n", code_verifier=None) is None
    assert called == []
