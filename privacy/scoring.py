"""Scoring of a self-assessment (pre-scan DPIA).

The rule, per questionnaire:
- every answered question adds `weight x value` to the score (yes = 1, no = 0, scale 0-4;
  free-text questions add nothing);
- a DPIA is required when any question on the AP's mandatory list is answered with more
  than 0, when at least `wp248_threshold` (default two) WP248 criteria are answered with
  more than 0, or when the score reaches `score_threshold` (if set).
The outcome names every answer that crossed a threshold, so it says *why*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.moments import refuse_future

from .models import Question, SelfAssessment
from .models.assessments import ALREADY_COMPLETED_MESSAGE


@dataclass
class Outcome:
    score: int = 0
    dpia_required: bool = False
    reasons: list[str] = field(default_factory=list)


def score(assessment: SelfAssessment) -> Outcome:
    outcome = Outcome()
    questionnaire = assessment.questionnaire
    wp248: list[int] = []
    for answer in assessment.answers.select_related("question"):
        question = answer.question
        if question.answer_type == Question.AnswerType.TEXT or not answer.value:
            continue
        outcome.score += question.weight * answer.value
        if question.criterion == Question.Criterion.AP_LIST:
            outcome.reasons.append(
                _("Vraag %(n)d staat op de verplichte DPIA-lijst van de AP") % {"n": question.number}
            )
        elif question.criterion == Question.Criterion.WP248:
            wp248.append(question.number)
    if len(wp248) >= questionnaire.wp248_threshold:
        numbers = ", ".join(str(n) for n in wp248)
        outcome.reasons.append(
            _("%(count)d WP248-criteria van toepassing (vragen %(numbers)s; drempel %(threshold)d)")
            % {"count": len(wp248), "numbers": numbers, "threshold": questionnaire.wp248_threshold}
        )
    threshold = questionnaire.score_threshold
    if threshold is not None and outcome.score >= threshold:
        outcome.reasons.append(
            _("Totaalscore %(score)d bereikt de drempel %(threshold)d")
            % {"score": outcome.score, "threshold": threshold}
        )
    outcome.dpia_required = bool(outcome.reasons)
    return outcome


def unanswered(assessment: SelfAssessment) -> list[int]:
    answered = set(assessment.answers.exclude(value=None, text="").values_list("question_id", flat=True))
    return [q.number for q in assessment.questionnaire.questions.all() if q.pk not in answered]


@transaction.atomic
def complete(assessment: SelfAssessment, on: date, actor: Any = None) -> Outcome:
    """Score the assessment and mark it completed; refused while questions are open."""
    from core.models import log_event

    stored = SelfAssessment.objects.select_for_update().filter(pk=assessment.pk).values_list("completed_on", flat=True)
    if stored and stored[0] is not None:
        raise ValidationError({"completed_on": ALREADY_COMPLETED_MESSAGE})
    refuse_future(completed_on=on)
    missing = unanswered(assessment)
    if missing:
        numbers = ", ".join(str(n) for n in missing)
        raise ValidationError(_("Nog niet beantwoord: vraag %(n)s") % {"n": numbers})
    if on < assessment.started_on:
        raise ValidationError(_("Afronden kan niet vóór de startdatum"))
    outcome = score(assessment)
    assessment.score = outcome.score
    assessment.dpia_required = outcome.dpia_required
    assessment.reasons = outcome.reasons
    assessment.completed_on = on
    assessment.save()
    log_event(assessment, "self_assessment.completed", actor=actor, dpia_required=outcome.dpia_required)
    return outcome
