"""A realistic mix against gunicorn and PostgreSQL (see scripts/loadtest/run.sh):
security officers working in the admin and the API, auditors reading reports and
exporting lists, and the SOC supplier posting detections (new ones and repeats)."""

from __future__ import annotations

import os
import random
import uuid
from datetime import UTC, datetime

from locust import HttpUser, between, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "Waarborg-demo-2021")
TOKENS = {name: os.environ.get(f"TOKEN_{name.upper()}", "") for name in ("security", "auditor", "soc")}


class SecurityOfficer(HttpUser):
    """Works in the admin (session) and the API (token)."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.get("/admin/login/", name="admin login page")
        csrf = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/admin/login/?next=/admin/",
            {"username": "security", "password": PASSWORD, "csrfmiddlewaretoken": csrf, "next": "/admin/"},
            headers={"Referer": f"{self.host}/admin/login/"},
            name="admin login",
        )
        self.api = {"Authorization": f"Token {TOKENS['security']}"}

    @task(3)
    def incident_list(self) -> None:
        self.client.get("/admin/incidents/incident/?status__exact=follow_up", name="admin incidents")

    @task(2)
    def takedown_list(self) -> None:
        self.client.get("/admin/incidents/phishingtakedown/", name="admin takedowns")

    @task(2)
    def overdue_checks(self) -> None:
        self.client.get("/api/v1/checks/?overdue=true", headers=self.api, name="api overdue checks")

    @task(1)
    def fraud_removals(self) -> None:
        self.client.get("/api/v1/fraud-account-removals/", headers=self.api, name="api fraud removals")

    @task(1)
    def raise_action(self) -> None:
        self.client.post(
            "/api/v1/actions/",
            {"title": f"Actie {uuid.uuid4().hex[:8]}", "owner": 2, "due_date": "2027-01-31"},
            headers=self.api,
            name="api create action",
        )


class Auditor(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.api = {"Authorization": f"Token {TOKENS['auditor']}"}

    @task(2)
    def annual_report(self) -> None:
        self.client.get(f"/api/v1/reports/annual/{random.choice([2020, 2021])}/", headers=self.api, name="api annual")

    @task(2)
    def export_incidents(self) -> None:
        self.client.get("/api/v1/incidents/?format=csv&closed_year=2021", headers=self.api, name="export incidents csv")

    @task(1)
    def history(self) -> None:
        self.client.get("/api/v1/history/?model=incidents.incident", headers=self.api, name="api history")


class SocSupplier(HttpUser):
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.api = {"Authorization": f"Token {TOKENS['soc']}"}
        self.sent: list[str] = []

    @task(4)
    def new_detection(self) -> None:
        reference = f"LOAD-{uuid.uuid4().hex[:12]}"
        self.sent.append(reference)
        self._post(reference, "soc new detection")

    @task(1)
    def repeated_detection(self) -> None:
        if self.sent:
            self._post(random.choice(self.sent), "soc repeated detection")

    def _post(self, reference: str, name: str) -> None:
        now = datetime.now(UTC).isoformat()
        payload = {"reference": reference, "title": "Verdachte inlogpogingen", "category": "misuse",
                   "severity": "medium", "detected_at": now, "services": ["digid"]}  # fmt: skip
        self.client.post("/api/v1/soc/detections/", json=payload, headers=self.api, name=name)
