"""Actions on the record's own page: accept and reject a check, move an incident by its
buttons (the transition sets its own moment; another moment only with a reason, on the
timeline), escalate it to a calamity from its page, report a breach to the AP or decide not
to, and move a DPIA. Each as the permitted role, and refused to another role, crafted POSTs
included."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from compliance.controls import submit_check
from compliance.models import CheckStatus, Control, ControlCheck, Frequency
from incidents.choices import Status
from incidents.models import Calamity, Incident, TimelineEntry
from privacy.models import DPIA, DataBreach, ProcessingActivity

# --- checks ---------------------------------------------------------------------------


@pytest.fixture
def submitted(db, make_user, security_officer) -> ControlCheck:  # type: ignore[no-untyped-def]
    """A check submitted by another security officer (four eyes: the fixture officer reviews)."""
    submitter = make_user("Security officer", first_name="Sanne", last_name="Indiener")
    control = Control.objects.create(
        code="AC-01",
        title="Toegang",
        owner=submitter,
        frequency=Frequency.YEARLY,
        test_method="Lijst",
        start_date=date(2021, 1, 1),
        evidence_required=False,
    )
    check = control.checks.order_by("period_start").first()
    return submit_check(check, submitter, "effective", "In orde")


def test_a_reviewer_accepts_on_the_checks_page(client, security_officer, submitted) -> None:  # type: ignore[no-untyped-def]
    client.force_login(security_officer)
    page = client.get(f"/checks/{submitted.pk}/").content.decode()
    assert f'action="/checks/{submitted.pk}/accept/"' in page and f'action="/checks/{submitted.pk}/reject/"' in page
    assert "Sanne Indiener" in page
    client.post(f"/checks/{submitted.pk}/accept/", {"note": "Gezien"})
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.ACCEPTED and submitted.reviewed_by == security_officer
    assert submitted.review_note == "Gezien"


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(client, security_officer, submitted) -> None:  # type: ignore[no-untyped-def]
    client.force_login(security_officer)
    response = client.post(f"/checks/{submitted.pk}/reject/", {"note": "  "}, follow=True)
    assert "Geef de reden van afkeuren" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.SUBMITTED
    client.post(f"/checks/{submitted.pk}/reject/", {"note": "Bewijs ontbreekt"})
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.REJECTED and submitted.review_note == "Bewijs ontbreekt"


def test_the_submitter_gets_no_buttons_and_a_crafted_accept_is_refused(client, submitted) -> None:  # type: ignore[no-untyped-def]
    submitter = submitted.submitted_by
    client.force_login(submitter)
    assert "/accept/" not in client.get(f"/checks/{submitted.pk}/").content.decode()
    response = client.post(f"/checks/{submitted.pk}/accept/", follow=True)
    assert "niet de indiener zijn" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.SUBMITTED


def test_an_owner_without_the_review_right_is_refused(client, employee, submitted) -> None:  # type: ignore[no-untyped-def]
    ControlCheck.objects.filter(pk=submitted.pk).update(evidence_owner=employee)
    client.force_login(employee)
    assert "/accept/" not in client.get(f"/checks/{submitted.pk}/").content.decode()
    assert client.post(f"/checks/{submitted.pk}/accept/").status_code == 403
    assert client.post(f"/checks/{submitted.pk}/reject/", {"note": "nee"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.SUBMITTED


def test_accept_needs_post(client, security_officer, submitted) -> None:  # type: ignore[no-untyped-def]
    client.force_login(security_officer)
    assert client.get(f"/checks/{submitted.pk}/accept/").status_code == 405


def test_the_check_admin_page_has_the_review_buttons(client, security_officer, auditor, submitted) -> None:  # type: ignore[no-untyped-def]
    url = f"/admin/compliance/controlcheck/{submitted.pk}/actie/afkeuren/"
    client.force_login(auditor)
    assert (
        "actie/accepteren" not in client.get(f"/admin/compliance/controlcheck/{submitted.pk}/change/").content.decode()
    )
    assert client.post(url, {"note": "nee"}).status_code == 403
    client.force_login(security_officer)
    page = client.get(f"/admin/compliance/controlcheck/{submitted.pk}/change/").content.decode()
    assert "actie/accepteren/" in page and "actie/afkeuren/" in page
    form = client.get(url).content.decode()
    assert "In orde" in form  # the submitter's conclusion, shown beside the decision
    assert client.post(url, {"note": ""}).status_code == 200  # the reason is required
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.SUBMITTED
    assert client.post(url, {"note": "Onvolledig"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CheckStatus.REJECTED


# --- incidents ------------------------------------------------------------------------


def make_incident(**fields: Any) -> Incident:
    now = timezone.now()
    values = {
        "title": "Storing DigiD",
        "category": "storing",
        "severity": "middel",
        "detection_source": "eigen_monitoring",
        "started_at": now - timedelta(hours=3),
        "detected_at": now - timedelta(hours=2),
        **fields,
    }
    return Incident.objects.create(**values)


def act(client: Any, incident: Incident, action: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"/admin/incidents/incident/{incident.pk}/actie/{action}/", data or {})


def test_an_incident_is_walked_to_closed_by_its_buttons(client, security_officer) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident()
    client.force_login(security_officer)
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "actie/status-triage/" in page and "actie/status-closed/" not in page
    for status in ["triage", "resolved", "closed"]:
        assert act(client, incident, f"status-{status}", {"note": ""}).status_code == 302, status
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert timezone.now() - incident.resolved_at < timedelta(minutes=1)
    assert timezone.now() - incident.closed_at < timedelta(minutes=1)


def test_a_transition_not_allowed_now_is_refused(client, security_officer) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident()
    client.force_login(security_officer)
    assert act(client, incident, "status-closed").status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW and incident.closed_at is None


def test_another_moment_needs_a_reason_which_lands_on_the_timeline(client, security_officer) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(status="triage")
    client.force_login(security_officer)
    earlier = timezone.localtime(timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    stamp = earlier.strftime("%Y-%m-%d %H:%M")
    response = act(client, incident, "status-resolved", {"at": stamp, "reason": ""})
    assert response.status_code == 200 and "Geef de reden voor een ander tijdstip" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.TRIAGE and incident.resolved_at is None

    future = timezone.localtime(timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    response = act(client, incident, "status-resolved", {"at": future, "reason": "typfout"})
    assert "in de toekomst" in response.content.decode()

    assert (
        act(client, incident, "status-resolved", {"at": stamp, "reason": "Storing was eerder voorbij"}).status_code
        == 302
    )
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.resolved_at == earlier
    assert TimelineEntry.objects.filter(incident=incident, text__contains="Storing was eerder voorbij").exists()


def test_escalating_from_the_incident_shows_the_proposal_and_declares(client, security_officer) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(citizens_affected=250_000)
    client.force_login(security_officer)
    assert "actie/calamiteit/" in client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    form = client.get(f"/admin/incidents/incident/{incident.pk}/actie/calamiteit/").content.decode()
    assert "Voorstel: opschalen naar calamiteit" in form and "250000 burgers en bedrijven getroffen" in form
    assert act(client, incident, "calamiteit", {"level": "tactical", "reason": ""}).status_code == 200
    assert not Calamity.objects.exists()
    assert act(client, incident, "calamiteit", {"level": "tactical", "reason": "Landelijke uitval"}).status_code == 302
    calamity = Calamity.objects.get(incident=incident)
    assert calamity.level == "tactical" and calamity.declared_by == security_officer
    # declared once: the button becomes "raise the level", a second declaration is refused
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "actie/calamiteit-opschalen/" in page and "actie/calamiteit/" not in page
    assert act(client, incident, "calamiteit", {"level": "strategic", "reason": "nog eens"}).status_code == 403
    assert (
        act(client, incident, "calamiteit-opschalen", {"level": "strategic", "reason": "Ketenbreed"}).status_code == 302
    )
    calamity.refresh_from_db()
    assert calamity.level == "strategic"


@pytest.mark.parametrize("role", ["auditor", "privacy_officer", "employee"])
def test_other_roles_get_no_incident_buttons_and_crafted_posts_fail(role, request, client, db) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(citizens_affected=250_000)
    client.force_login(request.getfixturevalue(role))
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert "actie/" not in page.content.decode()
    for action, data in [("status-triage", {}), ("calamiteit", {"level": "tactical", "reason": "x"})]:
        assert act(client, incident, action, data).status_code in (302, 403)
    incident.refresh_from_db()
    assert incident.status == Status.NEW and not Calamity.objects.exists()


# --- breaches -------------------------------------------------------------------------


def make_breach(make_user: Any, hours_ago: float = 5) -> DataBreach:
    return DataBreach.objects.create(
        reference="dl-001",
        title="Brief verkeerd verzonden",
        aware_at=timezone.now() - timedelta(hours=hours_ago),
        nature="Verkeerd verzonden brief",
        recorded_by=make_user(None),
    )


def breach_act(client: Any, breach: DataBreach, action: str, data: dict[str, Any]) -> Any:
    return client.post(f"/admin/privacy/databreach/{breach.pk}/actie/{action}/", data)


def test_the_privacy_officer_reports_a_breach_from_its_page(client, privacy_officer, make_user) -> None:  # type: ignore[no-untyped-def]
    breach = make_breach(make_user)
    client.force_login(privacy_officer)
    page = client.get(f"/admin/privacy/databreach/{breach.pk}/change/").content.decode()
    assert "actie/melden/" in page and "actie/niet-melden/" in page
    form = client.get(f"/admin/privacy/databreach/{breach.pk}/actie/melden/").content.decode()
    assert "Uiterste meldtermijn" in form and "nog 66 u" in form
    assert breach_act(client, breach, "melden", {"reference": "AP-2026-1"}).status_code == 302
    breach.refresh_from_db()
    assert breach.ap_reference == "AP-2026-1"
    assert timezone.now() - breach.reported_to_ap_at < timedelta(minutes=1)
    assert "actie/" not in client.get(f"/admin/privacy/databreach/{breach.pk}/change/").content.decode()
    assert breach_act(client, breach, "niet-melden", {"reasons": "toch niet"}).status_code == 403


def test_a_late_report_needs_the_reason_for_the_delay(client, privacy_officer, make_user) -> None:  # type: ignore[no-untyped-def]
    breach = make_breach(make_user, hours_ago=80)
    client.force_login(privacy_officer)
    response = breach_act(client, breach, "melden", {"reference": "AP-2026-2"})
    assert response.status_code == 200
    breach.refresh_from_db()
    assert breach.reported_to_ap_at is None
    assert breach_act(client, breach, "melden", {"reference": "AP-2026-2", "late_reason": "Weekend"}).status_code == 302


def test_deciding_not_to_report_needs_reasons(client, privacy_officer, make_user) -> None:  # type: ignore[no-untyped-def]
    breach = make_breach(make_user)
    client.force_login(privacy_officer)
    assert breach_act(client, breach, "niet-melden", {"reasons": ""}).status_code == 200
    breach.refresh_from_db()
    assert breach.not_reported_decided_at is None
    assert breach_act(client, breach, "niet-melden", {"reasons": "Geen risico: versleuteld"}).status_code == 302
    breach.refresh_from_db()
    assert breach.not_reported_reasons == "Geen risico: versleuteld" and breach.not_reported_decided_at


@pytest.mark.parametrize("role", ["security_officer", "auditor", "workshop_coordinator"])
def test_other_roles_cannot_report_a_breach(role, request, client, make_user) -> None:  # type: ignore[no-untyped-def]
    breach = make_breach(make_user)
    client.force_login(request.getfixturevalue(role))
    assert breach_act(client, breach, "melden", {"reference": "AP-X"}).status_code in (302, 403)
    assert breach_act(client, breach, "niet-melden", {"reasons": "x"}).status_code in (302, 403)
    breach.refresh_from_db()
    assert breach.reported_to_ap_at is None and breach.not_reported_decided_at is None


# --- DPIAs ----------------------------------------------------------------------------


@pytest.fixture
def dpia(db, make_user) -> DPIA:  # type: ignore[no-untyped-def]
    owner = make_user(None)
    activity = ProcessingActivity.objects.create(
        code="vw-1",
        name="Inloggen",
        controller_contact="Logius",
        dpo_contact="FG",
        registered_on=date(2021, 1, 1),
        owner=owner,
    )
    return DPIA.objects.create(title="DPIA DigiD", owner=owner, activity=activity)


def dpia_act(client: Any, dpia: DPIA, action: str, data: dict[str, Any]) -> Any:
    return client.post(f"/admin/privacy/dpia/{dpia.pk}/actie/{action}/", data)


def test_a_dpia_goes_from_draft_to_decided_by_its_buttons(client, privacy_officer, dpia) -> None:  # type: ignore[no-untyped-def]
    client.force_login(privacy_officer)
    assert "actie/review/" in client.get(f"/admin/privacy/dpia/{dpia.pk}/change/").content.decode()
    assert dpia_act(client, dpia, "review", {"note": ""}).status_code == 302
    assert dpia_act(client, dpia, "advies", {"advice": "Akkoord met maatregelen"}).status_code == 302
    assert (
        dpia_act(client, dpia, "besluit", {"decision": "proceed_with_measures", "notes": "Zo doen"}).status_code == 302
    )
    dpia.refresh_from_db()
    assert dpia.status == DPIA.Status.DECIDED and dpia.decided_on == timezone.localdate()
    assert dpia.transitions.count() == 3


def test_another_advice_date_needs_a_reason_on_the_timeline(client, privacy_officer, dpia) -> None:  # type: ignore[no-untyped-def]
    client.force_login(privacy_officer)
    dpia_act(client, dpia, "review", {})
    earlier = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = dpia_act(client, dpia, "advies", {"advice": "Akkoord", "on": earlier})
    assert response.status_code == 200 and "Geef de reden voor een andere datum" in response.content.decode()
    dpia.refresh_from_db()
    assert dpia.status == DPIA.Status.IN_REVIEW and not dpia.dpo_advice
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert dpia_act(client, dpia, "advies", {"advice": "Akkoord", "on": tomorrow, "reason": "x"}).status_code == 200
    ok = dpia_act(client, dpia, "advies", {"advice": "Akkoord", "on": earlier, "reason": "Advies per mail gegeven"})
    assert ok.status_code == 302
    dpia.refresh_from_db()
    assert dpia.dpo_advice_on.isoformat() == earlier
    assert "Advies per mail gegeven" in dpia.transitions.order_by("-pk").first().note


def test_a_step_the_dpia_is_not_ready_for_is_refused(client, privacy_officer, dpia) -> None:  # type: ignore[no-untyped-def]
    client.force_login(privacy_officer)
    assert dpia_act(client, dpia, "besluit", {"decision": "proceed"}).status_code == 403
    dpia.refresh_from_db()
    assert dpia.status == DPIA.Status.DRAFT


@pytest.mark.parametrize("role", ["auditor", "security_officer"])
def test_other_roles_cannot_move_a_dpia(role, request, client, dpia) -> None:  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(role))
    assert dpia_act(client, dpia, "review", {}).status_code in (302, 403)
    dpia.refresh_from_db()
    assert dpia.status == DPIA.Status.DRAFT and not dpia.transitions.exists()
