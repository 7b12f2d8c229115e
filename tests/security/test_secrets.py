"""Issue 11, item 2: no readable secrets.

After enrolment no page shows a TOTP secret or a recovery code; API tokens are stored as a
hash, shown once, expire, and are revoked by their owner or by the Beheerder; the token
endpoint does not tell a wrong password from a missing or wrong one-time code."""

from __future__ import annotations

from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .conftest import PASSWORD, current_code, token_from_command

TOKEN_URL = "/api/v1/auth/token/"
REVOKE_URL = "/api/v1/auth/token/revoke/"


@pytest.fixture
def require_2fa(settings):  # type: ignore[no-untyped-def]
    settings.WAARBORG_REQUIRE_2FA = True


@pytest.fixture
def officer_device(security_officer):  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=security_officer, name="telefoon", confirmed=True)


def secrets_of(device: TOTPDevice) -> list[str]:
    return [device.key, b32encode(device.bin_key).decode().rstrip("="), "otpauth://"]


def test_no_admin_page_shows_a_totp_secret(client_as, administrator, officer_device):
    client = client_as(administrator)
    base = f"/admin/otp_totp/totpdevice/{officer_device.pk}"
    for url in ("/admin/otp_totp/totpdevice/", f"{base}/change/", f"{base}/config/", f"{base}/qrcode/"):
        response = client.get(url)
        body = response.content.decode(errors="replace")
        assert not any(secret in body for secret in secrets_of(officer_device)), url
    assert client.get(f"{base}/config/").status_code in (302, 403, 404)
    assert client.get(f"{base}/qrcode/").status_code in (302, 403, 404)


def test_no_admin_page_shows_a_recovery_code(client_as, administrator, security_officer):
    device = StaticDevice.objects.create(user=security_officer, name="recovery", confirmed=True)
    device.token_set.create(token="geheim12")
    client = client_as(administrator)
    for url in ("/admin/otp_static/staticdevice/", f"/admin/otp_static/staticdevice/{device.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "geheim12" not in response.content.decode()


def test_an_api_token_is_stored_as_a_hash_and_never_shown_again(api_client, client_as, administrator, employee):
    key = api_client.post(TOKEN_URL, {"username": "employee", "password": PASSWORD}).json()["token"]
    stored = AuthToken.objects.get(user=employee)
    assert key not in (stored.digest, stored.token_key)
    client = client_as(administrator)
    for url in ("/admin/knox/authtoken/", f"/admin/knox/authtoken/{stored.pk}/change/"):
        body = client.get(url).content.decode()
        # (the primary key is the digest, a SHA-512 of the key: it cannot be used as a token)
        assert key not in body and stored.token_key not in body
    assert client.get("/admin/knox/authtoken/add/").status_code == 403  # nobody mints one for someone else


def test_an_api_token_expires_after_the_configured_days(api_client, security_officer, service):
    assert settings.API_TOKEN_TTL_DAYS == 90
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(days=90)
    key = token_from_command(security_officer.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/services/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        assert api_client.get("/api/v1/services/").status_code == 401
    assert not AuthToken.objects.filter(user=security_officer).exists()


def test_the_owner_revokes_a_token(api_client, security_officer, service):
    key = token_from_command(security_officer.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.post(REVOKE_URL).status_code == 204
    assert api_client.get("/api/v1/services/").status_code == 401


def test_the_beheerder_revokes_a_token(api_client, client_as, administrator, security_officer, service):
    key = token_from_command(security_officer.username)
    token = AuthToken.objects.get(user=security_officer)
    response = client_as(administrator).post(f"/admin/knox/authtoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/services/").status_code == 401


def test_a_token_of_one_user_does_not_revoke_another_users_token(api_client, security_officer, auditor, service):
    officer_key = token_from_command(security_officer.username)
    auditor_key = token_from_command(auditor.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {auditor_key}")
    assert api_client.post(REVOKE_URL).status_code == 204
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {officer_key}")
    assert api_client.get("/api/v1/services/").status_code == 200


def test_the_token_endpoint_gives_one_answer_for_a_wrong_password_and_a_wrong_code(
    require_2fa, api_client, security_officer, officer_device
):
    wrong_password = api_client.post(TOKEN_URL, {"username": "security", "password": "Raden-123456"})
    no_code = api_client.post(TOKEN_URL, {"username": "security", "password": PASSWORD})
    wrong_code = api_client.post(TOKEN_URL, {"username": "security", "password": PASSWORD, "otp": "000000"})
    assert wrong_password.status_code == no_code.status_code == wrong_code.status_code == 400
    assert wrong_password.json() == no_code.json() == wrong_code.json()
    assert not AuthToken.objects.exists()
    # the same request with a valid code (a recovery code: the TOTP device now throttles guesses)
    recovery = StaticDevice.objects.create(user=security_officer, name="recovery", confirmed=True)
    recovery.token_set.create(token="herstel12")
    granted = api_client.post(TOKEN_URL, {"username": "security", "password": PASSWORD, "otp": "herstel12"})
    assert granted.status_code == 200, granted.content
    assert len(granted.json()["token"]) == 64


def test_wrong_one_time_codes_count_towards_the_lockout(
    require_2fa, settings, api_client, security_officer, officer_device
):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        api_client.post(TOKEN_URL, {"username": "security", "password": PASSWORD, "otp": "000000"})
    response = api_client.post(
        TOKEN_URL, {"username": "security", "password": PASSWORD, "otp": current_code(officer_device)}
    )
    assert response.status_code == 429
    assert not AuthToken.objects.exists()
