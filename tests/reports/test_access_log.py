import pytest

from core import access
from reports.access import log_access
from reports.models import AccessLog, ExportJob

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]


def test_log_access_takes_a_request_or_a_user_and_keeps_the_details(rf, auditor, service):
    request = rf.get("/")
    request.user = auditor
    entry = log_access(request, "download", object=service, sha256="0" * 64, size=123)
    assert (entry.user, entry.username, entry.action) == (auditor, "auditor", "download")
    assert (entry.model, entry.object_id, entry.object_repr) == ("organisation.service", str(service.pk), "DigiD")
    assert entry.sha256 == "0" * 64
    assert entry.details == {"size": 123}


def test_the_core_reaches_the_access_log_through_its_hook(auditor):
    """What compliance's evidence downloads will call, without importing reports."""
    access.notify_access(auditor, "download", name="bewijs-1.pdf", sha256="f" * 64)
    entry = AccessLog.objects.get()
    assert (entry.user, entry.name, entry.sha256) == (auditor, "bewijs-1.pdf", "f" * 64)


def test_the_access_log_keeps_the_name_when_the_user_is_deleted(auditor):
    log_access(auditor, "export", name="x")
    auditor.delete()
    entry = AccessLog.objects.get()
    assert entry.user is None and entry.username == "auditor"


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_access_log_in_the_api(role, request, api_as):
    user = request.getfixturevalue(role)
    log_access(user, "export", name="iets")
    response = api_as(user).get("/api/v1/access-log/")
    assert response.status_code == (200 if role in {"auditor", "administrator"} else 403)
    if response.status_code == 200:
        assert response.json()["results"][0]["name"] == "iets"


def test_nobody_writes_the_access_log_through_the_api(api_as, auditor, administrator):
    for user in (auditor, administrator):
        # refused by the role check (no add permission) before the read-only viewset says 405
        assert api_as(user).post("/api/v1/access-log/", {"name": "x"}).status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_access_log_in_the_admin(role, request, client_as):
    user = request.getfixturevalue(role)
    entry = log_access(user, "export", name="iets")
    client = client_as(user)
    response = client.get("/admin/reports/accesslog/")
    may = role in {"auditor", "administrator"}
    assert response.status_code == (200 if may else 302 if role == "employee" else 403)
    if may:
        change = client.get(f"/admin/reports/accesslog/{entry.pk}/change/")
        assert change.status_code == 200
        assert b'name="_save"' not in change.content  # read-only
        assert client.post(f"/admin/reports/accesslog/{entry.pk}/delete/").status_code == 403


def test_the_access_log_api_filters_by_user_and_action(api_as, auditor, administrator):
    log_access(auditor, "download", name="a")
    log_access(administrator, "export", name="b")
    client = api_as(auditor)
    assert [r["name"] for r in client.get("/api/v1/access-log/?username=beheerder").json()["results"]] == ["b"]
    assert [r["name"] for r in client.get("/api/v1/access-log/?action=download").json()["results"]] == ["a"]


@pytest.mark.parametrize("count", [2, 30])
def test_the_access_log_list_runs_a_fixed_number_of_queries(count, api_as, auditor, django_assert_num_queries):
    for n in range(count):
        log_access(auditor, "export", name=f"lijst {n}")
    client = api_as(auditor)
    # the user's own and group permissions (2), count, page
    with django_assert_num_queries(4):
        assert client.get("/api/v1/access-log/").status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_the_export_jobs_list_runs_a_fixed_number_of_queries(count, api_as, auditor, django_assert_num_queries):
    ExportJob.objects.bulk_create(
        ExportJob(requested_by=auditor, source="admin", exporter="organisation.service", format="csv")
        for _n in range(count)
    )
    client = api_as(auditor)
    # the user's own and group permissions (2: may they see every job?), count, page with the requester
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/export-jobs/").json()["results"]) == count


@pytest.mark.parametrize("role", ROLES)
def test_every_user_sees_only_their_own_export_jobs_except_auditors(role, request, api_as, make_user):
    user = request.getfixturevalue(role)
    other = make_user(None)
    ExportJob.objects.create(requested_by=user, source="admin", exporter="a", format="csv")
    ExportJob.objects.create(requested_by=other, source="admin", exporter="b", format="csv")
    names = {job["exporter"] for job in api_as(user).get("/api/v1/export-jobs/").json()["results"]}
    assert names == ({"a", "b"} if role == "auditor" else {"a"})
