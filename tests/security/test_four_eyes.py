"""Issue 11, item 11: four eyes in substance.

The attack: a Medewerker submits a check as not effective ("14 kritieke kwetsbaarheden
open"); the security officer rewrites the result to effective and the conclusion to
"Alles in orde." and accepts it, so the outcome reads accepted and effective, still
submitted by the Medewerker, with no follow-up action. Each test below tries a way to do
that (or to review one's own work) as an insider, through the admin, the API, the pages or
the model, and expects it refused with nothing changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import roles
from compliance.controls import accept_check, reject_check, submit_check
from compliance.evidence import add_evidence
from compliance.models import CheckResult, CheckStatus, ControlCheck, FollowUpAction
from core.models import Event

from .conftest import report

FINDING = "14 kritieke kwetsbaarheden open"
WHITEWASH = "Alles in orde."


@pytest.fixture
def other_officer(make_user):  # type: ignore[no-untyped-def]
    return make_user(roles.SECURITY_OFFICER, username="security2")


@pytest.fixture
def submitted(open_check, employee) -> ControlCheck:  # type: ignore[no-untyped-def]
    """The Medewerker's check, with their evidence, submitted as not effective."""
    add_evidence(open_check, employee, upload=report())
    return submit_check(open_check, employee, CheckResult.NOT_EFFECTIVE, FINDING)


