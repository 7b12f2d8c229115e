from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Event
from incidents import services
from incidents.choices import Status, TimelineKind
from incidents.models import Calamity, FraudAccountRemoval, Incident, PhishingTakedown
from incidents.pseudonyms import pseudonymise_account

from .conftest import T0
from .test_api import _removals, _takedowns

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = [
    "incident",
    "timelineentry",
    "calamity",
    "ddosattack",
    "phishingtakedown",
    "misuseinvestigation",
    "fraudaccountremoval",
    "exercise",
    "lesson",
    "importbatch",
]
ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
def test_security_officers_and_auditors_see_every_incidents_changelist_and_nobody_else(role, model, request, client_as):
    user = request.getfixturevalue(role)
    response = client_as(user).get(f"/admin/incidents/{model}/")
    expected = {"security_officer": 200, "auditor": 200, "employee": 302}.get(role, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["security_officer", "auditor"])
def test_only_security_officers_may_add_incidents_in_the_admin(role, request, client_as):
    response = client_as(request.getfixturevalue(role)).get("/admin/incidents/incident/add/")
    assert response.status_code == (200 if role == "security_officer" else 403)


def _fresh(client_as, user):  # type: ignore[no-untyped-def]
    return client_as(type(user).objects.get(pk=user.pk))


@pytest.mark.parametrize(("model", "fill"), [("phishingtakedown", _takedowns), ("fraudaccountremoval", _removals)])
def test_the_big_changelists_count_no_more_than_the_limit_and_take_the_same_queries_for_few_and_many_rows(
    model, fill, security_officer, client_as, settings
):
    settings.INCIDENTS_ADMIN_COUNT_LIMIT = 100
    url = f"/admin/incidents/{model}/"
    fill(5)
    client = _fresh(client_as, security_officer)
    # 1 session, 2 user, 3-4 the user's and their groups' permissions, 5 COUNT over at most
    # limit+1 rows (LIMIT subquery), 6 the page (LIMIT 50); no full COUNT (show_full_result_count off)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    fill(150, start=5)
    client = _fresh(client_as, security_officer)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few) == len(many) == 6
    counts = [q["sql"] for q in many.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 101" in counts[0]
    assert response.context["cl"].result_count == 101  # the limit, not the 155 rows
    assert len(response.context["cl"].result_list) == 50
    paginator = response.content.decode().split('<p class="paginator">')[1].split("</p>")[0]
    assert "meer dan 100 " in paginator and "101" not in paginator
    # the action bar says the same: no "Alle 101 geselecteerd" for a list that stopped counting
    actions = response.content.decode().split('<div class="actions">')[1].split("</div>")[0]
    assert "meer dan 100" in actions and "101" not in actions


def test_the_incident_changelist_takes_the_same_queries_for_few_and_many_rows(
    make_incident, security_officer, client_as
):
    for _ in range(2):
        make_incident(owner=security_officer)
    client = _fresh(client_as, security_officer)
    # session, user, 2 permissions, COUNT (page), COUNT (full), the page with owner and calamity joined
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/incidents/incident/").status_code == 200
    for _ in range(10):
        incident = make_incident(owner=security_officer)
        services.declare_calamity(incident, "tactical", "reden", security_officer)
    client = _fresh(client_as, security_officer)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/admin/incidents/incident/").status_code == 200
    assert len(few) == len(many) == 7


def _form(incident: Incident, **changes: object) -> dict[str, object]:
    data = {
        "title": incident.title,
        "description": "",
        "category": incident.category,
        "severity": incident.severity,
        "status": incident.status,
        "owner": incident.owner_id or "",
        "detection_source": incident.detection_source,
        "supplier_reference": "",
        "started_at_0": "2021-07-14",
        "started_at_1": "09:00:00",
        "detected_at_0": "2021-07-14",
        "detected_at_1": "09:10:00",
        "comment": "",
        **{
            f"{prefix}-{k}": v
            for prefix in ("timeline", "calamity", "compliance-followupaction-source_type-source_id")
            for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
        },
    }
    data.update(changes)
    return data


def test_a_status_change_in_the_admin_lands_on_the_timeline_with_who_and_a_comment(
    make_incident, security_officer, client_as
):
    incident = make_incident()
    response = client_as(security_officer).post(
        f"/admin/incidents/incident/{incident.pk}/change/", _form(incident, status="triage", comment="SOC kijkt mee")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = incident.timeline.get(kind=TimelineKind.STATUS)
    assert (entry.from_value, entry.to_value, entry.actor) == ("new", "triage", security_officer)
    assert incident.timeline.get(kind=TimelineKind.COMMENT).text == "SOC kijkt mee"


def test_closing_straight_from_new_in_the_admin_is_refused_and_changes_nothing(
    make_incident, security_officer, client_as
):
    incident = make_incident()
    response = client_as(security_officer).post(
        f"/admin/incidents/incident/{incident.pk}/change/", _form(incident, status="closed")
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert Incident.objects.get(pk=incident.pk).status == Status.NEW


def test_a_resolution_typed_into_the_admin_is_not_taken(make_incident, security_officer, client_as):
    """resolved_at is set by the transition to resolved: the admin shows it read-only and
    ignores a value posted for it (before the start or not)."""
    incident = make_incident(status=Status.FOLLOW_UP)
    client = client_as(security_officer)
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert 'name="resolved_at_0"' not in page.content.decode()
    client.post(
        f"/admin/incidents/incident/{incident.pk}/change/",
        _form(incident, resolved_at_0="2021-07-13", resolved_at_1="09:00:00"),
    )
    assert Incident.objects.get(pk=incident.pk).resolved_at is None


def test_a_calamity_declared_in_the_admin_records_who_and_needs_a_reason(make_incident, security_officer, client_as):
    incident = make_incident()
    client = client_as(security_officer)
    refused = client.post(
        "/admin/incidents/calamity/add/", {"incident": incident.pk, "level": "tactical", "reason": ""}
    )
    assert refused.status_code == 200 and "reason" in refused.context["adminform"].form.errors
    assert not Calamity.objects.exists()
    declared = client.post(
        "/admin/incidents/calamity/add/", {"incident": incident.pk, "level": "tactical", "reason": "Grote groep"}
    )
    assert declared.status_code == 302
    calamity = Calamity.objects.get()
    assert calamity.declared_by == security_officer
    assert Event.objects.filter(name="calamity.declared").count() == 1
    raised = client.post(
        f"/admin/incidents/calamity/{calamity.pk}/change/", {"level": "strategic", "escalation_reason": "Landelijk"}
    )
    assert raised.status_code == 302
    assert Calamity.objects.get().level == "strategic"
    assert Event.objects.filter(name="calamity.escalated").count() == 1


def test_a_fraud_removal_added_in_the_admin_keeps_only_the_pseudonym(security_officer, client_as):
    response = client_as(security_officer).post(
        "/admin/incidents/fraudaccountremoval/add/",
        {"account_number": "123456789", "reason": "phishing", "removed_at_0": "2021-07-14", "removed_at_1": "10:00:00"},
    )
    assert response.status_code == 302
    assert FraudAccountRemoval.objects.get().pseudonym == pseudonymise_account("123456789")


def test_the_admin_import_view_imports_a_file_and_reports_duplicates(security_officer, client_as):
    client = client_as(security_officer)
    page = client.get("/admin/incidents/phishingtakedown/")
    assert b"/admin/incidents/phishingtakedown/import/" in page.content
    upload = SimpleUploadedFile("takedowns.csv", (FIXTURES / "takedowns.csv").read_bytes())
    response = client.post("/admin/incidents/phishingtakedown/import/", {"file": upload}, follow=True)
    assert PhishingTakedown.objects.count() == 4
    texts = [str(m) for m in response.context["messages"]]
    assert any("4 regels geïmporteerd" in t for t in texts) and any("rij 3" in t for t in texts)


def test_the_admin_import_view_shows_each_bad_row_and_imports_nothing(security_officer, client_as):
    content = (FIXTURES / "fraud_removals.csv").read_bytes() + b"1,2,3,onzin,2021-01-01,ja,ja\n"
    upload = SimpleUploadedFile("fraud.csv", content)
    response = client_as(security_officer).post("/admin/incidents/fraudaccountremoval/import/", {"file": upload})
    assert response.status_code == 200
    rows = [(p.row, p.message) for p in response.context["errors"]]
    assert rows[0][0] == 6 and "ongeldig accountnummer" in rows[0][1]
    assert b"import-errors" in response.content
    assert not FraudAccountRemoval.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "privacy_officer"])
def test_only_those_who_may_add_can_import(role, request, client_as):
    response = client_as(request.getfixturevalue(role)).get("/admin/incidents/phishingtakedown/import/")
    assert response.status_code == 403


def test_the_incident_change_page_shows_the_proposed_escalation(make_incident, security_officer, client_as, settings):
    settings.INCIDENTS_CALAMITY_PEOPLE_AFFECTED = 1000
    incident = make_incident(citizens_affected=5000, started_at=T0, detected_at=T0 + timedelta(minutes=1))
    page = client_as(security_officer).get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert page.status_code == 200
    assert "5000 burgers en bedrijven getroffen" in page.content.decode()


def test_the_incident_list_shows_each_role_the_columns_it_works_with(client_as, security_officer, auditor):
    # those who handle incidents see the escalation; the auditor sees when they were closed
    handler = client_as(security_officer).get("/admin/incidents/incident/").context["cl"].list_display
    reader = client_as(auditor).get("/admin/incidents/incident/").context["cl"].list_display
    assert "escalation" in handler and "closed_at" not in handler
    assert "closed_at" in reader and "escalation" not in reader
    for columns in (handler, reader):
        assert {"reference", "title", "status", "severity"} <= set(columns)
    # what a handler acts on comes before the dates, so it stays in view at 1366 px
    assert handler.index("escalation") < handler.index("started_at")


def test_the_breach_list_keeps_the_countdown_beside_the_title(client_as, privacy_officer, auditor):
    officer = client_as(privacy_officer).get("/admin/privacy/databreach/").context["cl"].list_display
    reader = client_as(auditor).get("/admin/privacy/databreach/").context["cl"].list_display
    assert officer.index("clock") == officer.index("title") + 1
    assert "aware_at" not in officer and "deadline" in officer
    assert "aware_at" in reader and "clock" in reader
