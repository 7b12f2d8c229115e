"""One login page for every role: employees are not staff, so the admin's login is not theirs."""

import pytest

from accounts import roles


@pytest.fixture
def lotte(make_user):
    return make_user(roles.EMPLOYEE, username="lotte")


def test_an_employee_logs_in_and_reaches_the_workshop_calendar(client, lotte):
    response = client.post(
        "/account/login/", {"username": "lotte", "password": "Test-password-123", "next": "/workshops/"}
    )
    assert response.status_code == 302 and response["Location"] == "/workshops/"
    assert client.get("/workshops/").status_code == 200


def test_a_wrong_password_is_refused_with_a_clear_message(client, lotte):
    response = client.post("/account/login/", {"username": "lotte", "password": "wrong"})
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_send_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/checks/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_a_writing_role_logging_in_is_asked_for_the_second_factor(settings, client, make_user):
    settings.WAARBORG_REQUIRE_2FA = True
    make_user(roles.SECURITY_OFFICER, username="sanne")
    client.post("/account/login/", {"username": "sanne", "password": "Test-password-123"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/")


def test_the_login_page_is_locked_out_like_the_admin(settings, client, lotte):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/account/login/", {"username": "lotte", "password": "wrong"})
    response = client.post("/account/login/", {"username": "lotte", "password": "Test-password-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, lotte):
    client.force_login(lotte)
    assert client.post("/account/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