def _admin_form(check: ControlCheck, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "due_date": check.due_date.isoformat(),
        "owner": check.owner_id,
        "evidence_owner": "",
        "test_method": check.test_method,
        "result": check.result,
        "conclusion": check.conclusion,
        "review_note": check.review_note,
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _unchanged(check: ControlCheck) -> ControlCheck:
    fresh = ControlCheck.objects.get(pk=check.pk)
    assert (fresh.result, fresh.conclusion) == (CheckResult.NOT_EFFECTIVE, FINDING)
    return fresh


# --- the result and conclusion are the submitter's, frozen after submission -------------


def test_admin_the_reviewer_cannot_rewrite_the_submission_then_accept_it(client_as, security_officer, submitted):
    client = client_as(security_officer)
    page = client.get(f"/admin/compliance/controlcheck/{submitted.pk}/change/")
    assert page.status_code == 200
    assert 'name="result"' not in page.content.decode() and 'name="conclusion"' not in page.content.decode()

    # a crafted POST with the fields the page no longer offers
    client.post(
        f"/admin/compliance/controlcheck/{submitted.pk}/change/",
        _admin_form(submitted, result=CheckResult.EFFECTIVE, conclusion=WHITEWASH),
    )
    _unchanged(submitted)

    client.post(
        "/admin/compliance/controlcheck/",
        {"action": "accept_selected", "_selected_action": [submitted.pk], "note": "Gezien; herstel via actie."},
    )
    accepted = _unchanged(submitted)
    assert accepted.status == CheckStatus.ACCEPTED and accepted.submitted_by.username == "employee"
    assert accepted.review_note == "Gezien; herstel via actie."
    assert FollowUpAction.objects.filter(source_id=submitted.pk).count() == 1  # not effective: follow-up


def test_api_a_patch_of_the_submitted_result_or_conclusion_is_refused_naming_the_field(
    api_as, security_officer, submitted
):
    response = api_as(security_officer).patch(
        f"/api/v1/checks/{submitted.pk}/", {"result": "effective", "conclusion": WHITEWASH}, format="json"
    )
    assert response.status_code == 400
    assert {"result", "conclusion"} <= set(response.json())
    _unchanged(submitted)


def test_api_accepting_with_another_result_is_refused(api_as, security_officer, submitted):
    response = api_as(security_officer).post(
        f"/api/v1/checks/{submitted.pk}/accept/", {"result": "effective", "note": WHITEWASH}, format="json"
    )
    assert response.status_code == 400 and "result" in response.json()
    fresh = _unchanged(submitted)
    assert fresh.status == CheckStatus.SUBMITTED and fresh.review_note == ""
    assert not FollowUpAction.objects.exists()


def test_api_the_reviewer_accepts_with_their_own_note_beside_the_submission(api_as, security_officer, submitted):
    response = api_as(security_officer).post(
        f"/api/v1/checks/{submitted.pk}/accept/",
        {"result": "not_effective", "note": "Bevindingen bevestigd"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["result"], body["conclusion"], body["review_note"]) == (
        "not_effective",
        FINDING,
        "Bevindingen bevestigd",
    )
    event = Event.objects.get(name="check.accepted", object_id=submitted.pk)
    assert event.data["note"] == "Bevindingen bevestigd" and event.actor == security_officer


def test_api_nobody_writes_the_review_note_outside_accept_and_reject(api_as, employee, security_officer, open_check):
    url = f"/api/v1/checks/{open_check.pk}/"
    assert api_as(employee).patch(url, {"review_note": "Akkoord"}, format="json").status_code == 403
    response = api_as(security_officer).patch(url, {"review_note": "Akkoord, beoordelaar"}, format="json")
    assert response.status_code == 400 and "review_note" in response.json()
    assert ControlCheck.objects.get(pk=open_check.pk).review_note == ""


def test_model_the_submission_cannot_be_rewritten_by_any_caller(submitted):
    check = ControlCheck.objects.get(pk=submitted.pk)
    check.result, check.conclusion = CheckResult.EFFECTIVE, WHITEWASH
    with pytest.raises(ValidationError) as refused:
        check.save()
    assert {"result", "conclusion"} <= set(refused.value.message_dict)
    _unchanged(submitted)


def test_model_the_review_fields_change_only_with_accept_or_reject(submitted, security_officer):
    check = ControlCheck.objects.get(pk=submitted.pk)
    check.review_note = "Goedgekeurd"
    check.reviewed_by = security_officer
    with pytest.raises(ValidationError) as refused:
        check.save()
    assert {"review_note", "reviewed_by"} <= set(refused.value.message_dict)
    assert ControlCheck.objects.get(pk=submitted.pk).reviewed_by is None


def test_admin_rejecting_stores_the_reviewers_reason_and_the_submission_stays(
    client_as, security_officer, employee, submitted
):
    client = client_as(security_officer)
    client.post(
        "/admin/compliance/controlcheck/",
        {"action": "reject_selected", "_selected_action": [submitted.pk], "note": "Scan is van de verkeerde omgeving"},
    )
    fresh = _unchanged(submitted)
    assert fresh.status == CheckStatus.REJECTED and fresh.review_note == "Scan is van de verkeerde omgeving"
    # only the submitter changes the result, by submitting again
    submit_check(fresh, employee, CheckResult.PARTLY_EFFECTIVE, "Scan herhaald: 3 open")
    assert ControlCheck.objects.get(pk=submitted.pk).result == CheckResult.PARTLY_EFFECTIVE


def test_admin_rejecting_without_a_reason_is_refused(client_as, security_officer, submitted):
    client_as(security_officer).post(
        "/admin/compliance/controlcheck/", {"action": "reject_selected", "_selected_action": [submitted.pk]}
    )
    assert ControlCheck.objects.get(pk=submitted.pk).status == CheckStatus.SUBMITTED


def test_page_a_crafted_resubmission_of_a_submitted_check_is_refused(client_as, employee, submitted):
    client = client_as(employee)
    page = client.get(f"/checks/{submitted.pk}/")
    assert page.status_code == 200 and f"/checks/{submitted.pk}/submit/" not in page.content.decode()
    client.post(f"/checks/{submitted.pk}/submit/", {"result": "effective", "conclusion": WHITEWASH})
    assert _unchanged(submitted).status == CheckStatus.SUBMITTED


# --- whoever added evidence may not accept ---------------------------------------------


def test_function_whoever_added_evidence_may_not_accept(open_check, employee, security_officer, other_officer):
    add_evidence(open_check, employee, upload=report())
    add_evidence(open_check, security_officer, note="Aanvullende scan door security")
    check = submit_check(open_check, employee, CheckResult.NOT_EFFECTIVE, FINDING)
    with pytest.raises(ValidationError, match="bewijs"):
        accept_check(check, security_officer)
    assert ControlCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED
    # rejecting stays open to them; accepting is for someone who contributed nothing
    assert accept_check(check, other_officer).status == CheckStatus.ACCEPTED


def test_api_whoever_added_evidence_may_not_accept(api_as, open_check, employee, security_officer, other_officer):
    add_evidence(open_check, employee, upload=report())
    officer = api_as(security_officer)
    added = officer.post("/api/v1/evidence/", {"check": open_check.pk, "note": "Eigen aanvulling"}, format="json")
    assert added.status_code == 201, added.json()
    submit_check(open_check, employee, CheckResult.NOT_EFFECTIVE, FINDING)

    refused = officer.post(f"/api/v1/checks/{open_check.pk}/accept/", {}, format="json")
    assert refused.status_code == 400 and "bewijs" in str(refused.json())
    assert ControlCheck.objects.get(pk=open_check.pk).status == CheckStatus.SUBMITTED
    assert api_as(other_officer).post(f"/api/v1/checks/{open_check.pk}/accept/", {}, format="json").status_code == 200


def test_admin_whoever_added_evidence_inline_may_not_accept(client_as, open_check, employee, security_officer):
    add_evidence(open_check, employee, upload=report())
    check = submit_check(open_check, employee, CheckResult.NOT_EFFECTIVE, FINDING)
    client = client_as(security_officer)
    inline = _admin_form(check) | {
        "evidence-TOTAL_FORMS": "1",
        "evidence-0-note": "Door security aangevuld",
        "evidence-0-url": "",
    }
    client.post(f"/admin/compliance/controlcheck/{check.pk}/change/", inline)
    assert check.evidence.filter(uploaded_by=security_officer).exists()
    response = client.post(
        "/admin/compliance/controlcheck/",
        {"action": "accept_selected", "_selected_action": [check.pk]},
        follow=True,
    )
    assert "bewijs" in response.content.decode()
    assert ControlCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED


def test_the_submitter_still_may_not_accept(open_check, security_officer, make_control):
    check = make_control(owner=security_officer).checks.first()
    add_evidence(check, security_officer, upload=report())
    submit_check(check, security_officer, CheckResult.EFFECTIVE, "ok")
    with pytest.raises(ValidationError, match="indiener"):
        accept_check(check, security_officer)


# --- no submission without evidence, unless the control needs none -----------------------


def test_function_a_check_without_evidence_cannot_be_submitted(open_check, employee):
    with pytest.raises(ValidationError) as refused:
        submit_check(open_check, employee, CheckResult.EFFECTIVE, WHITEWASH)
    assert "evidence" in refused.value.message_dict
    assert ControlCheck.objects.get(pk=open_check.pk).status == CheckStatus.OPEN


def test_api_a_check_without_evidence_cannot_be_submitted(api_as, open_check, employee):
    response = api_as(employee).post(
        f"/api/v1/checks/{open_check.pk}/submit/", {"result": "effective", "conclusion": WHITEWASH}, format="json"
    )
    assert response.status_code == 400 and "evidence" in response.json()
    assert ControlCheck.objects.get(pk=open_check.pk).status == CheckStatus.OPEN


def test_page_a_check_without_evidence_cannot_be_submitted(client_as, open_check, employee):
    response = client_as(employee).post(
        f"/checks/{open_check.pk}/submit/", {"result": "effective", "conclusion": WHITEWASH}, follow=True
    )
    assert "Voeg eerst bewijs toe" in response.content.decode()
    assert ControlCheck.objects.get(pk=open_check.pk).status == CheckStatus.OPEN


def test_admin_a_check_without_evidence_cannot_be_submitted(client_as, security_officer, make_control):
    check = make_control(owner=security_officer).checks.first()
    client = client_as(security_officer)
    client.post(f"/admin/compliance/controlcheck/{check.pk}/change/", _admin_form(check, result="effective"))
    response = client.post(
        "/admin/compliance/controlcheck/", {"action": "submit_selected", "_selected_action": [check.pk]}, follow=True
    )
    assert "Voeg eerst bewijs toe" in response.content.decode()
    assert ControlCheck.objects.get(pk=check.pk).status == CheckStatus.OPEN


def test_a_control_that_needs_no_evidence_allows_submitting_without(make_control, employee, security_officer):
    check = make_control(owner=employee, evidence_required=False).checks.first()
    check = submit_check(check, employee, CheckResult.EFFECTIVE, "Geen afwijkingen")
    assert accept_check(check, security_officer).status == CheckStatus.ACCEPTED


def test_the_control_says_whether_evidence_is_required_in_the_api_and_defaults_to_yes(
    api_as, security_officer, make_control
):
    control = make_control()
    assert control.evidence_required is True
    response = api_as(security_officer).patch(
        f"/api/v1/controls/{control.pk}/", {"evidence_required": False}, format="json"
    )
    assert response.status_code == 200 and response.json()["evidence_required"] is False


def test_rejecting_needs_the_reviewers_reason(submitted, security_officer):
    with pytest.raises(ValidationError):
        reject_check(submitted, security_officer, "   ")
    assert ControlCheck.objects.get(pk=submitted.pk).status == CheckStatus.SUBMITTED
