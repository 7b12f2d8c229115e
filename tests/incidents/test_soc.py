import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from incidents.choices import DetectionSource, Status
from incidents.models import Incident

from .conftest import T0

DETECTION = {
    "reference": "SOC-2021-0042",
    "title": "Verhoogd aantal mislukte inlogpogingen DigiD",
    "category": "misuse",
    "severity": "high",
    "detected_at": "2021-07-14T09:10:00+02:00",
    "started_at": "2021-07-14T08:55:00+02:00",
    "services": ["digid"],
}
URL = "/api/v1/soc/detections/"


@pytest.fixture
def soc_client(soc_user):  # type: ignore[no-untyped-def]
    """Authenticated the way the supplier is: with a token from drf_create_token."""
    out = io.StringIO()
    call_command("drf_create_token", soc_user.username, stdout=out)
    token = out.getvalue().split("Generated token ", 1)[1].split()[0]
    assert AuthToken.objects.filter(user=soc_user).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_detection_creates_an_incident_in_triage_from_the_soc_supplier(soc_client, service):
    response = soc_client.post(URL, DETECTION, format="json")
    assert response.status_code == 201
    incident = Incident.objects.get()
    assert response.json()["id"] == incident.pk
    assert (incident.status, incident.detection_source) == (Status.TRIAGE, DetectionSource.SOC_SUPPLIER)
    assert incident.supplier_reference == "SOC-2021-0042"
    assert list(incident.services.all()) == [service]
    assert incident.started_at == datetime.fromisoformat(DETECTION["started_at"])
    assert incident.detected_at == T0 + timedelta(minutes=10)
    assert incident.timeline.get().actor.username == "soc-leverancier"


def test_the_same_supplier_reference_twice_gives_one_incident(soc_client, service):
    first = soc_client.post(URL, DETECTION, format="json")
    second = soc_client.post(URL, {**DETECTION, "title": "herhaald"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Incident.objects.count() == 1
    assert Incident.objects.get().title == DETECTION["title"]


@pytest.mark.parametrize(
    ("change", "wrong"),
    [
        ({"title": ""}, {"title"}),
        ({"category": "aliens"}, {"category"}),
        ({"detected_at": "gisteren"}, {"detected_at"}),
        ({"services": ["bestaat-niet"]}, {"services"}),
        ({"started_at": "2021-07-14T10:00:00+02:00"}, {"started_at"}),
        ({"reference": "", "severity": "enorm"}, {"reference", "severity"}),
    ],
)
def test_a_malformed_detection_gets_a_400_naming_the_wrong_fields_and_creates_nothing(
    soc_client, service, change, wrong
):
    response = soc_client.post(URL, {**DETECTION, **change}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == wrong
    assert not Incident.objects.exists()


def test_a_payload_that_is_not_json_gets_a_400(soc_client):
    response = soc_client.post(URL, "{niet: json", content_type="application/json")
    assert response.status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/incidents/"),
        ("post", "/api/v1/incidents/"),
        ("get", "/api/v1/phishing-takedowns/"),
        ("get", "/api/v1/fraud-account-removals/"),
        ("get", "/api/v1/calamities/"),
        ("get", "/api/v1/incidents/stats/annual/"),
        ("get", "/api/v1/services/"),
        ("get", "/api/v1/actions/"),
        ("get", "/api/v1/history/"),
        ("get", "/api/v1/events/"),
        ("get", URL),
    ],
)
def test_the_soc_supplier_can_read_and_write_nothing_else(soc_client, method, url):
    response = getattr(soc_client, method)(url, {}, format="json")
    assert response.status_code in (403, 405)
    if method == "get" and url == URL:
        assert response.status_code == 405  # the endpoint only takes POST


def test_the_soc_supplier_has_no_admin_and_no_model_permission(soc_user, client):
    client.force_login(soc_user)
    assert client.get("/admin/").status_code == 302
    assert not soc_user.get_all_permissions()


@pytest.mark.parametrize(
    "role", ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
)
def test_no_other_role_may_post_detections(role, request, api_as, service):
    user = request.getfixturevalue(role)
    assert api_as(user).post(URL, DETECTION, format="json").status_code == 403
    assert not Incident.objects.exists()


def test_anonymous_posts_are_refused(api_client, db):
    assert api_client.post(URL, DETECTION, format="json").status_code in (401, 403)
    assert not Incident.objects.exists()


def test_the_create_soc_user_command_makes_a_user_that_may_only_post_detections(db, service):
    out = io.StringIO()
    call_command("create_soc_user", "soc-nieuw", stdout=out)
    call_command("create_soc_user", "soc-nieuw", stdout=out)  # idempotent
    assert "drf_create_token soc-nieuw" in out.getvalue()
    user = AuthToken._meta.get_field("user").related_model.objects.get(username="soc-nieuw")
    assert not user.has_usable_password() and not user.is_staff
    client = APIClient()
    client.force_authenticate(user)
    assert client.post(URL, DETECTION, format="json").status_code == 201
    assert client.get("/api/v1/incidents/").status_code == 403
