"""Browser journeys: headless Chromium (Debian's, driven by pytest-playwright) against a real
Waarborg: gunicorn and a Celery worker (Redis broker) as subprocesses, on a PostgreSQL test
database that pytest-django creates and `load_demo` fills. Run with `make e2e`.

Every journey goes through the `journey` fixture, which fails the test on any 4xx/5xx response,
console error or Content Security Policy violation, scans every page it settles on with axe-core
(violations not listed in axe_exceptions.py fail), keeps a screenshot when a test fails and
writes one report of all accessibility findings at the end."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from tests.e2e import axe_exceptions

# The Playwright sync API runs an event loop in this thread; the fixtures below use the ORM
# only to prepare data, never concurrently with the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(settings.BASE_DIR)
ARTIFACTS = BASE_DIR / "var" / "e2e-artifacts"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
BROKER = os.environ.get("E2E_CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "Waarborg-demo-2021"  # the demo users' password (organisation/demo.py)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # without these Chromium calls Google hosts, which this network refuses
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}
# Console errors the pages have today, each with its reason (page path, message, reason).
# The CSP blocks them; listed here so the journeys stay green until they are fixed.
KNOWN_CONSOLE_ERRORS = [
    (
        r"^/admin/",
        r"Applying inline style violates the following Content Security Policy directive 'style-src 'self''",
        "the Django admin's own scripts set style attributes (inline formsets, related-object "
        "links); the strict CSP blocks them without loss of function (issue 13: admin theme)",
    ),
]
# E2E_AXE_RECORD=1 lists every accessibility finding without failing (to review the exceptions).
AXE_RECORD_ONLY = os.environ.get("E2E_AXE_RECORD") == "1"


# --------------------------------------------------------------------------- server and worker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest-django creates only the test databases that collected tests ask for: each journey
    asks for the default one (the ORM is used only to prepare data; the server commits its own)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.django_db)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, what: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text()[-4000:]}")
        if check():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not start:\n{log.read_text()[-4000:]}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def e2e_database(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The test database (PostgreSQL), migrated by pytest-django and filled with the demo; the
    demo's evidence files go to a media folder that the server and worker then use."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    if connection.vendor != "postgresql":
        pytest.skip("the browser journeys run against PostgreSQL: make e2e")
    media = tmp_path_factory.mktemp("e2e-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        from tests.e2e import data

        data.prepare()
        connection.close()
    yield {**connection.settings_dict, "MEDIA_ROOT": str(media)}
    # the tests' own connection must be gone before pytest-django drops the database
    from django.db import connections

    connections.close_all()


@pytest.fixture
def ids(e2e_database: dict[str, Any]) -> dict[str, int]:
    """Primary keys of the records prepared for the journeys (tests/e2e/data.py)."""
    from tests.e2e import data

    return data.IDS


@pytest.fixture(scope="session")
def live_url(e2e_database: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn and a Celery worker on the test database; yields the server's base URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (make e2e does)")
    if not AXE_JS.exists():
        pytest.skip("no axe-core: npm ci (make install does)")
    db = e2e_database
    port = _free_port()
    work = tmp_path_factory.mktemp("e2e-server")
    static_root = work / "static"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"WAARBORG_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"}
    }
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=db["MEDIA_ROOT"],
        # a dossier of more than ten files is built by the worker (the auditor's journey)
        DOSSIER_SYNC_MAX_FILES="10",
        WAARBORG_VAR_DIR=str(work / "var"),
        SITE_URL=f"http://127.0.0.1:{port}",
        CELERY_BROKER_URL=BROKER,
        CELERY_RESULT_BACKEND="",
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=f"file://{work / 'mail'}",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server_log = ARTIFACTS / "server.log"
    worker_log = ARTIFACTS / "worker.log"
    with server_log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--timeout", "120", "--access-logfile", "-"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with worker_log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"e2e-{os.getpid()}@%h"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _http_ok(f"{base}/health/"), "gunicorn", server, server_log)
        _wait_for(lambda: "ready." in worker_log.read_text(), "the Celery worker", worker, worker_log)
        yield base
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


# --------------------------------------------------------------------------- accessibility report

_AXE_FINDINGS: list[dict[str, Any]] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _AXE_FINDINGS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(_AXE_FINDINGS, indent=2, ensure_ascii=False))
    lines = [
        f"{'NEW ' if not f['excepted'] else ''}{f['rule']} {f['impact']} {f['target']} on {f['page']} ({f['journey']})"
        for f in _AXE_FINDINGS
    ]
    (ARTIFACTS / "axe-report.txt").write_text("\n".join(lines) + "\n")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --------------------------------------------------------------------------- the journey


_SECRETS: dict[str, str] = {}  # username -> TOTP secret read at enrolment
_LAST_STEP: dict[str, int] = {}  # username -> last TOTP time step used (a code works once)
PASSWORDS: dict[str, str] = {}  # users made by a journey; the demo users have PASSWORD
_STATES: dict[str, dict[str, Any]] = {}  # username -> logged-in storage state


def totp_code(username: str) -> str:
    """The current code of the user's authenticator, never the same time step twice."""
    from django_otp.oath import TOTP

    step = int(time.time()) // 30
    if _LAST_STEP.get(username) == step:
        time.sleep(30 - time.time() % 30 + 0.5)
    totp = TOTP(b32decode(_SECRETS[username] + "=" * (-len(_SECRETS[username]) % 8)))
    _LAST_STEP[username] = totp.t()
    return f"{totp.token():06d}"


