from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts import roles
from compliance.controls import accept_check, submit_check
from compliance.frameworks import import_framework
from compliance.models import Applicability, CheckStatus, ControlCheck, ControlState, Evidence, Requirement

from .conftest import FIXTURES, PDF_BYTES, stored_files, upload
from .factories import make_rows

AMS = ZoneInfo("Europe/Amsterdam")

# Queries of each list endpoint for a security officer, the same for few and many rows:
# the user's permissions and the groups' permissions (2), the paginator's COUNT, the page
# (joins and roll-up annotations included), plus the prefetches named here.
LISTS = {
    "frameworks": ("framework", 4),
    "requirements": ("requirement", 4),
    "applicability": ("applicability", 4),
    "controls": ("control", 6),  # + services, requirements (prefetch)
    "checks": ("controlcheck", 4),
    "evidence": ("evidence", 4),
    "policies": ("policy", 5),  # + requirements (prefetch)
    "reminders": ("reminder", 4),
}


def _list_queries(api_as, user, endpoint):
    client = api_as(type(user).objects.get(pk=user.pk))  # a fresh user: no cached permissions
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()["count"]


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_list_endpoint_costs_the_same_queries_for_few_and_many_rows(endpoint, api_as, security_officer):
    model, pinned = LISTS[endpoint]
    make_rows(model, 3, security_officer)
    few, few_rows = _list_queries(api_as, security_officer, endpoint)
    make_rows(model, 27, security_officer)
    many, many_rows = _list_queries(api_as, security_officer, endpoint)
    assert many_rows > few_rows
    assert few == many == pinned


READERS = {"security_officer", "auditor"}
ASSIGNED = READERS | {"employee"}
ACCESS = {
    "frameworks": READERS,
    "requirements": READERS,
    "applicability": READERS,
    "controls": ASSIGNED,
    "checks": ASSIGNED,
    "evidence": ASSIGNED,
    "policies": READERS,
    "reminders": READERS,
}
ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
ROLES += ["outsider"]


