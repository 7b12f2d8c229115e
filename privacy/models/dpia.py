"""DPIAs following the 17 sections of the Model DPIA Rijksdienst."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# (field name, label, part) for the 17 sections of the Model DPIA Rijksdienst.
SECTIONS = [
    ("s01_proposal", _("1. Voorstel"), "A"),
    ("s02_personal_data", _("2. Persoonsgegevens"), "A"),
    ("s03_processing", _("3. Gegevensverwerkingen"), "A"),
    ("s04_techniques", _("4. Technieken en methoden"), "A"),
    ("s05_purposes", _("5. Verwerkingsdoeleinden"), "A"),
    ("s06_parties", _("6. Betrokken partijen"), "A"),
    ("s07_interests", _("7. Belangen"), "A"),
    ("s08_locations", _("8. Verwerkingslocaties"), "A"),
    ("s09_legal_framework", _("9. Juridisch en beleidsmatig kader"), "A"),
    ("s10_retention", _("10. Bewaartermijnen"), "A"),
    ("s11_legal_basis", _("11. Rechtsgrond"), "B"),
    ("s12_special_data", _("12. Bijzondere persoonsgegevens"), "B"),
    ("s13_purpose_limitation", _("13. Doelbinding"), "B"),
    ("s14_necessity", _("14. Noodzaak en evenredigheid"), "B"),
    ("s15_rights", _("15. Rechten van betrokkenen"), "B"),
    ("s16_risks", _("16. Risico's"), "C"),
    ("s17_measures", _("17. Maatregelen"), "D"),
]
PARTS = {
    "A": _("A. Beschrijving kenmerken gegevensverwerkingen"),
    "B": _("B. Beoordeling rechtmatigheid gegevensverwerkingen"),
    "C": _("C. Beschrijving en beoordeling risico's voor de betrokkenen"),
    "D": _("D. Beschrijving voorgenomen maatregelen"),
}
# A residual score (likelihood x impact, each 1-4) of 9 or more counts as high risk and
# makes prior consultation of the Autoriteit Persoonsgegevens (Art. 36) necessary.
HIGH_RISK_SCORE = 9
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class DPIA(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        IN_REVIEW = "in_review", _("in beoordeling")
        DPO_ADVICE = "dpo_advice", _("advies FG")
        DECIDED = "decided", _("besloten")

    class Decision(models.TextChoices):
        PROCEED = "proceed", _("doorgaan")
        PROCEED_WITH_MEASURES = "proceed_with_measures", _("doorgaan met maatregelen")
        DO_NOT_PROCEED = "do_not_proceed", _("niet doorgaan")

    activity = models.ForeignKey(
        "privacy.ProcessingActivity", on_delete=models.PROTECT, related_name="dpias", verbose_name=_("verwerking")
    )
    title = models.CharField(_("titel"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_dpias", verbose_name=_("eigenaar")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    s01_proposal = models.TextField(_("1. Voorstel"), blank=True)
    s02_personal_data = models.TextField(_("2. Persoonsgegevens"), blank=True)
    s03_processing = models.TextField(_("3. Gegevensverwerkingen"), blank=True)
    s04_techniques = models.TextField(_("4. Technieken en methoden"), blank=True)
    s05_purposes = models.TextField(_("5. Verwerkingsdoeleinden"), blank=True)
    s06_parties = models.TextField(_("6. Betrokken partijen"), blank=True)
    s07_interests = models.TextField(_("7. Belangen"), blank=True)
    s08_locations = models.TextField(_("8. Verwerkingslocaties"), blank=True)
    s09_legal_framework = models.TextField(_("9. Juridisch en beleidsmatig kader"), blank=True)
    s10_retention = models.TextField(_("10. Bewaartermijnen"), blank=True)
    s11_legal_basis = models.TextField(_("11. Rechtsgrond"), blank=True)
    s12_special_data = models.TextField(_("12. Bijzondere persoonsgegevens"), blank=True)
    s13_purpose_limitation = models.TextField(_("13. Doelbinding"), blank=True)
    s14_necessity = models.TextField(_("14. Noodzaak en evenredigheid"), blank=True)
    s15_rights = models.TextField(_("15. Rechten van betrokkenen"), blank=True)
    s16_risks = models.TextField(_("16. Risico's"), blank=True)
    s17_measures = models.TextField(_("17. Maatregelen"), blank=True)
    dpo_advice = models.TextField(_("advies FG"), blank=True, editable=False)
    dpo_advice_on = models.DateField(_("advies FG gegeven op"), null=True, blank=True, editable=False)
    dpo_advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("advies FG door"),
    )
    decision = models.CharField(_("besluit"), max_length=30, choices=Decision.choices, blank=True, editable=False)
    decision_notes = models.TextField(_("toelichting besluit"), blank=True, editable=False)
    decided_on = models.DateField(_("besloten op"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("besloten door"),
    )
    prior_consultation_on = models.DateField(_("voorafgaande raadpleging AP aangevraagd op"), null=True, blank=True)
    review_on = models.DateField(_("herzien op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("DPIA")
        verbose_name_plural = _("DPIA's")
        indexes = [
            # annual figures: DPIAs decided per year
            models.Index(fields=["decided_on"], name="privacy_dpia_decided_idx"),
        ]
        constraints = [
            # The database refuses a decision without the DPO's advice.
            models.CheckConstraint(
                name="privacy_dpia_decision_needs_dpo_advice",
                condition=~models.Q(status="decided")
                | (
                    ~models.Q(dpo_advice="")
                    & models.Q(dpo_advice_on__isnull=False)
                    & ~models.Q(decision="")
                    & models.Q(decided_on__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="privacy_dpia_decided_after_advice",
                condition=models.Q(decided_on__isnull=True)
                | models.Q(dpo_advice_on__isnull=True)
                | models.Q(decided_on__gte=models.F("dpo_advice_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("admin:privacy_dpia_change", args=[self.pk])

    def clean(self) -> None:
        if self.status == self.Status.DECIDED and not self.dpo_advice:
            raise ValidationError(_("Een besluit vraagt eerst het advies van de FG"))

    def sections(self) -> list[tuple[str, str, str, str]]:
        """(field, label, part, text) of every section, in order."""
        return [(name, str(label), part, getattr(self, name)) for name, label, part in SECTIONS]

    def high_residual_risks(self) -> list[DPIARisk]:
        return [risk for risk in self.risks.all() if risk.residual_score >= HIGH_RISK_SCORE]

    @property
    def prior_consultation_required(self) -> bool:
        """Art. 36: consult the AP beforehand when a residual risk stays high."""
        return bool(self.high_residual_risks())


class DPIARisk(models.Model):
    dpia = models.ForeignKey(DPIA, on_delete=models.CASCADE, related_name="risks", verbose_name=_("DPIA"))
    description = models.TextField(_("risico"))
    likelihood = models.PositiveSmallIntegerField(_("kans (1-4)"), validators=SCALE_VALIDATORS)
    impact = models.PositiveSmallIntegerField(_("impact (1-4)"), validators=SCALE_VALIDATORS)
    measures = models.TextField(_("maatregelen"), blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("restkans (1-4)"), validators=SCALE_VALIDATORS)
    residual_impact = models.PositiveSmallIntegerField(_("restimpact (1-4)"), validators=SCALE_VALIDATORS)

    class Meta:
        ordering = ["dpia", "pk"]
        verbose_name = _("DPIA-risico")
        verbose_name_plural = _("DPIA-risico's")
        constraints = [
            models.CheckConstraint(
                name="privacy_risk_scales_one_to_four",
                condition=models.Q(
                    likelihood__gte=1,
                    likelihood__lte=4,
                    impact__gte=1,
                    impact__lte=4,
                    residual_likelihood__gte=1,
                    residual_likelihood__lte=4,
                    residual_impact__gte=1,
                    residual_impact__lte=4,
                ),
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact

    @property
    def residual_high(self) -> bool:
        return self.residual_score >= HIGH_RISK_SCORE


class DPIATransition(models.Model):
    """Who moved a DPIA from one status to the next, and when."""

    dpia = models.ForeignKey(DPIA, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("DPIA"))
    from_status = models.CharField(_("van"), max_length=20, choices=DPIA.Status.choices)
    to_status = models.CharField(_("naar"), max_length=20, choices=DPIA.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("door")
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["dpia", "at", "pk"]
        verbose_name = _("DPIA-statuswijziging")
        verbose_name_plural = _("DPIA-statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.dpia}: {self.get_from_status_display()} → {self.get_to_status_display()}"
