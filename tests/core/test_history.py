"""Every change of a domain object is recorded: who, when, before and after."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from compliance.models import FollowUpAction
from core.history import record_bulk_change
from core.models import Event, log_event
from organisation.models import Service


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_an_api_change_records_who_and_the_values_before_and_after(api_as, security_officer, service):
    response = api_as(security_officer).patch(f"/api/v1/services/{service.pk}/", {"availability_norm": "99.70"})
    assert response.status_code == 200
    change = entries_for(service).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == security_officer
    assert change.changes["availability_norm"] == ["99.50", "99.70"]


def test_an_admin_change_is_recorded_too(client_as, security_officer, service):
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
    change = entries_for(service).filter(action=LogEntry.Action.UPDATE).get()
    assert change.actor == security_officer
    assert change.changes["availability_norm"] == ["99.50", "99.60"]


def test_create_and_delete_are_recorded(api_as, security_officer):
    client = api_as(security_officer)
    created = client.post("/api/v1/services/", {"name": "Digipoort", "slug": "digipoort", "domain": "stelsels"})
    pk = created.json()["id"]
    client.delete(f"/api/v1/services/{pk}/")
    actions = list(
        LogEntry.objects.filter(object_pk=str(pk), content_type__model="service")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]


def test_the_admin_history_button_shows_changes_made_through_the_api(
    api_as, client_as, security_officer, auditor, service
):
    api_as(security_officer).patch(f"/api/v1/services/{service.pk}/", {"description": "Inlogmiddel"})
    page = client_as(auditor).get(f"/admin/organisation/service/{service.pk}/history/")
    assert page.status_code == 200
    assert "Inlogmiddel" in page.content.decode()


def test_auditors_read_the_history_with_filters(api_as, security_officer, auditor, service):
    api_as(security_officer).patch(f"/api/v1/services/{service.pk}/", {"description": "een"})
    other = Service.objects.create(name="Digipoort", slug="digipoort", domain="stelsels")
    client = api_as(auditor)
    everything = client.get("/api/v1/history/").json()["results"]
    assert {row["object_pk"] for row in everything} >= {str(service.pk), str(other.pk)}

    by_object = client.get("/api/v1/history/", {"model": "organisation.service", "object": service.pk}).json()
    assert {row["object_pk"] for row in by_object["results"]} == {str(service.pk)}
    by_user = client.get("/api/v1/history/", {"username": security_officer.username}).json()["results"]
    assert by_user and all(row["actor"] == security_officer.username for row in by_user)
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/history/", {"since": later}).json()["results"] == []


@pytest.mark.parametrize("role_fixture", ["employee", "workshop_coordinator", "outsider"])
def test_the_history_is_not_for_everyone(request, api_as, role_fixture):
    assert api_as(request.getfixturevalue(role_fixture)).get("/api/v1/history/").status_code == 403


def test_the_history_is_read_only_even_for_auditors(api_as, auditor, service):
    entry = entries_for(service).first()
    client = api_as(auditor)
    assert client.delete(f"/api/v1/history/{entry.pk}/").status_code in (403, 405)
    assert client.post("/api/v1/history/", {}).status_code in (403, 405)
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_changes_that_bypass_signals_record_themselves(service, security_officer):
    Service.objects.filter(pk=service.pk).update(active=False)
    record_bulk_change(Service, {service.pk: {"active": [True, False]}}, actor=security_officer)
    entry = entries_for(service).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes == {"active": ["True", "False"]}
    assert entry.actor == security_officer


def test_passwords_never_reach_the_history(make_user):
    user = make_user(None)
    user.set_password("Another-password-456")
    user.save()
    for entry in LogEntry.objects.get_for_object(user):
        assert "password" not in (entry.changes or {})


def test_business_events_are_recorded_by_name_and_readable(api_as, auditor, security_officer):
    action = FollowUpAction.objects.create(title="Herstel", owner=security_officer, due_date="2021-05-01")
    log_event(action, "action.reopened", actor=security_officer, reason="test")
    event = Event.objects.get()
    assert (event.name, event.actor, event.data) == ("action.reopened", security_officer, {"reason": "test"})
    rows = api_as(auditor).get("/api/v1/events/", {"name": "action.reopened"}).json()["results"]
    assert [row["object_id"] for row in rows] == [action.pk]