# Common English interface words that a Dutch page must not show (matched as whole words, in
# the case they are written here). Words that are Dutch as well ("Filter", "of", "is", "in",
# "Status", "Export", "was", "Object") are not in the list.
ENGLISH_WORDS = {
    "the", "and", "with", "from", "this", "that", "your", "you", "are", "not", "for",
    "Choose", "Add", "Save", "Delete", "History", "Search", "None", "Yes", "No", "Today", "Now",
    "Select", "Change", "View", "Show", "Hide", "Remove", "Date", "Time", "Clear", "Cancel",
    "Close", "Log", "Home", "Welcome", "Actions", "Action", "Changes", "Field", "From", "To",
    "Next", "Previous", "Page", "results", "total", "selected", "Forbidden", "Found", "Error",
    "True", "False", "Unknown", "User", "Resource", "review",
}  # fmt: skip
# Proper names and words of the demo data that happen to be English.
ENGLISH_ALLOWED: set[str] = set()


class Journey:
    """One role's browser tab with its guards; every page it settles on is scanned by axe."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page = page
        self.base = base_url
        self.name = name
        self.problems: list[str] = []
        self.allowed_statuses: set[tuple[int, str]] = set()
        self.scanned: set[str] = set()
        self.new_violations: list[str] = []
        self.english_checked: set[str] = set()
        page.set_default_timeout(10_000)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))

    # guards
    def _on_response(self, response: Any) -> None:
        if response.status < 400:
            return
        path = response.url.removeprefix(self.base)
        if any(status == response.status and re.search(pattern, path) for status, pattern in self.allowed_statuses):
            return
        self.problems.append(f"HTTP {response.status} on {response.request.method} {path}")

    def _on_console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            if str((message.location or {}).get("url", "")).endswith("/favicon.ico"):
                return  # the browser asks for a favicon by itself; the site has none
            page_path = self.path
            if any(re.search(p, page_path) and re.search(m, message.text) for p, m, _r in KNOWN_CONSOLE_ERRORS):
                return
            if any(re.search(pattern, message.text) for _s, pattern in self.allowed_statuses):
                return  # the browser's own note of an expected refusal
            self.problems.append(f"console {message.type} on {self.page.url}: {message.text}")

    def expect_status(self, status: int, path_pattern: str) -> None:
        """A refusal this journey tries on purpose (only that status on that path passes)."""
        self.allowed_statuses.add((status, path_pattern))
        self.allowed_statuses.add((status, rf"status of {status}"))

    # navigation
    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}{path}"

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.url(path))
        self.settle()
        return response

    def click(self, locator: Any) -> None:
        """Click something that loads a page, then wait for it and scan it."""
        with self.page.expect_navigation():
            locator.click()
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_load_state("load")
        self.axe()
        self.no_english()

    # language
    def no_english(self) -> None:
        """A Dutch page shows no common English interface word (whole words, case as shown)."""
        if self.page.url in self.english_checked:
            return
        self.english_checked.add(self.page.url)
        if self.page.evaluate("document.documentElement.lang") != "nl":
            return
        text = self.page.evaluate("document.body.innerText")
        words = set(re.findall(r"[A-Za-z]+", text))
        found = sorted((words & ENGLISH_WORDS) - ENGLISH_ALLOWED)
        if found:
            key = re.sub(r"/\d+/", "/<id>/", self.path.split("?")[0])
            self.problems.append(f"English on the Dutch page {key}: {', '.join(found)}")

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base)

    # accessibility
    def axe(self) -> None:
        page_key = re.sub(r"/\d+/", "/<id>/", self.path.split("?")[0])
        if self.page.url in self.scanned:
            return
        self.scanned.add(self.page.url)
        # The strict CSP refuses an injected <script> (page.add_script_tag); evaluated from
        # the tools side axe runs without the page allowing anything.
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_JS.read_text())
        result = self.page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' '))})))""",
            AXE_TAGS,
        )
        for violation in result:
            for target in violation["nodes"]:
                reason = axe_exceptions.reason_for(violation["id"], target, page_key)
                _AXE_FINDINGS.append(
                    {"journey": self.name, "page": page_key, "rule": violation["id"], "impact": violation["impact"],
                     "help": violation["help"], "target": target, "excepted": reason is not None}
                )  # fmt: skip
                if reason is None:
                    self.new_violations.append(f"{violation['id']} ({violation['help']}) at {target} on {page_key}")

    # screenshots
    def screenshot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', label)}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    # login
    def log_in(self, username: str, next_path: str = "/") -> None:
        """Through the login page and the second factor: enrol at the first login (the secret
        is read from the enrolment page), verify with a fresh code after that."""
        self.goto(f"/account/login/?next={next_path}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORDS.get(username, PASSWORD))
        self.click(self.page.get_by_role("button", name="Inloggen"))
        if "/account/2fa/" in self.page.url:
            secret = self.page.locator("figcaption code")
            if secret.count():
                _SECRETS[username] = secret.inner_text().strip()
            assert username in _SECRETS, f"{username} has a second factor this session did not enrol"
            self.page.fill("#id_token", totp_code(username))
            self.click(self.page.get_by_role("button", name="Bevestigen"))
            if self.page.locator(".codes code").count():
                expect(self.page.locator(".codes code")).to_have_count(10)
                self.click(self.page.get_by_role("link", name="Verder"))
        assert "/account/" not in self.page.url, f"{username} is not logged in: {self.page.url}"

    def check(self) -> None:
        problems = list(self.problems)
        if self.new_violations and not AXE_RECORD_ONLY:
            problems.append(
                "accessibility violations not listed in tests/e2e/axe_exceptions.py:\n  "
                + "\n  ".join(sorted(set(self.new_violations)))
            )
        assert not problems, "\n".join(problems)


@pytest.fixture
def journey(live_url: str, browser: Browser, browser_context_args: dict[str, Any], request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """journey(username) -> a logged-in Journey (a fresh tab per user; the login itself is
    done once per user through the real pages, later tabs reuse its session)."""
    opened: list[tuple[Any, Journey]] = []
    tabs: list[Journey] = []
    request.node._journeys = tabs

    def open_as(username: str | None = None, start: str = "/") -> Journey:
        state = _STATES.get(username) if username else None
        context = browser.new_context(**browser_context_args, storage_state=state)
        page = context.new_page()
        tab = Journey(page, live_url, f"{request.node.name}[{username or 'anonymous'}]")
        opened.append((context, tab))
        tabs.append(tab)
        if username and state is None:
            tab.log_in(username, start)
            _STATES[username] = context.storage_state()
        else:
            tab.goto(start)
        return tab

    yield open_as
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and not report.passed:
            for _context, tab in opened:
                tab.screenshot(f"FAILED-{request.node.name}-{tab.name}")
    finally:
        for context, _tab in opened:
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):  # type: ignore[no-untyped-def]
    """After the journey itself: its guards (responses, console, CSP, axe) decide as well."""
    result = yield
    for tab in getattr(item, "_journeys", []):
        tab.check()
    return result
