from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Event
from privacy import dpias
from privacy.models import DPIA
from privacy.models.dpia import SECTIONS

Status = DPIA.Status


def test_a_dpia_has_the_seventeen_sections_of_the_model_dpia_rijksdienst(make_dpia):
    sections = make_dpia().sections()
    assert len(sections) == 17
    assert sections[0][1] == "1. Voorstel"
    assert sections[16][1] == "17. Maatregelen"
    assert [part for _n, _l, part, _t in sections].count("A") == 10


def test_the_workflow_records_who_moved_it_when(make_dpia, privacy_officer, make_user):
    owner = make_user(None)
    dpia = make_dpia(owner=owner)
    dpias.move(dpia, Status.IN_REVIEW, owner)
    dpias.record_dpo_advice(dpia, "Doorgaan met maatregelen", privacy_officer, date(2021, 3, 1))
    dpia = dpias.decide(dpia, DPIA.Decision.PROCEED_WITH_MEASURES, owner, date(2021, 3, 8))
    assert dpia.status == Status.DECIDED
    moves = list(dpia.transitions.values_list("from_status", "to_status", "by__username"))
    assert moves == [
        ("draft", "in_review", owner.username),
        ("in_review", "dpo_advice", privacy_officer.username),
        ("dpo_advice", "decided", owner.username),
    ]
    assert list(Event.objects.filter(object_id=dpia.pk, name__startswith="dpia.").values_list("name", flat=True)) == [
        "dpia.decided",
        "dpia.dpo_advice",
        "dpia.in_review",
    ]


def test_a_decision_without_the_dpo_advice_is_refused_and_changes_nothing(make_dpia, make_user):
    dpia = make_dpia()
    dpias.move(dpia, Status.IN_REVIEW, None)
    with pytest.raises(ValidationError, match="advies van de FG"):
        dpias.decide(dpia, DPIA.Decision.PROCEED, None)
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decision, dpia.decided_on) == (Status.IN_REVIEW, "", None)
    assert dpia.transitions.count() == 1


def test_the_database_refuses_a_decided_dpia_without_advice(make_dpia):
    dpia = make_dpia()
    dpia.status, dpia.decision, dpia.decided_on = Status.DECIDED, DPIA.Decision.PROCEED, date(2021, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        dpia.save()


def test_a_draft_cannot_jump_to_decided(make_dpia):
    with pytest.raises(ValidationError, match="kan niet"):
        dpias.move(make_dpia(), Status.DECIDED, None)


def test_advice_needs_a_review(make_dpia):
    with pytest.raises(ValidationError, match="in beoordeling"):
        dpias.record_dpo_advice(make_dpia(), "ok", None)


def test_prior_consultation_is_flagged_when_a_residual_risk_stays_high(make_dpia):
    assert make_dpia(residual=(3, 3)).prior_consultation_required  # 9
    assert not make_dpia(residual=(2, 4)).prior_consultation_required  # 8


def test_risk_scores_are_likelihood_times_impact(make_dpia):
    risk = make_dpia(residual=(1, 2)).risks.get()
    assert (risk.score, risk.residual_score) == (12, 2)


def test_the_api_runs_the_workflow_and_refuses_an_early_decision(api_as, privacy_officer, make_dpia):
    client = api_as(privacy_officer)
    dpia = make_dpia()
    url = f"/api/v1/privacy/dpias/{dpia.pk}"
    assert client.post(f"{url}/move/", {"to": "in_review"}, format="json").status_code == 200
    early = client.post(f"{url}/decide/", {"decision": "proceed"}, format="json")
    assert early.status_code == 400
    assert "advies van de FG" in str(early.json())
    assert client.post(f"{url}/advice/", {"advice": "Akkoord", "on": "2021-05-01"}, format="json").status_code == 200
    decided = client.post(f"{url}/decide/", {"decision": "proceed", "on": "2021-05-03"}, format="json")
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided"
    assert decided.json()["decided_by"] == privacy_officer.pk


def test_the_api_does_not_let_status_or_decision_be_written_directly(api_as, privacy_officer, make_dpia):
    dpia = make_dpia()
    response = api_as(privacy_officer).patch(
        f"/api/v1/privacy/dpias/{dpia.pk}/",
        {"status": "decided", "decision": "proceed", "s01_proposal": "Tekst"},
        format="json",
    )
    assert response.status_code == 200
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decision, dpia.s01_proposal) == (Status.DRAFT, "", "Tekst")


def test_one_dpia_exports_as_pdf(api_as, auditor, make_dpia):
    dpia = make_dpia(residual=(4, 4), **{name: f"Tekst {i}" for i, (name, _l, _p) in enumerate(SECTIONS)})
    response = api_as(auditor).get(f"/api/v1/privacy/dpias/{dpia.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_transition_reads_with_the_status_labels_not_the_codes(make_dpia, privacy_officer):
    dpia = make_dpia(owner=privacy_officer)
    dpias.move(dpia, "in_review", privacy_officer)
    transition = dpia.transitions.get()
    assert str(transition).endswith(": concept → in beoordeling")
