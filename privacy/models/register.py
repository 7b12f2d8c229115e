"""The register of processing activities (AVG Art. 30(1))."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.moments import future_errors

# Art. 9(1) special categories: (field name, label). Each is a flag on the activity.
SPECIAL_CATEGORIES = [
    ("special_racial_ethnic", _("ras of etnische afkomst")),
    ("special_political", _("politieke opvattingen")),
    ("special_religious", _("religieuze of levensbeschouwelijke overtuigingen")),
    ("special_trade_union", _("lidmaatschap van een vakbond")),
    ("special_genetic", _("genetische gegevens")),
    ("special_biometric", _("biometrische gegevens voor identificatie")),
    ("special_health", _("gezondheid")),
    ("special_sex_life", _("seksueel gedrag of seksuele gerichtheid")),
]

# DPIA screening criteria (as the VWS register keeps them): (field name, label).
SCREENING_FLAGS = [
    ("screening_automated_decision", _("geautomatiseerde besluitvorming")),
    ("screening_large_scale", _("grootschalige verwerking")),
    ("screening_systematic_monitoring", _("stelselmatige monitoring")),
    ("screening_ap_mandatory_list", _("op de verplichte DPIA-lijst van de AP")),
    ("screening_high_risk", _("hoog risico vastgesteld")),
]
# Two or more WP248 criteria make a DPIA required (WP248 rev.01, the "two criteria" rule).
WP248_THRESHOLD = 2


# The fields of a registration, grouped as Art. 30 groups them: the one list that the admin
# form, the API and the register export follow (computed values are added where shown).
REGISTER_SECTIONS: list[tuple[str | None, list[str]]] = [
    (None, ["public_id", "code", "name", "description", "role", "owner", "services"]),
    (_("Contact (art. 30 lid 1 a)"), ["controller_contact", "dpo_contact"]),
    (
        _("Betrokkenen, gegevens en ontvangers (art. 30 lid 1 c, d)"),
        ["data_subject_categories", "personal_data_categories", "recipient_categories"],
    ),
    (_("Bijzondere en gevoelige gegevens"), [name for name, _label in SPECIAL_CATEGORIES] + ["criminal_data", "bsn"]),
    (_("Bewaren en beveiligen (art. 30 lid 1 f, g)"), ["retention_period", "security_measures"]),
    (_("DPIA-screening"), [name for name, _label in SCREENING_FLAGS] + ["screening_wp248_criteria"]),
    (_("Registratie en herziening"), ["registered_on", "next_review_on"]),
]
REGISTER_FIELDS = [name for _title, names in REGISTER_SECTIONS for name in names]


class Category(models.Model):
    """A category of data subjects, of personal data or of recipients."""

    class Kind(models.TextChoices):
        DATA_SUBJECTS = "subjects", _("betrokkenen")
        PERSONAL_DATA = "data", _("persoonsgegevens")
        RECIPIENTS = "recipients", _("ontvangers")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=150)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="privacy_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProcessingActivity(models.Model):
    """A verwerking in the Art. 30 register."""

    class Role(models.TextChoices):
        CONTROLLER = "controller", _("verwerkingsverantwoordelijke")
        JOINT_CONTROLLER = "joint_controller", _("gezamenlijk verwerkingsverantwoordelijke")
        PROCESSOR = "processor", _("verwerker")

    # Stable identifier that processing logs (Logboek Dataverwerkingen) point to.
    public_id = models.UUIDField(_("publieke identificatie"), default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Korte vaste code, bv. VW-2021-01."))
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.CONTROLLER)
    controller_contact = models.TextField(
        _("verwerkingsverantwoordelijke (naam en contactgegevens)"),
        help_text=_("Ook eventuele gezamenlijk verwerkingsverantwoordelijken of vertegenwoordiger."),
    )
    dpo_contact = models.TextField(_("functionaris gegevensbescherming (contactgegevens)"))
    data_subject_categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="activities_as_subjects",
        limit_choices_to={"kind": Category.Kind.DATA_SUBJECTS},
        verbose_name=_("categorieën betrokkenen"),
    )
    personal_data_categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="activities_as_data",
        limit_choices_to={"kind": Category.Kind.PERSONAL_DATA},
        verbose_name=_("categorieën persoonsgegevens"),
    )
    recipient_categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="activities_as_recipients",
        limit_choices_to={"kind": Category.Kind.RECIPIENTS},
        verbose_name=_("categorieën ontvangers"),
    )
    special_racial_ethnic = models.BooleanField(_("ras of etnische afkomst"), default=False)
    special_political = models.BooleanField(_("politieke opvattingen"), default=False)
    special_religious = models.BooleanField(_("religieuze of levensbeschouwelijke overtuigingen"), default=False)
    special_trade_union = models.BooleanField(_("lidmaatschap van een vakbond"), default=False)
    special_genetic = models.BooleanField(_("genetische gegevens"), default=False)
    special_biometric = models.BooleanField(_("biometrische gegevens voor identificatie"), default=False)
    special_health = models.BooleanField(_("gezondheid"), default=False)
    special_sex_life = models.BooleanField(_("seksueel gedrag of seksuele gerichtheid"), default=False)
    criminal_data = models.BooleanField(_("strafrechtelijke gegevens"), default=False)
    bsn = models.BooleanField(_("burgerservicenummer (BSN)"), default=False)
    retention_period = models.TextField(_("bewaartermijn"), blank=True)
    security_measures = models.TextField(_("beveiligingsmaatregelen (Art. 32)"), blank=True)
    services = models.ManyToManyField(
        "organisation.Service", blank=True, related_name="processing_activities", verbose_name=_("voorzieningen")
    )
    screening_automated_decision = models.BooleanField(_("geautomatiseerde besluitvorming"), default=False)
    screening_large_scale = models.BooleanField(_("grootschalige verwerking"), default=False)
    screening_systematic_monitoring = models.BooleanField(_("stelselmatige monitoring"), default=False)
    screening_ap_mandatory_list = models.BooleanField(_("op de verplichte DPIA-lijst van de AP"), default=False)
    screening_wp248_criteria = models.PositiveSmallIntegerField(
        _("aantal WP248-criteria"), default=0, help_text=_("Hoeveel van de negen WP248-criteria van toepassing zijn.")
    )
    screening_high_risk = models.BooleanField(_("hoog risico vastgesteld"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="processing_activities",
        verbose_name=_("eigenaar"),
    )
    registered_on = models.DateField(_("datum registratie"))
    next_review_on = models.DateField(_("volgende herziening"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("verwerking")
        verbose_name_plural = _("verwerkingen")
        indexes = [
            # annual figures: registrations per year
            models.Index(fields=["registered_on"], name="privacy_activity_reg_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="privacy_activity_wp248_max_nine", condition=models.Q(screening_wp248_criteria__lte=9)
            ),
            models.CheckConstraint(
                name="privacy_activity_review_after_registration",
                condition=models.Q(next_review_on__isnull=True)
                | models.Q(next_review_on__gte=models.F("registered_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:privacy_processingactivity_change", args=[self.pk])

    def clean(self) -> None:
        errors = future_errors(registered_on=self.registered_on)
        if errors:
            raise ValidationError(errors)

    @property
    def special_categories(self) -> list[str]:
        return [str(label) for name, label in SPECIAL_CATEGORIES if getattr(self, name)]

    @property
    def screening_reasons(self) -> list[str]:
        """Why the screening says a DPIA is required (empty: not required)."""
        reasons = [str(label) for name, label in SCREENING_FLAGS if getattr(self, name)]
        if self.screening_wp248_criteria >= WP248_THRESHOLD:
            reasons.append(str(_("%(n)d WP248-criteria (twee of meer)") % {"n": self.screening_wp248_criteria}))
        return reasons

    @property
    def dpia_required(self) -> bool:
        return bool(self.screening_reasons)


class Purpose(models.Model):
    """A purpose of a processing activity with its legal basis (Art. 6(1))."""

    class LegalBasis(models.TextChoices):
        CONSENT = "a", _("a. toestemming")
        CONTRACT = "b", _("b. uitvoering van een overeenkomst")
        LEGAL_OBLIGATION = "c", _("c. wettelijke verplichting")
        VITAL_INTERESTS = "d", _("d. vitale belangen")
        PUBLIC_TASK = "e", _("e. taak van algemeen belang of openbaar gezag")
        LEGITIMATE_INTERESTS = "f", _("f. gerechtvaardigd belang")

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="purposes", verbose_name=_("verwerking")
    )
    description = models.CharField(_("doel"), max_length=300)
    legal_basis = models.CharField(_("grondslag (Art. 6 lid 1)"), max_length=1, choices=LegalBasis.choices)
    legal_basis_detail = models.CharField(
        _("toelichting grondslag"), max_length=300, blank=True, help_text=_("Bijvoorbeeld de wet en het artikel.")
    )

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        constraints = [
            models.UniqueConstraint(fields=["activity", "description"], name="privacy_purpose_unique_per_activity"),
            models.CheckConstraint(
                name="privacy_purpose_basis_valid", condition=models.Q(legal_basis__in=["a", "b", "c", "d", "e", "f"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.legal_basis})"


class Processor(models.Model):
    """A verwerker engaged for an activity, with its processing agreement."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="processors", verbose_name=_("verwerking")
    )
    name = models.CharField(_("verwerker"), max_length=200)
    service_description = models.CharField(_("dienst"), max_length=300, blank=True)
    agreement_signed_on = models.DateField(_("verwerkersovereenkomst getekend op"), null=True, blank=True)
    agreement_ends_on = models.DateField(_("verwerkersovereenkomst loopt tot"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "name"]
        verbose_name = _("verwerker")
        verbose_name_plural = _("verwerkers")
        constraints = [
            models.UniqueConstraint(fields=["activity", "name"], name="privacy_processor_unique_per_activity"),
            models.CheckConstraint(
                name="privacy_processor_agreement_dates",
                condition=models.Q(agreement_ends_on__isnull=True)
                | models.Q(agreement_signed_on__isnull=True)
                | models.Q(agreement_ends_on__gte=models.F("agreement_signed_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """A transfer of personal data to a third country (Art. 44-49) with its safeguard."""

    class Safeguard(models.TextChoices):
        ADEQUACY = "adequacy", _("adequaatheidsbesluit (Art. 45)")
        SCC = "scc", _("modelcontractbepalingen (Art. 46)")
        BCR = "bcr", _("bindende bedrijfsvoorschriften (Art. 47)")
        DEROGATION = "derogation", _("uitzondering voor specifieke situaties (Art. 49)")

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("verwerking")
    )
    country = models.CharField(_("land"), max_length=100)
    recipient = models.CharField(_("ontvanger"), max_length=200)
    safeguard = models.CharField(_("waarborg"), max_length=20, choices=Safeguard.choices)
    safeguard_detail = models.TextField(_("toelichting waarborg"), blank=True)

    class Meta:
        ordering = ["activity", "country"]
        verbose_name = _("doorgifte")
        verbose_name_plural = _("doorgiften")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "country", "recipient"], name="privacy_transfer_unique_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.country})"
