"""Two-factor login, lockout, throttling and security headers."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def require_2fa(settings):
    settings.WAARBORG_REQUIRE_2FA = True


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client):
    """Open the enrolment page and confirm with the app's current code; return the codes page."""
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(confirmed=False)
    return client.post(reverse("two_factor"), {"token": current_code(device), "next": "/admin/"})


def test_a_security_officer_is_sent_to_enrol_before_the_admin(require_2fa, client_as, security_officer):
    response = client_as(security_officer).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))


def test_enrolment_shows_a_qr_code_and_then_ten_recovery_codes(require_2fa, client_as, security_officer):
    client = client_as(security_officer)
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and "authenticator" in page
    codes_page = enrol(client)
    assert codes_page.status_code == 200
    assert StaticToken.objects.filter(device__user=security_officer).count() == 10
    assert client.get("/admin/").status_code == 200  # verified for this session


def test_a_wrong_code_does_not_confirm_the_device(require_2fa, client_as, security_officer):
    client = client_as(security_officer)
    client.get(reverse("two_factor"))
    response = client.post(reverse("two_factor"), {"token": "000000"})
    assert "klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=security_officer, confirmed=True).exists()


def test_a_recovery_code_works_once(require_2fa, client, security_officer):
    client.force_login(security_officer)
    enrol(client)
    code = StaticToken.objects.filter(device__user=security_officer).first().token
    for expected_admin_status in (200, 302):
        client.logout()
        client.force_login(security_officer)
        client.post(reverse("two_factor"), {"token": code})
        assert client.get("/admin/").status_code == expected_admin_status


def test_an_employee_may_work_without_a_second_factor(require_2fa, client_as, employee):
    assert client_as(employee).get("/").status_code == 200


def test_an_unverified_session_cannot_use_the_api(require_2fa, client_as, security_officer):
    response = client_as(security_officer).get("/api/v1/services/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Tweestapsverificatie vereist"


def test_the_token_endpoint_asks_a_writing_role_for_a_one_time_code(require_2fa, api_client, client, security_officer):
    client.force_login(security_officer)
    enrol(client)
    credentials = {"username": "security", "password": "Test-password-123"}
    refused = api_client.post("/api/v1/auth/token/", credentials)
    assert refused.status_code == 400 and "token" not in refused.json()
    device = TOTPDevice.objects.get(user=security_officer)
    # the enrolment used this time step's code; TOTP codes are single use, so use a recovery code
    code = StaticToken.objects.filter(device__user=security_officer).first().token
    granted = api_client.post("/api/v1/auth/token/", {**credentials, "otp": code})
    assert granted.status_code == 200 and len(granted.json()["token"]) == 64
    assert device.confirmed


def test_the_token_endpoint_gives_an_employee_a_token_with_a_password(api_client, employee):
    response = api_client.post("/api/v1/auth/token/", {"username": "employee", "password": "Test-password-123"})
    assert response.status_code == 200


def test_the_admin_login_locks_a_user_name_after_repeated_failures(lockout, client, security_officer):
    for _ in range(3):
        client.post("/admin/login/", {"username": "security", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "security", "password": "Test-password-123"})
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_failures_on_different_user_names(lockout, client, make_user):
    make_user(None, username="someone")
    for name in ("a", "b", "c"):
        client.post("/admin/login/", {"username": name, "password": "wrong"})
    response = client.post("/admin/login/", {"username": "someone", "password": "Test-password-123"})
    assert response.status_code == 429


def test_the_token_endpoint_is_locked_out_too(lockout, api_client, employee):
    for _ in range(3):
        api_client.post("/api/v1/auth/token/", {"username": "employee", "password": "wrong"})
    response = api_client.post("/api/v1/auth/token/", {"username": "employee", "password": "Test-password-123"})
    assert response.status_code == 429
    assert response.json()["detail"] == "Te veel mislukte pogingen; probeer het later opnieuw"


def test_the_token_endpoint_is_throttled(settings, monkeypatch, api_client, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token_login": "2/min", "anon": "60/min", "user": "60/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    # monkeypatch restores the class attribute, so later tests in this process are not throttled
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
    statuses = [
        api_client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_pages_carry_the_security_headers_and_a_strict_csp(client, db):
    response = client.get("/admin/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_only_the_api_docs_allow_inline_styles(client, auditor):
    client.force_login(auditor)
    assert "style-src 'self' 'unsafe-inline'" in client.get("/api/v1/docs/")["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]


def test_the_administrator_can_reset_a_lost_second_factor_and_a_lockout(client_as, administrator, security_officer):
    TOTPDevice.objects.create(user=security_officer, name="telefoon", confirmed=True)
    client = client_as(administrator)
    device = TOTPDevice.objects.get(user=security_officer)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=security_officer).exists()
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_an_auditor_cannot_reset_second_factors(client_as, auditor, security_officer):
    device = TOTPDevice.objects.create(user=security_officer, name="telefoon", confirmed=True)
    response = client_as(auditor).post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def _confirmed_device(user):  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)


def test_a_right_code_straight_after_a_wrong_one_says_how_long_to_wait(require_2fa, client_as, security_officer):
    device = _confirmed_device(security_officer)
    client = client_as(security_officer)
    wrong = client.post(reverse("two_factor"), {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "Deze code klopt niet of is al gebruikt" in wrong.content.decode()

    right = client.post(reverse("two_factor"), {"token": current_code(device)})
    assert right.status_code == 200
    html = right.content.decode()
    assert "Te veel pogingen. Probeer het over 1 seconde opnieuw." in html
    assert "klopt niet" not in html

    # once the wait is over (the failure moved back in time), the same code is accepted
    device.refresh_from_db()
    from datetime import timedelta

    device.throttling_failure_timestamp -= timedelta(seconds=5)
    device.save()
    accepted = client.post(reverse("two_factor"), {"token": current_code(device), "next": "/admin/"})
    assert accepted.status_code == 302 and accepted.url == "/admin/"


def test_the_wait_doubles_and_reads_in_english(require_2fa, client_as, security_officer, settings):
    from django.utils import timezone

    device = _confirmed_device(security_officer)
    device.throttling_failure_count = 2  # two wrong codes: wait 2 seconds
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    client = client_as(security_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post(reverse("two_factor"), {"token": current_code(device)}).content.decode()
    assert "Too many attempts. Try again in 2 seconds." in html
    assert "pogingen" not in html
