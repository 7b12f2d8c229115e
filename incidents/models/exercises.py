"""Crisis exercises (anti-DDoS, ISIDOOR, …) and their lessons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import formatting

from ..choices import CalamityLevel, ExerciseKind


class Exercise(models.Model):
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=12, choices=ExerciseKind.choices)
    held_on = models.DateField(_("datum"))
    scenario = models.TextField(_("scenario"), blank=True)
    partners = models.TextField(_("partners"), blank=True, help_text=_("Deelnemende partners, één per regel."))
    in_maintenance_window = models.BooleanField(_("tijdens een onderhoudsmoment"), default=False)
    announced_in_advance = models.BooleanField(_("vooraf aangekondigd"), default=False)
    levels_reached = models.JSONField(
        _("doorlopen crisisniveaus"),
        default=list,
        blank=True,
        help_text=_(
            "De niveaus waarlangs is opgeschaald, in volgorde (operationeel, tactisch, strategisch, bestuurlijk)."
        ),
    )

    class Meta:
        ordering = ["-held_on", "name"]
        verbose_name = _("oefening")
        verbose_name_plural = _("oefeningen")
        constraints = [models.UniqueConstraint(fields=["name", "held_on"], name="exercise_unique_name_date")]

    def __str__(self) -> str:
        return f"{self.name} ({formatting.day(self.held_on)})"

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_exercise_change", args=[self.pk])

    def clean(self) -> None:
        levels = self.levels_reached or []
        if not isinstance(levels, list) or any(level not in CalamityLevel.values for level in levels):
            raise ValidationError(
                {
                    "levels_reached": _("Onbekend crisisniveau; kies uit %(levels)s.")
                    % {"levels": ", ".join(CalamityLevel.values)}
                }
            )

    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class Lesson(models.Model):
    """A lesson learned from an exercise; its follow-up actions are compliance.FollowUpAction
    rows with this lesson as their source."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("oefening"))
    title = models.CharField(_("leerpunt"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["exercise", "pk"]
        verbose_name = _("leerpunt")
        verbose_name_plural = _("leerpunten")
        constraints = [models.UniqueConstraint(fields=["exercise", "title"], name="lesson_unique_per_exercise")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_lesson_change", args=[self.pk])
