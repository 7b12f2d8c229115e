"""Single sign-on in a real browser (headless Chromium): what an HTTP client cannot show, such as
the Content Security Policy letting the logout reach the provider. Marker `e2e`, so it runs with
the browser journeys (`-m e2e tests/sso/test_sso_browser.py`), not in the normal suite."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

# The Playwright sync API runs an event loop in this thread; the ORM is used only around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


def test_login_and_logout_through_the_provider_in_a_browser(sso, live_server, page: Page):
    base = live_server.url
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{base}/account/login/")
    page.get_by_role("link", name="Inloggen met Testorganisatie").click()
    page.get_by_label("Gebruikersnaam").fill("sanne")
    page.get_by_label("Tweede factor").select_option("yes")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/$"))

    page.locator("form.logout button").click()
    # Waarborg's page moves on to the provider, which asks to confirm
    expect(page.get_by_role("heading", name="Uitloggen bij de provider?")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/account/login/"))

    # the provider's session is gone: the next login asks for the provider's form again
    page.get_by_role("link", name="Inloggen met Testorganisatie").click()
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
    assert [text for text in console if "Content Security Policy" in text] == []
