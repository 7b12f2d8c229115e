"""Frameworks imported from framework-library YAML (BIO2, NIST CSF, …), their
requirements, and the statement of applicability."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    urn = models.CharField(_("URN"), max_length=255, unique=True)
    ref_id = models.CharField(_("code"), max_length=100)
    name = models.CharField(_("naam (Engels)"), max_length=255)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=255, blank=True)
    description = models.TextField(_("omschrijving (Engels)"), blank=True)
    description_nl = models.TextField(_("omschrijving (Nederlands)"), blank=True)
    library_urn = models.CharField(_("bibliotheek-URN"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("versie"), default=1)
    provider = models.CharField(_("uitgever"), max_length=120, blank=True)
    locale = models.CharField(_("taal van het bestand"), max_length=10, blank=True)
    # ref_id -> {"name": …, "name_nl": …} of the implementation groups the file defines
    implementation_groups = models.JSONField(_("implementatiegroepen"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("geïmporteerd op"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("normenkader")
        verbose_name_plural = _("normenkaders")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("admin:compliance_framework_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return (self.name_nl if get_language() == "nl" else "") or self.name or self.name_nl


class Requirement(models.Model):
    """One node of a framework: a measure (BIO2 5.01.02) or a grouping (NIST CSF GV, GV.OC)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("normenkader")
    )
    urn = models.CharField(_("URN"), max_length=255)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("bovenliggend")
    )
    ref_id = models.CharField(_("nummer"), max_length=100, blank=True)
    name = models.CharField(_("naam (Engels)"), max_length=500, blank=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=500, blank=True)
    description = models.TextField(_("tekst (Engels)"), blank=True)
    description_nl = models.TextField(_("tekst (Nederlands)"), blank=True)
    assessable = models.BooleanField(_("toetsbaar"), default=True)
    depth = models.PositiveSmallIntegerField(_("niveau"), default=1)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    implementation_groups = models.JSONField(_("implementatiegroepen"), default=list, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("eis")
        verbose_name_plural = _("eisen")
        constraints = [
            models.UniqueConstraint(fields=["framework", "urn"], name="requirement_unique_urn_per_framework"),
        ]
        indexes = [
            # requirement lists and the coverage report: one framework in document order
            models.Index(fields=["framework", "position"], name="requirement_order_idx"),
        ]

    def __str__(self) -> str:
        title = self.title
        return f"{self.ref_id} {title}".strip()[:120] if self.ref_id else title[:120]

    def get_absolute_url(self) -> str:
        return reverse("admin:compliance_requirement_change", args=[self.pk])

    @property
    def title(self) -> str:
        dutch = get_language() == "nl"
        name = (self.name_nl if dutch else "") or self.name or self.name_nl
        if name:
            return name
        text = (self.description_nl if dutch else "") or self.description or self.description_nl
        return text.split("\n", 1)[0][:100]


class Applicability(models.Model):
    """A line of the statement of applicability (Verklaring van Toepasselijkheid): a
    requirement that is not applied needs a justification (a risk analysis reference)."""

    requirement = models.OneToOneField(
        Requirement, on_delete=models.CASCADE, related_name="applicability", verbose_name=_("eis")
    )
    applicable = models.BooleanField(_("van toepassing"), default=True)
    justification = models.TextField(
        _("onderbouwing"), blank=True, help_text=_("Verplicht als de eis niet van toepassing is (risicoanalyse).")
    )

    class Meta:
        ordering = ["requirement__framework", "requirement__position"]
        verbose_name = _("toepasselijkheid")
        verbose_name_plural = _("toepasselijkheid")
        constraints = [
            models.CheckConstraint(
                name="applicability_not_applicable_justified",
                condition=models.Q(applicable=True) | ~models.Q(justification=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {_('van toepassing') if self.applicable else _('niet van toepassing')}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.applicable and not self.justification.strip():
            raise ValidationError({"justification": _("Geef een onderbouwing als de eis niet van toepassing is")})