@pytest.mark.parametrize("role_fixture", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_list_access_per_role(request, api_as, role_fixture, endpoint):
    user = request.getfixturevalue(role_fixture)
    expected = 200 if role_fixture in ACCESS[endpoint] else 403
    assert api_as(user).get(f"/api/v1/{endpoint}/").status_code == expected


def test_anonymous_requests_are_refused(api_client, db):
    assert api_client.get("/api/v1/checks/").status_code in (401, 403)


@pytest.mark.parametrize("role_fixture", ["auditor", "employee", "privacy_officer"])
def test_only_the_security_officer_writes_controls(request, api_as, role_fixture, security_officer):
    user = request.getfixturevalue(role_fixture)
    body = {"code": "X-1", "title": "x", "owner": security_officer.pk, "frequency": "yearly", "test_method": "x"}
    assert api_as(user).post("/api/v1/controls/", body, format="json").status_code == 403
    created = api_as(security_officer).post("/api/v1/controls/", body, format="json")
    assert created.status_code == 201 and created.json()["state"] in ControlState.values


def test_an_employee_sees_only_the_checks_assigned_to_them(api_as, employee, make_control, make_user):
    mine = make_control(owner=employee)
    make_control(owner=make_user())
    data = api_as(employee).get("/api/v1/checks/?page_size=1000").json()
    assert {row["control"] for row in data["results"]} == {mine.pk}
    other = ControlCheck.objects.exclude(control=mine).first()
    assert api_as(employee).get(f"/api/v1/checks/{other.pk}/").status_code == 404


@time_machine.travel(datetime(2021, 8, 1, 9, tzinfo=AMS), tick=False)
def test_check_filters_control_service_owner_status_due_range_and_overdue(
    api_as, security_officer, employee, make_control, service
):
    a = make_control(owner=employee, services=[service])
    b = make_control(owner=security_officer)
    client = api_as(security_officer)

    def ids(query):
        return {r["id"] for r in client.get(f"/api/v1/checks/?page_size=1000&{query}").json()["results"]}

    assert ids(f"control={a.pk}") == set(a.checks.values_list("pk", flat=True))
    assert ids(f"service={service.pk}") == set(a.checks.values_list("pk", flat=True))
    assert ids(f"owner={security_officer.pk}") == set(b.checks.values_list("pk", flat=True))
    overdue = set(ControlCheck.objects.filter(due_date__lt=date(2021, 8, 1)).values_list("pk", flat=True))
    assert ids("overdue=true") == overdue and len(overdue) == 4
    assert ids("overdue=false") == set(ControlCheck.objects.values_list("pk", flat=True)) - overdue
    q2 = set(ControlCheck.objects.filter(due_date=date(2021, 6, 30)).values_list("pk", flat=True))
    assert ids("due_from=2021-04-01&due_to=2021-06-30") == q2
    assert ids("status=submitted") == set()
    row = client.get(f"/api/v1/checks/{min(overdue)}/").json()
    assert row["overdue"] is True


def test_submit_accept_and_reject_through_the_api_with_four_eyes(api_as, employee, security_officer, open_check):
    url = f"/api/v1/checks/{open_check.pk}"
    submitted = api_as(employee).post(f"{url}/submit/", {"result": "effective", "conclusion": "ok"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert api_as(employee).post(f"{url}/accept/", {}, format="json").status_code == 403

    rejected = api_as(security_officer).post(f"{url}/reject/", {"note": "Bewijs ontbreekt"}, format="json")
    assert rejected.json()["status"] == "rejected"
    api_as(employee).post(f"{url}/submit/", {"result": "effective", "conclusion": "nu wel"}, format="json")
    accepted = api_as(security_officer).post(f"{url}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_the_api_refuses_a_reviewer_who_submitted(api_as, security_officer, make_control):
    check = make_control(owner=security_officer).checks.first()
    client = api_as(security_officer)
    client.post(f"/api/v1/checks/{check.pk}/submit/", {"result": "effective", "conclusion": "ok"}, format="json")
    response = client.post(f"/api/v1/checks/{check.pk}/accept/", {}, format="json")
    assert response.status_code == 400 and "indiener" in str(response.json())
    assert ControlCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED


def test_an_accepted_check_cannot_be_changed_through_the_api(api_as, employee, security_officer, open_check):
    accept_check(submit_check(open_check, employee, "effective", "ok"), security_officer)
    response = api_as(security_officer).patch(
        f"/api/v1/checks/{open_check.pk}/", {"conclusion": "anders"}, format="json"
    )
    assert response.status_code == 400
    assert ControlCheck.objects.get(pk=open_check.pk).conclusion == "ok"


def test_a_due_date_outside_the_period_is_refused_by_the_api(api_as, security_officer, open_check):
    response = api_as(security_officer).patch(
        f"/api/v1/checks/{open_check.pk}/", {"due_date": "2030-01-01"}, format="json"
    )
    assert response.status_code == 400 and "periode" in str(response.json())


def test_evidence_upload_through_the_api_and_refusal_leaves_no_file(api_as, employee, open_check, _private_media):
    client = api_as(employee)
    bad = client.post("/api/v1/evidence/", {"check": open_check.pk, "upload": upload("x.pdf", b"tekst")})
    assert bad.status_code == 400 and stored_files(_private_media) == []

    good = client.post("/api/v1/evidence/", {"check": open_check.pk, "upload": upload("x.pdf", PDF_BYTES)})
    assert good.status_code == 201, good.content
    body = good.json()
    assert body["kind"] == "file" and len(body["sha256"]) == 64 and body["download_url"]
    newer = client.post("/api/v1/evidence/", {"check": open_check.pk, "note": "Toelichting", "supersedes": body["id"]})
    assert newer.json()["version"] == 2
    assert client.delete(f"/api/v1/evidence/{body['id']}/").status_code in (403, 405)
    assert Evidence.objects.filter(pk=body["id"]).exists()


def test_an_employee_cannot_add_evidence_to_someone_elses_check(api_as, make_user, open_check):
    intruder = make_user(roles.EMPLOYEE)
    response = api_as(intruder).post("/api/v1/evidence/", {"check": open_check.pk, "note": "x"})
    assert response.status_code in (400, 403) and not Evidence.objects.exists()


def test_framework_import_through_the_api(api_as, security_officer, auditor):
    with open(FIXTURES / "tiny-v1.yaml", "rb") as handle:
        assert api_as(auditor).post("/api/v1/frameworks/import/", {"file": handle}).status_code == 403
    with open(FIXTURES / "tiny-bad.yaml", "rb") as handle:
        refused = api_as(security_officer).post("/api/v1/frameworks/import/", {"file": handle})
    assert refused.status_code == 400 and "knoop 2" in str(refused.json())
    with open(FIXTURES / "tiny-v1.yaml", "rb") as handle:
        done = api_as(security_officer).post("/api/v1/frameworks/import/", {"file": handle})
    assert done.status_code == 200 and done.json()["summary"].endswith("4 added, 0 changed, 0 removed")


def test_statement_of_applicability_json_csv_and_xlsx(api_as, security_officer, make_control):
    report = import_framework(FIXTURES / "tiny-v1.yaml")
    lamp = Requirement.objects.get(ref_id="A.1")
    make_control(code="LR-LAMP", owner=security_officer).requirements.add(lamp)
    Applicability.objects.create(
        requirement=Requirement.objects.get(ref_id="B"), applicable=False, justification='=HYPERLINK("x")'
    )
    client = api_as(security_officer)
    url = f"/api/v1/frameworks/{report.framework.pk}/soa/"

    rows = {r["ref_id"]: r for r in client.get(url).json()}
    assert rows["A.1"]["coverage"] == "covered" and rows["A.1"]["controls"] == ["LR-LAMP"]
    assert rows["A.1.x"]["coverage"] == "not_covered"
    assert rows["B"]["coverage"] == "not_applicable"
    assert "A" not in rows  # not assessable

    csv_text = client.get(url + "?export=csv").content.decode()
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    xlsx = client.get(url + "?export=xlsx")
    import io

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 4 and values[3][3] == '\'=HYPERLINK("x")'


def test_not_applicable_without_justification_is_refused(api_as, security_officer):
    import_framework(FIXTURES / "tiny-v1.yaml")
    requirement = Requirement.objects.get(ref_id="B")
    response = api_as(security_officer).post(
        "/api/v1/applicability/", {"requirement": requirement.pk, "applicable": False}, format="json"
    )
    assert response.status_code == 400


def test_the_schema_stays_valid(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_a_policy_review_sets_the_next_review_after_the_cycle(api_as, security_officer, auditor):
    from compliance.models import Policy

    policy = Policy.objects.create(title="IB-beleid", owner=security_officer, review_cycle_months=12)
    url = f"/api/v1/policies/{policy.pk}/reviewed/"
    assert api_as(auditor).post(url, {"on": "2021-03-15"}, format="json").status_code == 403
    response = api_as(security_officer).post(url, {"on": "2021-03-15"}, format="json")
    assert response.status_code == 200
    assert response.json()["last_reviewed"] == "2021-03-15" and response.json()["next_review"] == "2022-03-15"
