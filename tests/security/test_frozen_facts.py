"""Issue 11, item 12 (second half): facts a report depends on are frozen once reported.

The attack: after a data breach was reported to the AP four days late, its `aware_at` is
moved two days on, turning the late report into an on-time one. Once reported, the moment
of becoming aware and the moment of the report change only through an explicit correction
with a reason, logged as a named event and in the change history."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Event
from privacy import breaches
from privacy.models import DataBreach

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AWARE = datetime(2021, 5, 20, 16, tzinfo=AMSTERDAM)
LATE = AWARE + timedelta(days=4)
SHIFTED = AWARE + timedelta(days=2)  # would make the late report look on time


@pytest.fixture
def reported(db, make_user) -> DataBreach:  # type: ignore[no-untyped-def]
    breach = DataBreach.objects.create(
        reference="dl-2021-1", title="Lek", aware_at=AWARE, nature="Brief verkeerd verzonden", recorded_by=make_user()
    )
    return breaches.report_to_ap(breach, LATE, "AP-1", late_reason="Omvang pas later bekend")


def _breach_form(breach: DataBreach, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "reference": breach.reference,
        "title": breach.title,
        "report_type": "provisional",
        "aware_at_0": timezone.localtime(breach.aware_at).strftime("%d-%m-%Y"),
        "aware_at_1": timezone.localtime(breach.aware_at).strftime("%H:%M:%S"),
        "nature": breach.nature,
        "risk": "risk",
    }
    data.update(extra)
    return data


def _still_late(breach: DataBreach) -> None:
    fresh = DataBreach.objects.get(pk=breach.pk)
    assert (fresh.aware_at, fresh.reported_to_ap_at) == (AWARE, LATE)
    assert fresh.reported_late


# --- the attack, by every path ---------------------------------------------------------


def test_api_moving_aware_at_after_the_report_is_refused_naming_the_field(api_as, privacy_officer, reported):
    client = api_as(privacy_officer)
    for method in (client.patch, client.put):
        data = client.get(f"/api/v1/privacy/breaches/{reported.pk}/").json() | {"aware_at": SHIFTED.isoformat()}
        response = method(f"/api/v1/privacy/breaches/{reported.pk}/", data, format="json")
        assert response.status_code == 400 and "aware_at" in response.json()
    _still_late(reported)


def test_api_the_reported_moment_cannot_be_written(api_as, privacy_officer, reported):
    response = api_as(privacy_officer).patch(
        f"/api/v1/privacy/breaches/{reported.pk}/",
        {"reported_to_ap_at": (AWARE + timedelta(hours=1)).isoformat(), "title": "Lek (bijgewerkt)"},
        format="json",
    )
    assert response.status_code in (200, 400)
    _still_late(reported)


def test_admin_moving_aware_at_after_the_report_is_not_taken(client, privacy_officer, reported):
    client.force_login(privacy_officer)
    url = f"/admin/privacy/databreach/{reported.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="aware_at_0"' not in page and f"/admin/privacy/databreach/{reported.pk}/correct/" in page
    client.post(url, _breach_form(reported, aware_at_0=SHIFTED.strftime("%d-%m-%Y")))
    _still_late(reported)


def test_model_moving_aware_at_after_the_report_is_refused(reported):
    breach = DataBreach.objects.get(pk=reported.pk)
    breach.aware_at = SHIFTED
    with pytest.raises(ValidationError) as refused:
        breach.full_clean()
    assert "aware_at" in refused.value.message_dict
    with pytest.raises(ValidationError):
        breach.save()
    breach = DataBreach.objects.get(pk=reported.pk)
    breach.reported_to_ap_at = AWARE + timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        breach.save()
    assert "reported_to_ap_at" in refused.value.message_dict
    _still_late(reported)


def test_before_the_report_aware_at_can_still_be_edited(api_as, privacy_officer, make_user):
    breach = DataBreach.objects.create(
        reference="dl-2021-2", title="Lek", aware_at=AWARE, nature="x", recorded_by=make_user()
    )
    response = api_as(privacy_officer).patch(
        f"/api/v1/privacy/breaches/{breach.pk}/", {"aware_at": SHIFTED.isoformat()}, format="json"
    )
    assert response.status_code == 200 and DataBreach.objects.get(pk=breach.pk).aware_at == SHIFTED


# --- the correction: explicit, with a reason, logged -----------------------------------


def test_a_correction_needs_a_reason_and_a_change(reported, privacy_officer):
    with pytest.raises(ValidationError) as refused:
        breaches.correct_reported_facts(reported, "  ", privacy_officer, aware_at=SHIFTED)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        breaches.correct_reported_facts(reported, "Tikfout", privacy_officer, aware_at=AWARE)
    _still_late(reported)
    assert not Event.objects.filter(name="breach.facts_corrected").exists()


def test_a_correction_is_logged_as_an_event_and_in_the_history(reported, privacy_officer):
    corrected = breaches.correct_reported_facts(
        reported, "Tijdzone verkeerd ingevoerd", privacy_officer, aware_at=SHIFTED
    )
    assert corrected.aware_at == SHIFTED and not corrected.reported_late and corrected.late_reason == ""
    event = Event.objects.get(name="breach.facts_corrected", object_id=reported.pk)
    assert event.actor == privacy_officer and event.data["reason"] == "Tijdzone verkeerd ingevoerd"
    before, after = (datetime.fromisoformat(value) for value in event.data["changes"]["aware_at"])
    assert (before, after) == (AWARE, SHIFTED)
    history = LogEntry.objects.get_for_object(corrected).filter(changes__has_key="aware_at")
    assert history.exists()


def test_a_correction_that_makes_the_report_late_needs_a_reason_for_the_delay(privacy_officer, make_user):
    breach = DataBreach.objects.create(
        reference="dl-2021-3", title="Lek", aware_at=AWARE, nature="x", recorded_by=make_user()
    )
    breaches.report_to_ap(breach, AWARE + timedelta(hours=10), "AP-3")
    with pytest.raises(ValidationError) as refused:
        breaches.correct_reported_facts(breach, "Eerder bekend", privacy_officer, aware_at=AWARE - timedelta(days=5))
    assert "late_reason" in refused.value.message_dict
    corrected = breaches.correct_reported_facts(
        breach, "Eerder bekend", privacy_officer, aware_at=AWARE - timedelta(days=5), late_reason="Niet herkend"
    )
    assert corrected.reported_late and corrected.late_reason == "Niet herkend"


def test_a_correction_cannot_put_the_report_before_aware_or_in_the_future(reported, privacy_officer):
    with pytest.raises(ValidationError) as refused:
        breaches.correct_reported_facts(reported, "x", privacy_officer, aware_at=LATE + timedelta(hours=1))
    assert "aware_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        breaches.correct_reported_facts(
            reported, "x", privacy_officer, reported_to_ap_at=timezone.now() + timedelta(days=1)
        )
    assert "reported_to_ap_at" in refused.value.message_dict
    _still_late(reported)


def test_api_the_correction_action(api_as, privacy_officer, auditor, reported):
    url = f"/api/v1/privacy/breaches/{reported.pk}/correct/"
    assert api_as(auditor).post(url, {"aware_at": SHIFTED.isoformat(), "reason": "x"}).status_code == 403
    no_reason = api_as(privacy_officer).post(url, {"aware_at": SHIFTED.isoformat()}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    _still_late(reported)
    response = api_as(privacy_officer).post(
        url, {"aware_at": SHIFTED.isoformat(), "reason": "Tijdzone verkeerd ingevoerd"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["reported_late"] is False
    assert Event.objects.filter(name="breach.facts_corrected", actor=privacy_officer).count() == 1


def test_api_a_correction_of_an_unreported_breach_is_refused(api_as, privacy_officer, make_user):
    breach = DataBreach.objects.create(
        reference="dl-2021-4", title="Lek", aware_at=AWARE, nature="x", recorded_by=make_user()
    )
    response = api_as(privacy_officer).post(
        f"/api/v1/privacy/breaches/{breach.pk}/correct/", {"aware_at": SHIFTED.isoformat(), "reason": "x"}
    )
    assert response.status_code == 400
    assert DataBreach.objects.get(pk=breach.pk).aware_at == AWARE


def test_admin_the_correction_form(client, privacy_officer, auditor, reported):
    url = f"/admin/privacy/databreach/{reported.pk}/correct/"
    client.force_login(auditor)
    assert client.get(url).status_code == 403
    client.force_login(privacy_officer)
    assert client.get(url).status_code == 200
    form = {
        "aware_at_0": SHIFTED.strftime("%d-%m-%Y"),
        "aware_at_1": SHIFTED.strftime("%H:%M:%S"),
        "reported_to_ap_at_0": LATE.strftime("%d-%m-%Y"),
        "reported_to_ap_at_1": LATE.strftime("%H:%M:%S"),
        "late_reason": "",
        "reason": "",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and refused.context["form"].errors.get("reason")
    _still_late(reported)
    done = client.post(url, form | {"reason": "Tijdzone verkeerd ingevoerd"})
    assert done.status_code == 302
    assert DataBreach.objects.get(pk=reported.pk).aware_at == SHIFTED
    assert Event.objects.get(name="breach.facts_corrected").data["reason"] == "Tijdzone verkeerd ingevoerd"
