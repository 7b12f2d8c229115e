"""Issue 11, items 4 and 5: the lockout.

A successful login resets only that account's failures, not those of other accounts from the
same address; behind a reverse proxy the lockout counts per client address (as the proxy saw
it), not per proxy, and a client cannot choose its own address by writing X-Forwarded-For."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from .conftest import PASSWORD

LOGIN = "/account/login/"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def lockout(settings):  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def login(client: Client, username: str, password: str, **meta: str) -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, **meta)
    client.logout()
    return response.status_code


def test_someone_elses_success_does_not_reset_an_accounts_failures(make_user):
    """Four wrong passwords for A plus one right login for B, three times over: A is locked."""
    make_user(None, username="victim")
    make_user(None, username="accomplice")
    client = Client()
    for _round in range(3):
        for guess in range(4):
            login(client, "victim", f"Geraden-{guess}-{_round}")
        login(client, "accomplice", PASSWORD)
    assert login(Client(), "victim", PASSWORD) == 429
    assert sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="victim")) >= 5


def test_a_success_still_resets_that_accounts_own_failures(make_user):
    make_user(None, username="forgetful")
    client = Client()
    for guess in range(4):
        assert login(client, "forgetful", f"Vergeten-{guess}") == 200
    assert login(client, "forgetful", PASSWORD) == 302
    assert not AccessAttempt.objects.filter(username="forgetful").exists()
    for guess in range(4):
        assert login(client, "forgetful", f"Weer-vergeten-{guess}") == 200
    assert login(client, "forgetful", PASSWORD) == 302


def test_behind_a_proxy_one_attacker_does_not_lock_everyone_out(settings, make_user):
    settings.WAARBORG_PROXY_COUNT = 1
    make_user(None, username="colleague")
    make_user(None, username="attacker")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for name in ("a", "b", "c", "d", "e"):
        login(Client(), name, "wrong", **attacker)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert login(Client(), "colleague", PASSWORD, **colleague) == 302
    assert login(Client(), "attacker", PASSWORD, **attacker) == 429  # the attacker's own address is locked


def test_a_client_cannot_choose_its_address_by_writing_x_forwarded_for(settings, make_user):
    """The proxy appends the address it saw; what the client wrote stays on the left."""
    settings.WAARBORG_PROXY_COUNT = 1
    make_user(None, username="attacker")
    for n in range(5):
        login(Client(), f"guess{n}", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.7"}
    assert login(Client(), "attacker", PASSWORD, **spoofed) == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.7", PROXY, PROXY),  # no proxy configured: the header is ignored
        (1, "203.0.113.7", PROXY, "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", PROXY, "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", PROXY, "203.0.113.7"),
        (1, "", PROXY, PROXY),  # reached without passing the proxy
        (1, "not-an-address", PROXY, PROXY),
    ],
)
def test_the_client_address_behind_proxies(settings, count, forwarded, remote, expected):
    from accounts.middleware import client_ip

    settings.WAARBORG_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
