from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts import roles
from config.settings import email_settings
from organisation.models import Availability, Person, Service


def counts():
    return (
        get_user_model().objects.count(),
        Person.objects.count(),
        Service.objects.count(),
        Availability.objects.count(),
    )


def test_load_demo_is_idempotent_and_prints_a_login_per_role(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    printed = out.getvalue()
    for label in roles.ROLES.values():
        assert str(label) in printed
    assert "Waarborg-demo-2021" in printed


def test_every_demo_user_has_a_role_and_a_manager_chain_that_ends(db):
    call_command("load_demo", stdout=StringIO())
    for person in Person.objects.select_related("user"):
        assert person.user.groups.exists(), person
        seen = set()
        while person.manager_id:
            assert person.pk not in seen
            seen.add(person.pk)
            person = person.manager


def test_demo_users_can_log_in_with_the_printed_password(client, db):
    call_command("load_demo", stdout=StringIO())
    assert client.login(username="auditor", password="Waarborg-demo-2021")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("locmem://", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
        (
            "file:///var/mail/waarborg",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/mail/waarborg",
            },
        ),
    ],
)
def test_email_url_selects_the_backend(url, expected):
    assert email_settings(url) == expected


def test_email_url_reads_smtp_credentials_and_tls():
    result = email_settings("smtp://mailer:p%40ss@smtp.example:587?tls=1")
    assert result["EMAIL_HOST"] == "smtp.example"
    assert result["EMAIL_PORT"] == 587
    assert (result["EMAIL_HOST_USER"], result["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss")
    assert (result["EMAIL_USE_TLS"], result["EMAIL_USE_SSL"]) == (True, False)


def test_an_unknown_email_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings("pigeon://loft")


def test_the_defaults_speak_dutch_in_amsterdam(settings):
    assert settings.LANGUAGE_CODE == "nl"
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]


def test_the_admin_speaks_dutch_first_and_english_on_request(client, db):
    assert "Gebruikersnaam" in client.get("/admin/login/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Username" in client.get("/admin/login/").content.decode()


def test_load_demo_tells_each_role_where_to_start_and_each_start_page_opens_for_it(db, client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    for user in get_user_model().objects.filter(
        username__in=["security", "privacy", "workshops", "auditor", "medewerker", "beheerder"]
    ):
        start = roles.START_PAGES[user.groups.get().name]
        assert f"starts at {start}" in next(line for line in printed.splitlines() if f" {user.username} " in line)
        client.force_login(user)
        assert client.get(start).status_code == 200, (user.username, start)
