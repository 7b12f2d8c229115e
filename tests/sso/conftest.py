"""A real OpenID provider for the single sign-on tests: `node tests/sso/provider.mjs` (the certified
`oidc-provider` from npm) on a free port, with Waarborg's live server as its client.

Skipped, with the reason, when node or node_modules/oidc-provider is missing
(`npm ci --ignore-scripts` installs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "sso" / "provider.mjs"
CLIENT_SECRET = "waarborg-test-secret"
# roles as the provider's groups give them (OIDC_ROLE_MAPPING in the tests)
ROLE_MAPPING = "ciso-office=Security officer;fg=Privacyfunctionaris;iedereen=Medewerker;it-beheer=Beheerder"
ACCOUNTS = {
    "sanne": {"name": "Sanne de Vries", "email": "sanne@organisatie.example", "groups": ["ciso-office", "kantine"]},
    "piet": {"name": "Piet Jansen", "email": "piet@organisatie.example", "groups": ["fg"]},
    "mila": {"name": "Mila Bakker", "email": "mila@organisatie.example", "groups": ["iedereen"]},
    "kees": {"name": "Kees Smit", "email": "kees@organisatie.example", "groups": ["kantine"]},
    "beheer": {"name": "Bea Heer", "email": "beheer@organisatie.example", "groups": ["it-beheer"]},
    "beheer2": {"name": "Bert Heer", "email": "bert@organisatie.example", "groups": ["it-beheer", "iedereen"]},
    "jan": {"name": "Jan Vals", "email": "jan@elders.example", "groups": ["ciso-office"]},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    accounts_file: Path

    def set_groups(self, username: str, groups: list[str]) -> None:
        accounts = json.loads(self.accounts_file.read_text())
        accounts[username]["groups"] = groups
        self.accounts_file.write_text(json.dumps(accounts))


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):  # type: ignore[no-untyped-def]
    node = shutil.which("node")
    if node is None:
        pytest.skip("single sign-on tests need node (Node.js 20 or later) for the OpenID provider")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("single sign-on tests need node_modules/oidc-provider: run `npm ci --ignore-scripts`")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    accounts_file = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts_file.write_text(json.dumps(ACCOUNTS))
    client = {
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{live_server.url}/account/sso/callback/"],
        "post_logout_redirect_uris": [f"{live_server.url}/account/login/"],
    }
    config = {
        "port": port,
        "issuer": issuer,
        "accounts_file": str(accounts_file),
        "clients": [
            {"client_id": "waarborg", **client},
            # ID tokens meant for another application / from another issuer, validly signed
            {"client_id": "waarborg-aud", **client, "tamper": {"aud": "andere-applicatie"}},
            {"client_id": "waarborg-iss", **client, "tamper": {"iss": f"{issuer}/ander"}},
        ],
    }
    process = subprocess.Popen(
        [node, str(SCRIPT)],
        cwd=ROOT,
        env={**os.environ, "PROVIDER_CONFIG": json.dumps(config)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.poll() is not None else "no discovery document"
                pytest.fail(f"the OpenID provider did not start: {error[-2000:]}")
            time.sleep(0.1)
        yield Provider(issuer=issuer, accounts_file=accounts_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sso(settings, oidc_provider, live_server, transactional_db):  # type: ignore[no-untyped-def]
    """Waarborg configured for the test provider (client "waarborg"), second factor required."""
    from django.contrib.auth.models import Group

    from accounts import roles, sso

    for role in roles.ROLES:  # the live server's database is emptied between tests
        Group.objects.get_or_create(name=role)
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = "waarborg"
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ROLE_MAPPING = ROLE_MAPPING
    settings.OIDC_GROUP_CLAIM = "groups"
    settings.OIDC_MFA_AMR = ["mfa", "otp", "hwk"]
    settings.OIDC_MFA_ACR = []
    settings.OIDC_LOGIN_LABEL = "Testorganisatie"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.sso.SSOBackend"]
    settings.WAARBORG_REQUIRE_2FA = True
    sso.forget_provider()
    yield oidc_provider
    sso.forget_provider()
    oidc_provider.accounts_file.write_text(json.dumps(ACCOUNTS))


class Browser(requests.Session):
    """A requests session that logs in through the provider's forms."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def page(self, path: str) -> requests.Response:
        return self.get(urljoin(self.base, path), timeout=20)

    def sso_login(self, username: str, *, mfa: bool = False) -> requests.Response:
        """Start at Waarborg, fill in the provider's login form, follow everything back."""
        response = self.page("/account/sso/login/")
        assert "/interaction/" in response.url, f"expected the provider's login form, got {response.url}"
        return self.provider_form(response, username=username, mfa="yes" if mfa else "no")

    def provider_form(self, response: requests.Response, **fields: str) -> requests.Response:
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert action, response.text[:500]
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
        return self.post(urljoin(response.url, action.group(1)), data={**hidden, **fields}, timeout=20)

    def waarborg_post(self, path: str, data: dict[str, str] | None = None) -> requests.Response:
        self.page("/account/login/")  # a CSRF cookie
        token = self.cookies.get("csrftoken", domain="localhost.local") or self.cookies.get("csrftoken")
        return self.post(
            urljoin(self.base, path),
            data={"csrfmiddlewaretoken": token, **(data or {})},
            headers={"Referer": urljoin(self.base, path)},
            timeout=20,
        )

    def logged_in(self) -> bool:
        """Whether Waarborg's start page opens without a detour to the login page."""
        return "/account/login/" not in self.page("/").url


@pytest.fixture
def visitor(live_server):  # type: ignore[no-untyped-def]
    with Browser(live_server.url) as session:
        yield session
