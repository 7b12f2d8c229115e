from datetime import date

import pytest
from django.core.exceptions import ValidationError

from privacy import scoring
from privacy.models import Answer, SelfAssessment


@pytest.fixture
def assessment(activity, questionnaire, privacy_officer):
    return SelfAssessment.objects.create(
        questionnaire=questionnaire, activity=activity, assessor=privacy_officer, started_on=date(2021, 3, 1)
    )


def answer_all(assessment, values):
    for question in assessment.questionnaire.questions.all():
        if question.answer_type == "text":
            Answer.objects.create(assessment=assessment, question=question, text="n.v.t.")
        else:
            Answer.objects.create(assessment=assessment, question=question, value=values.get(question.number, 0))


def test_the_default_questionnaire_ships_with_wp248_and_ap_list_questions(questionnaire):
    criteria = list(questionnaire.questions.values_list("criterion", flat=True))
    assert criteria.count("wp248") == 9
    assert criteria.count("ap_list") == 3


def test_two_wp248_criteria_make_a_dpia_required_and_say_which(assessment):
    answer_all(assessment, {4: 1, 5: 1})
    outcome = scoring.score(assessment)
    assert outcome.dpia_required
    assert outcome.reasons == ["2 WP248-criteria van toepassing (vragen 4, 5; drempel 2)"]


def test_one_wp248_criterion_alone_does_not(assessment):
    answer_all(assessment, {4: 1})
    outcome = scoring.score(assessment)
    assert not outcome.dpia_required
    assert outcome.reasons == []
    assert outcome.score == 3  # weight 3 x yes


def test_any_item_of_the_ap_list_makes_a_dpia_required(assessment):
    answer_all(assessment, {11: 1})
    assert scoring.score(assessment).reasons == ["Vraag 11 staat op de verplichte DPIA-lijst van de AP"]


def test_the_total_score_threshold_counts_weighted_answers(assessment, questionnaire):
    questionnaire.score_threshold = 10
    questionnaire.save()
    answer_all(assessment, {13: 4, 14: 1})  # 2x4 + 2x1 = 10
    outcome = scoring.score(assessment)
    assert outcome.score == 10
    assert outcome.reasons == ["Totaalscore 10 bereikt de drempel 10"]


def test_completing_stores_the_outcome_and_the_date(assessment):
    answer_all(assessment, {1: 1, 3: 1})
    scoring.complete(assessment, date(2021, 3, 20))
    assessment.refresh_from_db()
    assert assessment.completed_on == date(2021, 3, 20)
    assert assessment.dpia_required is True
    assert assessment.reasons


def test_completing_with_open_questions_is_refused(assessment):
    Answer.objects.create(assessment=assessment, question=assessment.questionnaire.questions.get(number=1), value=1)
    with pytest.raises(ValidationError, match="Nog niet beantwoord"):
        scoring.complete(assessment, date(2021, 3, 20))
    assessment.refresh_from_db()
    assert assessment.completed_on is None


def test_an_answer_out_of_range_is_refused(assessment):
    answer = Answer(assessment=assessment, question=assessment.questionnaire.questions.get(number=1), value=3)
    with pytest.raises(ValidationError):
        answer.full_clean()


def test_an_assessment_is_about_an_activity_or_a_service_not_both(activity, service, questionnaire, privacy_officer):
    both = SelfAssessment(
        questionnaire=questionnaire,
        activity=activity,
        service=service,
        assessor=privacy_officer,
        started_on=date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):
        both.full_clean()


def test_the_api_completes_an_assessment_on_a_service(api_as, privacy_officer, service, questionnaire):
    client = api_as(privacy_officer)
    created = client.post(
        "/api/v1/privacy/self-assessments/",
        {
            "questionnaire": questionnaire.pk,
            "service": service.pk,
            "assessor": privacy_officer.pk,
            "started_on": "2021-04-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for question in questionnaire.questions.all():
        value = {"value": 1 if question.number in (2, 3) else 0} if question.answer_type != "text" else {"text": "-"}
        response = client.post(
            "/api/v1/privacy/answers/", {"assessment": pk, "question": question.pk, **value}, format="json"
        )
        assert response.status_code == 201, response.content
    response = client.post(
        f"/api/v1/privacy/self-assessments/{pk}/complete/", {"completed_on": "2021-04-02"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["dpia_required"] is True
    assert response.json()["reasons"] == ["2 WP248-criteria van toepassing (vragen 2, 3; drempel 2)"]


def test_the_api_refuses_completing_an_unanswered_assessment(api_as, privacy_officer, assessment):
    response = api_as(privacy_officer).post(
        f"/api/v1/privacy/self-assessments/{assessment.pk}/complete/", {}, format="json"
    )
    assert response.status_code == 400
    assert "Nog niet beantwoord" in str(response.json())
