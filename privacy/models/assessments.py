"""Self-assessments (pre-scan DPIA): a questionnaire defined as data, answered and scored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ALREADY_COMPLETED_MESSAGE = _(
    "Deze self-assessment is al afgerond; begin een nieuwe ronde (een nieuwe self-assessment met deze als"
    " vorige ronde)."
)


class Questionnaire(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)
    wp248_threshold = models.PositiveSmallIntegerField(
        _("drempel WP248-criteria"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Zoveel of meer WP248-criteria met 'ja' maken een DPIA verplicht."),
    )
    score_threshold = models.PositiveIntegerField(
        _("drempel totaalscore"),
        null=True,
        blank=True,
        help_text=_("Een totaalscore van minstens dit getal maakt een DPIA verplicht (leeg: niet gebruikt)."),
    )
    active = models.BooleanField(_("in gebruik"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vragenlijst")
        verbose_name_plural = _("vragenlijsten")
        constraints = [
            models.CheckConstraint(
                name="privacy_questionnaire_threshold_positive", condition=models.Q(wp248_threshold__gte=1)
            )
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class AnswerType(models.TextChoices):
        YES_NO = "yes_no", _("ja/nee")
        SCALE = "scale", _("schaal 0-4")
        TEXT = "text", _("vrije tekst (telt niet mee)")

    class Criterion(models.TextChoices):
        NONE = "none", _("geen (alleen score)")
        WP248 = "wp248", _("WP248-criterium")
        AP_LIST = "ap_list", _("verplichte DPIA-lijst AP")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("vragenlijst")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("vraag"))
    help_text = models.TextField(_("toelichting"), blank=True)
    answer_type = models.CharField(_("soort antwoord"), max_length=10, choices=AnswerType.choices)
    weight = models.PositiveSmallIntegerField(_("gewicht"), default=1)
    criterion = models.CharField(_("criterium"), max_length=10, choices=Criterion.choices, default=Criterion.NONE)

    class Meta:
        ordering = ["questionnaire", "number"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="privacy_question_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class SelfAssessment(models.Model):
    """One filled-in pre-scan, about a processing activity or a service."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("vragenlijst")
    )
    activity = models.ForeignKey(
        "privacy.ProcessingActivity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="self_assessments",
        verbose_name=_("verwerking"),
    )
    service = models.ForeignKey(
        "organisation.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="self_assessments",
        verbose_name=_("voorziening"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ingevuld door")
    )
    started_on = models.DateField(_("gestart op"))
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True, editable=False)
    dpia_required = models.BooleanField(_("DPIA verplicht"), null=True, blank=True, editable=False)
    reasons = models.JSONField(_("redenen"), default=list, blank=True, editable=False)
    notes = models.TextField(_("opmerkingen"), blank=True)
    # A completed self-assessment is done; a new round is a new self-assessment linked to it.
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name=_("vorige ronde"),
        help_text=_("De afgeronde self-assessment waarvan dit een nieuwe ronde is."),
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        indexes = [
            # annual figures: assessments completed per year
            models.Index(fields=["completed_on"], name="privacy_assessment_done_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="privacy_assessment_activity_or_service",
                condition=models.Q(activity__isnull=False, service__isnull=True)
                | models.Q(activity__isnull=True, service__isnull=False),
            ),
            models.CheckConstraint(
                name="privacy_assessment_completed_after_start",
                condition=models.Q(completed_on__isnull=True) | models.Q(completed_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        subject = self.activity or self.service
        return f"{self.questionnaire} — {subject}"

    # completed_on as stored (None: not completed, or not loaded)
    _stored_completed_on: Any = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_completed_on is not None and self.completed_on != self._stored_completed_on:
            raise ValidationError({"completed_on": ALREADY_COMPLETED_MESSAGE})
        super().save(*args, **kwargs)
        self._stored_completed_on = self.completed_on

    def get_absolute_url(self) -> str:
        return reverse("admin:privacy_selfassessment_change", args=[self.pk])

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> SelfAssessment:
        instance = super().from_db(db, field_names, values)
        instance._stored_completed_on = instance.__dict__.get("completed_on")
        return instance

    def clean(self) -> None:
        if bool(self.activity_id) == bool(self.service_id):
            raise ValidationError(_("Kies een verwerking óf een voorziening"))
        if self._stored_completed_on is not None and self.completed_on != self._stored_completed_on:
            raise ValidationError({"completed_on": ALREADY_COMPLETED_MESSAGE})
        previous = self.previous
        if previous is not None:
            if self.pk is not None and previous.pk == self.pk:
                raise ValidationError({"previous": _("Een ronde kan niet haar eigen vorige ronde zijn.")})
            if previous.completed_on is None:
                raise ValidationError({"previous": _("De vorige ronde is nog niet afgerond; rond die eerst af.")})
            if (previous.activity_id, previous.service_id) != (self.activity_id, self.service_id):
                raise ValidationError(
                    {"previous": _("De vorige ronde gaat over een andere verwerking of voorziening.")}
                )
            if self.started_on and self.started_on < previous.completed_on:
                raise ValidationError(
                    {"started_on": _("Een nieuwe ronde begint niet vóór de afronding van de vorige.")}
                )


class Answer(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("self-assessment")
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("vraag"))
    value = models.PositiveSmallIntegerField(
        _("antwoord"), null=True, blank=True, help_text=_("ja/nee: 1 of 0; schaal: 0 tot en met 4.")
    )
    text = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["assessment", "question__number"]
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="privacy_answer_one_per_question"),
            models.CheckConstraint(
                name="privacy_answer_value_range", condition=models.Q(value__isnull=True) | models.Q(value__lte=4)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.number}: {self.value if self.value is not None else self.text[:40]}"

    def clean(self) -> None:
        question = self.question if self.question_id else None
        if question is None:
            return
        if self.assessment_id and question.questionnaire_id != self.assessment.questionnaire_id:
            raise ValidationError(_("Deze vraag hoort niet bij deze vragenlijst"))
        limit = {Question.AnswerType.YES_NO: 1, Question.AnswerType.SCALE: 4}.get(question.answer_type)
        if limit is not None and self.value is not None and self.value > limit:
            raise ValidationError({"value": _("Antwoord moet tussen 0 en %(max)d liggen") % {"max": limit}})
