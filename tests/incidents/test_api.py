from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from incidents import services
from incidents.choices import Status
from incidents.models import (
    DDoSAttack,
    Exercise,
    FraudAccountRemoval,
    Incident,
    Lesson,
    MisuseInvestigation,
    PhishingTakedown,
)
from incidents.pseudonyms import pseudonymise_account

from .conftest import T0

LISTS = [
    "/api/v1/incidents/",
    "/api/v1/incident-timeline/",
    "/api/v1/calamities/",
    "/api/v1/ddos-attacks/",
    "/api/v1/phishing-takedowns/",
    "/api/v1/misuse-investigations/",
    "/api/v1/fraud-account-removals/",
    "/api/v1/exercises/",
    "/api/v1/lessons/",
    "/api/v1/import-batches/",
    "/api/v1/incidents/stats/monthly/",
    "/api/v1/incidents/stats/annual/",
]
READERS = {"security_officer", "auditor"}
ROLES = [
    "security_officer",
    "privacy_officer",
    "workshop_coordinator",
    "auditor",
    "employee",
    "administrator",
    "outsider",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", LISTS)
def test_security_officers_and_auditors_read_every_incidents_endpoint_and_nobody_else(role, url, request, api_as):
    user = request.getfixturevalue(role)
    assert api_as(user).get(url).status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_security_officers_write_incidents(role, request, api_as, service):
    user = request.getfixturevalue(role)
    payload = {
        "title": "Storing",
        "category": "outage",
        "detection_source": "own_monitoring",
        "started_at": T0.isoformat(),
        "detected_at": T0.isoformat(),
        "services": ["digid"],
    }
    response = api_as(user).post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == (201 if role == "security_officer" else 403)


def test_an_incident_is_created_and_moved_through_the_workflow_by_the_api(security_officer, api_as, service):
    client = api_as(security_officer)
    created = client.post(
        "/api/v1/incidents/",
        {
            "title": "DDoS",
            "category": "ddos",
            "detection_source": "own_monitoring",
            "started_at": T0.isoformat(),
            "detected_at": T0.isoformat(),
            "services": ["digid"],
            "owner": security_officer.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["allowed_transitions"] == ["triage", "follow_up"]
    refused = client.post(f"/api/v1/incidents/{pk}/transition/", {"status": "closed"})
    assert refused.status_code == 400 and "status" in refused.json()
    refused_patch = client.patch(f"/api/v1/incidents/{pk}/", {"status": "closed"}, format="json")
    assert refused_patch.status_code == 400
    assert Incident.objects.get(pk=pk).status == Status.NEW
    for status in ("triage", "follow_up", "resolved", "closed"):
        moved = client.post(f"/api/v1/incidents/{pk}/transition/", {"status": status, "note": f"naar {status}"})
        assert moved.status_code == 200, moved.json()
    incident = Incident.objects.get(pk=pk)
    assert incident.status == Status.CLOSED and incident.closed_at
    timeline = client.get(f"/api/v1/incident-timeline/?incident={pk}&kind=status").json()["results"]
    assert [e["to_value"] for e in timeline] == ["triage", "follow_up", "resolved", "closed"]
    assert {e["actor_username"] for e in timeline} == {security_officer.username}


def test_a_resolution_before_the_start_is_refused_by_the_api(make_incident, security_officer, api_as):
    incident = make_incident(status=Status.FOLLOW_UP)
    response = api_as(security_officer).patch(
        f"/api/v1/incidents/{incident.pk}/", {"resolved_at": (T0 - timedelta(hours=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400 and "resolved_at" in response.json()
    assert Incident.objects.get(pk=incident.pk).resolved_at is None


def test_comments_and_follow_up_actions_through_the_api(make_incident, security_officer, api_as):
    incident = make_incident()
    client = api_as(security_officer)
    assert client.post(f"/api/v1/incidents/{incident.pk}/comments/", {"text": ""}).status_code == 400
    assert client.post(f"/api/v1/incidents/{incident.pk}/comments/", {"text": "Analyse loopt"}).status_code == 201
    action = client.post(
        f"/api/v1/incidents/{incident.pk}/follow-up-actions/",
        {"title": "Monitoring uitbreiden", "owner": security_officer.pk, "due_date": "2021-08-01"},
    )
    assert action.status_code == 201
    listed = client.get(f"/api/v1/actions/?source_model=incidents.incident&source_id={incident.pk}").json()
    assert [a["title"] for a in listed["results"]] == ["Monitoring uitbreiden"]


def test_a_fraud_removal_posted_with_an_account_number_keeps_only_the_pseudonym(security_officer, api_as):
    client = api_as(security_officer)
    response = client.post(
        "/api/v1/fraud-account-removals/",
        {"account_number": "123456789", "reason": "phishing", "removed_at": T0.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    assert "account_number" not in response.json()
    assert FraudAccountRemoval.objects.get().pseudonym == pseudonymise_account("123456789")
    again = client.post(
        "/api/v1/fraud-account-removals/",
        {"account_number": "123456789", "reason": "phishing", "removed_at": T0.isoformat()},
        format="json",
    )
    assert again.status_code == 400
    bad = client.post(
        "/api/v1/fraud-account-removals/",
        {"account_number": "12", "reason": "onbekend", "removed_at": T0.isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) >= {"reason"}


def test_a_takedown_url_that_is_not_a_url_is_refused_by_the_api(security_officer, api_as):
    client = api_as(security_officer)
    response = client.post("/api/v1/phishing-takedowns/", {"url": "geen url", "reported_at": T0.isoformat()})
    assert response.status_code == 400 and "url" in response.json()
    ok = client.post(
        "/api/v1/phishing-takedowns/", {"url": "https://digid-a.example.com/", "reported_at": T0.isoformat()}
    )
    assert ok.status_code == 201 and ok.json()["normalised_url"] == "digid-a.example.com"
    duplicate = client.post(
        "/api/v1/phishing-takedowns/", {"url": "http://www.digid-a.example.com", "reported_at": T0.isoformat()}
    )
    assert duplicate.status_code == 400
    assert PhishingTakedown.objects.count() == 1


def _takedowns(n: int, start: int = 0) -> None:
    PhishingTakedown.objects.bulk_create(
        PhishingTakedown(
            url=f"https://digid-{i}.example.com",
            normalised_url=f"digid-{i}.example.com",
            reported_at=T0 + timedelta(minutes=i),
            outcome="never_visible",
            completed_at=T0 + timedelta(minutes=i),
        )
        for i in range(start, start + n)
    )


def _removals(n: int, start: int = 0) -> None:
    FraudAccountRemoval.objects.bulk_create(
        FraudAccountRemoval(
            pseudonym=pseudonymise_account(f"{100000000 + i}"), reason="other", removed_at=T0 + timedelta(minutes=i)
        )
        for i in range(start, start + n)
    )


@pytest.mark.parametrize(
    ("url", "fill"), [("/api/v1/phishing-takedowns/", _takedowns), ("/api/v1/fraud-account-removals/", _removals)]
)
def test_the_big_lists_use_a_cursor_and_take_the_same_queries_for_few_and_many_rows(
    url, fill, security_officer, api_as, django_assert_num_queries
):
    fill(3)
    # 1 the user's own permissions, 2 their groups' permissions, 3 the page (LIMIT 51): no COUNT
    client = fresh_client(api_as, security_officer)
    with django_assert_num_queries(3):
        few = client.get(url).json()
    fill(120, start=3)
    client = fresh_client(api_as, security_officer)
    with django_assert_num_queries(3):
        many = client.get(url).json()
    assert "count" not in many and many["next"] and many["previous"] is None
    assert len(few["results"]) == 3 and len(many["results"]) == 50
    following = client.get(many["next"]).json()
    assert len(following["results"]) == 50
    assert not {r["id"] for r in following["results"]} & {r["id"] for r in many["results"]}


def test_the_incident_list_takes_the_same_queries_for_few_and_many_rows(
    make_incident, security_officer, api_as, django_assert_num_queries, service
):
    def add(n: int) -> None:
        for _ in range(n):
            incident = make_incident(owner=security_officer)
            incident.services.add(service)
            services.declare_calamity(incident, "operational", "reden", security_officer)

    add(2)
    client = fresh_client(api_as, security_officer)
    # 1-2 the user's and their groups' permissions, 3 COUNT for the page numbers,
    # 4 the page with owner and calamity joined, 5 the services of the page (prefetch)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/incidents/").status_code == 200
    add(8)
    client = fresh_client(api_as, security_officer)
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/incidents/").json()["results"]) == 10


def test_the_filters_narrow_the_lists(make_incident, security_officer, api_as, service):
    client = api_as(security_officer)
    outage = make_incident(category="outage", severity="high")
    outage.services.add(service)
    make_incident(category="ddos", severity="low", status=Status.CLOSED)
    assert _ids(client, "/api/v1/incidents/?category=outage") == [outage.pk]
    assert _ids(client, "/api/v1/incidents/?severity=high&status=new") == [outage.pk]
    assert _ids(client, "/api/v1/incidents/?service=digid") == [outage.pk]
    assert len(_ids(client, "/api/v1/incidents/?year=2021&month=7")) == 2
    assert _ids(client, "/api/v1/incidents/?year=2020") == []
    assert len(_ids(client, "/api/v1/incidents/?status=closed&closed_year=" + str(T0.year + 0))) in (0, 1)
    _takedowns(3)
    PhishingTakedown.objects.create(url="https://digid-online.example.com", reported_at=T0, outcome="still_online")
    assert len(_ids(client, "/api/v1/phishing-takedowns/?outcome=still_online")) == 1
    assert len(_ids(client, "/api/v1/phishing-takedowns/?completed_year=2021")) == 3
    assert len(_ids(client, "/api/v1/phishing-takedowns/?url=http://www.digid-1.example.com/")) == 1
    _removals(2)
    FraudAccountRemoval.objects.create(pseudonym=pseudonymise_account("555555555"), reason="phishing", removed_at=T0)
    assert len(_ids(client, "/api/v1/fraud-account-removals/?reason=phishing")) == 1
    assert len(_ids(client, "/api/v1/fraud-account-removals/?year=2021&month=7")) == 3
    assert len(_ids(client, "/api/v1/fraud-account-removals/?removed_from=2022-01-01T00:00:00Z")) == 0
    MisuseInvestigation.objects.create(
        chain_partner="UWV",
        partner_reference="1",
        subject="x",
        opened_on=T0.date(),
        closed_on=T0.date(),
        outcome="no_misuse",
    )
    assert len(_ids(client, "/api/v1/misuse-investigations/?outcome=no_misuse&year=2021")) == 1
    assert len(_ids(client, "/api/v1/misuse-investigations/?open=true")) == 0
    DDoSAttack.objects.create(started_at=T0, vector="syn_flood", peak_gbps=Decimal("80"))
    assert len(_ids(client, "/api/v1/ddos-attacks/?month=7&min_peak_gbps=50")) == 1
    assert len(_ids(client, "/api/v1/ddos-attacks/?month=8")) == 0
    exercise = Exercise.objects.create(name="ISIDOOR", kind="isidoor", held_on=T0.date())
    Lesson.objects.create(exercise=exercise, title="Leerpunt")
    assert len(_ids(client, "/api/v1/exercises/?kind=isidoor&year=2021")) == 1
    assert len(_ids(client, f"/api/v1/lessons/?exercise={exercise.pk}")) == 1


def fresh_client(api_as, user):  # type: ignore[no-untyped-def]
    """A client for a freshly loaded user, so no permission cache carries over between measurements."""
    return api_as(type(user).objects.get(pk=user.pk))


def _ids(client, url: str) -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_api_schema_names_the_soc_and_statistics_endpoints(security_officer, api_as):
    schema = api_as(security_officer).get(reverse("schema"), {"format": "json"}).json()
    assert "/api/v1/soc/detections/" in schema["paths"]
    assert "/api/v1/incidents/stats/annual/" in schema["paths"]


def test_the_openapi_schema_validates_without_warnings(db):
    import io

    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
