"""The history page an auditor reads: labels, choice labels, local time, who and through
what, links to related objects, seal status, permissions and a fixed number of queries."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from core.seal import seal_history
from incidents.models import Incident

UTC_MOMENT = "2026-11-30 09:38:00+00:00"  # 10:38 in Amsterdam


def _entry(incident: Incident, actor=None, via: str | None = "api", **changes) -> LogEntry:  # type: ignore[no-untyped-def]
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Incident),
        object_pk=str(incident.pk),
        object_id=incident.pk,
        object_repr=str(incident),
        action=LogEntry.Action.UPDATE,
        changes=changes or {"status": ["resolved", "closed"]},
        actor=actor,
        additional_data={"via": via} if via else None,
        timestamp=timezone.now(),
    )


def _history(client, incident: Incident) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/admin/incidents/incident/{incident.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def owner(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.SECURITY_OFFICER, first_name="Fatima", last_name="El Amrani")


def test_labels_choice_labels_local_time_and_empty_values(client_as, auditor, make_incident, owner):
    incident = make_incident()
    _entry(
        incident,
        actor=owner,
        status=["resolved", "closed"],
        detection_source=["soc", "own_monitoring"],
        closed_at=[None, UTC_MOMENT],
        owner=[None, str(owner.pk)],
    )
    html = _history(client_as(auditor), incident)
    assert "Bron van detectie" in html and "detection_source" not in html
    assert "Gesloten" in html and "Eigen monitoring" in html
    assert "own_monitoring" not in html and "resolved" not in html
    assert "30 november 2026 10:38" in html and "09:38:00" not in html and "+00:00" not in html
    assert "None" not in html and "—" in html
    assert "Fatima El Amrani" in html  # the owner, and the author, by full name
    assert "Audit log" not in html and "Field" not in html


def test_who_and_through_what(client_as, api_as, auditor, make_incident, security_officer):
    incident = make_incident()
    _entry(incident, actor=None, via="task")
    response = api_as(security_officer).patch(f"/api/v1/incidents/{incident.pk}/", {"title": "Storing MijnOverheid"})
    assert response.status_code == 200, response.content
    recorded = LogEntry.objects.get_for_object(incident).filter(actor=security_officer).latest("pk")
    assert recorded.additional_data["via"] == "api"

    html = _history(client_as(auditor), incident)
    assert "systeem" in html and "taak" in html
    assert security_officer.get_full_name() in html and ">API<" in html


def test_an_admin_change_is_recorded_as_made_through_the_admin(client_as, security_officer, service):
    from organisation.models import Service

    response = client_as(security_officer).post(
        f"/admin/organisation/service/{service.pk}/change/",
        {
            "name": "DigiD",
            "slug": "digid",
            "domain": "toegang",
            "availability_norm": "99.60",
            "active": "on",
            "availability_months-TOTAL_FORMS": "0",
            "availability_months-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    entry = LogEntry.objects.get_for_model(Service).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.additional_data["via"] == "admin"


def test_related_objects_link_to_their_admin_page_only_for_who_may_see_them(
    client_as, auditor, make_incident, owner, django_user_model
):
    incident = make_incident()
    _entry(incident, actor=owner, owner=[None, str(owner.pk)])
    user_url = f"/admin/auth/user/{owner.pk}/change/"
    boss = django_user_model.objects.create_superuser("boss", "boss@waarborg.example", "Test-password-123")
    assert f'<a href="{user_url}">' in _history(client_as(boss), incident)
    assert user_url not in _history(client_as(auditor), incident)


def test_seal_status_per_entry(client_as, auditor, make_incident):
    incident = make_incident()
    sealed = _entry(incident)
    seal_history(anchor=False)
    _entry(incident, status=["new", "resolved"])
    html = _history(client_as(auditor), incident)
    assert html.count('class="history-sealed"') >= 1 and html.count('class="history-unsealed"') == 1
    assert "nog niet verzegeld" in html

    LogEntry.objects.filter(pk=sealed.pk).update(changes={"status": ["resolved", "new"]})
    html = _history(client_as(auditor), incident)
    assert 'class="history-broken"' in html and "verzegeling klopt niet" in html


def test_the_overall_history_names_each_object_and_links_it(client_as, auditor, make_incident):
    incident = make_incident()
    _entry(incident)
    response = client_as(auditor).get("/admin/auditlog/logentry/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/admin/incidents/incident/{incident.pk}/change/"' in html
    assert "Incident: " in html and "Gesloten" in html and "RESOURCE" not in html


def test_in_english_the_page_speaks_english(client, client_as, auditor, make_incident):
    incident = make_incident()
    _entry(incident)
    c = client_as(auditor)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _history(c, incident)
    assert "Closed" in html and "Gesloten" not in html
    assert "not sealed yet" in html and "Changes" in html


def test_a_role_without_view_permission_is_refused(client_as, employee, make_user, make_incident):
    incident = make_incident()
    _entry(incident)
    assert client_as(employee).get(f"/admin/incidents/incident/{incident.pk}/history/").status_code in (302, 403)
    coordinator = make_user(roles.WORKSHOP_COORDINATOR)
    refused = client_as(coordinator).get(f"/admin/incidents/incident/{incident.pk}/history/")
    assert refused.status_code in (403, 404)
    assert client_as(coordinator).get("/admin/auditlog/logentry/").status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_entries(client_as, auditor, make_incident, owner):
    incident = make_incident()

    def queries() -> int:
        client = client_as(auditor)
        client.get(f"/admin/incidents/incident/{incident.pk}/history/")  # warm caches
        with CaptureQueriesContext(connection) as captured:
            _history(client, incident)
        return len(captured)

    for _ in range(10):
        _entry(incident, actor=owner, owner=[None, str(owner.pk)], closed_at=[None, UTC_MOMENT])
    ten = queries()
    for _ in range(90):
        _entry(incident, actor=owner, owner=[None, str(owner.pk)], closed_at=[None, UTC_MOMENT])
    hundred = queries()
    assert ten == hundred
    assert ten <= 15


def test_the_overall_history_takes_the_apis_filters(client_as, auditor, make_incident, service):
    incident = make_incident()
    _entry(incident)
    client = client_as(auditor)
    only_incidents = client.get("/admin/auditlog/logentry/", {"model": "incidents.incident"}).content.decode()
    assert f"/admin/incidents/incident/{incident.pk}/change/" in only_incidents
    assert f"/admin/organisation/service/{service.pk}/change/" not in only_incidents
    services = client.get("/admin/auditlog/logentry/", {"model": "organisation.service"}).content.decode()
    assert f"/admin/organisation/service/{service.pk}/change/" in services
    assert f"/admin/incidents/incident/{incident.pk}/change/" not in services


def test_a_view_only_page_shows_no_input_only_field(client_as, auditor, make_incident):
    incident = make_incident()
    html = client_as(auditor).get(f"/admin/incidents/incident/{incident.pk}/change/").content.decode()
    assert "None" not in html and "Comment" not in html
