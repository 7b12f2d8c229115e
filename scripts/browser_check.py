"""Click through a running Waarborg in a real browser (headless Chromium, driven by
Playwright) as several roles: log in, enrol two-factor where the role needs it, open the main
pages, take a screenshot of each, and fail on any Content Security Policy violation or any
error status.

    make run                                   # in another terminal
    python3 -m venv var/pw && var/pw/bin/pip install playwright==1.65.2
    var/pw/bin/python scripts/browser_check.py  # screenshots in var/screenshots/
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PASSWORD = os.environ.get("DEMO_PASSWORD", "Waarborg-demo-2021")
OUT = Path(os.environ.get("SCREENSHOTS", "var/screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

PAGES = {
    "security": ["/", "/admin/", "/admin/compliance/controlcheck/", "/admin/incidents/incident/",
                 "/admin/incidents/fraudaccountremoval/", "/dashboard/?year=2021", "/reports/annual/2021/",
                 "/api/v1/docs/"],
    "auditor": ["/reports/annual/2021/", "/dashboard/?year=2021", "/admin/auditlog/logentry/"],
    "privacy": ["/admin/privacy/databreach/", "/admin/privacy/processingactivity/", "/admin/privacy/dpia/"],
    "medewerker": ["/", "/workshops/", "/checks/mine/"],
}  # fmt: skip


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 30-second steps, six digits (what the enrolment page sets up)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def log_in(page: Page, username: str) -> None:
    page.goto(f"{BASE}/account/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    if "/account/login/" in page.url:
        raise SystemExit(f"FAIL: {username} could not log in")
    if "/account/2fa/" in page.url:
        secret = page.locator("figcaption code").inner_text() if page.locator("figcaption code").count() else None
        if secret is None:
            raise SystemExit(f"{username} has a device already; use a fresh database")
        page.screenshot(path=OUT / f"{username}-2fa-enrol.png", full_page=True)
        page.fill("#id_token", totp(secret))
        page.press("#id_token", "Enter")
        page.wait_for_load_state()
        page.screenshot(path=OUT / f"{username}-2fa-codes.png", full_page=True)
        if page.locator(".codes code").count() != 10:
            raise SystemExit(f"FAIL: {username}'s two-factor enrolment did not finish")


def _note_csp(text: str, violations: list[str]) -> None:
    if "Content Security Policy" in text:
        violations.append(text)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        for username, paths in PAGES.items():
            context = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 900})
            page = context.new_page()
            violations: list[str] = []
            page.on("console", lambda m, v=violations, pg=page: _note_csp(f"{pg.url}: {m.text}", v))
            log_in(page, username)
            for path in paths:
                response = page.goto(f"{BASE}{path}")
                page.wait_for_load_state("networkidle")
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                page.screenshot(path=OUT / f"{username}-{name}.png", full_page=True)
                status = response.status if response else 0
                print(f"{username:<11} {status} {path}")
                if status >= 400:
                    problems.append(f"{username} {path}: HTTP {status}")
                if "/account/" in page.url:
                    problems.append(f"{username} {path}: sent to {page.url} instead")
            problems += [f"{username}: CSP violation: {v}" for v in violations]
            context.close()
        browser.close()
    for problem in problems:
        print("FAIL", problem)
    print(f"{len(problems)} problems; screenshots in {OUT}/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
