"""The registers beside the incidents: DDoS attacks, phishing takedowns, misuse
investigations for chain partners, fraud account removals, and the import batches
that bring takedowns and removals in by the thousand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.moments import future_errors
from organisation.models import Service

from ..choices import DDoSVector, FraudReason, ImportKind, MisuseOutcome, TakedownKind, TakedownOutcome
from ..normalise import normalise_url


class ImportBatch(models.Model):
    """One bulk import (a file, or a demo load): the summary record the imported rows point to."""

    kind = models.CharField(_("soort"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(_("SHA-256 van het bestand"), max_length=64, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geïmporteerd door"),
    )
    imported_at = models.DateTimeField(_("geïmporteerd op"), default=timezone.now)
    rows = models.PositiveIntegerField(_("regels"), default=0)
    created = models.PositiveIntegerField(_("toegevoegd"), default=0)
    duplicates = models.PositiveIntegerField(_("dubbel (overgeslagen)"), default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("importbatch")
        verbose_name_plural = _("importbatches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({formatting.day(self.imported_at)})"


class DDoSAttack(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ddos_attacks",
        verbose_name=_("incident"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ddos_attacks",
        verbose_name=_("aangevallen voorziening"),
    )
    started_at = models.DateTimeField(_("begonnen op"))
    vector = models.CharField(_("aanvalsvector"), max_length=20, choices=DDoSVector.choices)
    peak_gbps = models.DecimalField(
        _("piekvolume (Gbit/s)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    mitigated = models.BooleanField(_("afgeslagen"), default=True)
    interruption_minutes = models.PositiveIntegerField(_("minuten onderbreking"), default=0)
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("DDoS-aanval")
        verbose_name_plural = _("DDoS-aanvallen")
        indexes = [
            # the list (newest first), attacks per month and the annual figure: started_at in a range
            models.Index(fields=["started_at"], name="ddos_started_idx"),
        ]
        constraints = [
            # natural key (demo data, repeated reports of one attack)
            models.UniqueConstraint(fields=["started_at", "vector"], name="ddos_unique_start_vector"),
            models.CheckConstraint(name="ddos_peak_not_negative", condition=models.Q(peak_gbps__gte=0)),
        ]

    def __str__(self) -> str:
        return f"DDoS {formatting.moment(self.started_at)} {self.get_vector_display()}"

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_ddosattack_change", args=[self.pk])

    def clean(self) -> None:
        errors = future_errors(started_at=self.started_at)
        if errors:
            raise ValidationError(errors)


def takedown_completed_at(outcome: str, reported_at: datetime | None, taken_down_at: datetime | None) -> Any:
    """When a takedown counts as done: taken offline at `taken_down_at`; never visible at
    `reported_at` (it was handled on the report); still online: not done."""
    if outcome == TakedownOutcome.TAKEN_OFFLINE:
        return taken_down_at
    if outcome == TakedownOutcome.NEVER_VISIBLE:
        return reported_at
    return None


class PhishingTakedown(models.Model):
    url = models.CharField(_("URL of app-store-vermelding"), max_length=2000)
    normalised_url = models.CharField(_("genormaliseerde URL"), max_length=500, editable=False)
    kind = models.CharField(_("soort"), max_length=10, choices=TakedownKind.choices, default=TakedownKind.WEBSITE)
    abused_brand = models.CharField(_("misbruikt merk"), max_length=80, default="DigiD")
    reported_at = models.DateTimeField(_("gemeld op"))
    outcome = models.CharField(
        _("resultaat"), max_length=20, choices=TakedownOutcome.choices, default=TakedownOutcome.STILL_ONLINE
    )
    taken_down_at = models.DateTimeField(_("offline gehaald op"), null=True, blank=True)
    # Derived from outcome and the two dates (takedown_completed_at); a constraint keeps it honest.
    completed_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True, editable=False)
    # A site that returns after it was taken down is a new takedown, linked to the earlier one
    # (set by save(): the latest completed takedown of the same normalised URL).
    earlier = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="returns",
        verbose_name=_("eerdere takedown van deze URL"),
    )
    hosting_provider = models.CharField(_("hostingpartij"), max_length=200, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="takedowns",
        verbose_name=_("importbatch"),
    )

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("phishing-takedown")
        verbose_name_plural = _("phishing-takedowns")
        indexes = [
            # the admin and API lists: newest reports first (cursor pagination on reported_at)
            models.Index(fields=["reported_at", "id"], name="takedown_reported_idx"),
            # annual figure and takedowns per month: completed_at in a year
            models.Index(fields=["completed_at"], name="takedown_completed_idx"),
        ]
        constraints = [
            # unique while open: a site that returns after its takedown is a new takedown
            models.UniqueConstraint(
                fields=["normalised_url"],
                condition=models.Q(completed_at__isnull=True),
                name="takedown_normalised_url_unique_open",
                violation_error_message=_("Deze URL is al gemeld en nog niet afgehandeld."),
            ),
            models.CheckConstraint(
                name="takedown_offline_has_time",
                condition=~models.Q(outcome="taken_offline") | models.Q(taken_down_at__isnull=False),
                violation_error_message=_("Een offline gehaalde site heeft een tijdstip van offline halen."),
            ),
            models.CheckConstraint(
                name="takedown_not_before_report",
                condition=models.Q(taken_down_at__isnull=True) | models.Q(taken_down_at__gte=models.F("reported_at")),
                violation_error_message=_("Offline gehaald kan niet vóór de melding liggen."),
            ),
            models.CheckConstraint(
                name="takedown_completed_matches_outcome",
                condition=(
                    models.Q(outcome="taken_offline", completed_at=models.F("taken_down_at"))
                    | models.Q(outcome="never_visible", completed_at=models.F("reported_at"))
                    | models.Q(outcome="still_online", completed_at__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.normalised_url or self.url

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.prepare()
        if self.pk is None and self.earlier_id is None:
            self.earlier = self.find_earlier()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_phishingtakedown_change", args=[self.pk])

    def find_earlier(self) -> PhishingTakedown | None:
        """The latest completed takedown of the same URL before this one was reported."""
        earlier = PhishingTakedown.objects.filter(normalised_url=self.normalised_url, completed_at__isnull=False)
        if self.pk is not None:
            earlier = earlier.exclude(pk=self.pk)
        if self.reported_at is not None:
            earlier = earlier.filter(completed_at__lte=self.reported_at)
        return earlier.order_by("-completed_at", "-pk").first()

    def clean(self) -> None:
        try:
            self.normalised_url = normalise_url(self.url)
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from None
        errors = future_errors(reported_at=self.reported_at, taken_down_at=self.taken_down_at)
        if errors:
            raise ValidationError(errors)
        same_url = PhishingTakedown.objects.filter(normalised_url=self.normalised_url).exclude(pk=self.pk)
        duplicate = same_url.filter(completed_at__isnull=True).first()
        if duplicate:
            raise ValidationError(
                {
                    "url": _("Deze URL is al gemeld (nummer %(pk)s, gemeld op %(date)s).")
                    % {"pk": duplicate.pk, "date": f"{timezone.localtime(duplicate.reported_at):%Y-%m-%d}"}
                }
            )
        if self.reported_at and self.pk is None:
            # a return is reported after the earlier takedown was done, never inside it
            overlapping = same_url.filter(completed_at__gt=self.reported_at, reported_at__lte=self.reported_at).first()
            if overlapping:
                raise ValidationError(
                    {
                        "reported_at": _(
                            "Deze URL was op dat moment al gemeld (nummer %(pk)s); een terugkeer wordt gemeld"
                            " na het offline halen."
                        )
                        % {"pk": overlapping.pk}
                    }
                )
        if self.outcome == TakedownOutcome.TAKEN_OFFLINE and not self.taken_down_at:
            raise ValidationError({"taken_down_at": _("Vul in wanneer de site offline is gehaald.")})
        if self.taken_down_at and self.reported_at and self.taken_down_at < self.reported_at:
            raise ValidationError({"taken_down_at": _("Offline gehaald kan niet vóór de melding liggen.")})

    def prepare(self) -> None:
        """Fill the derived fields (also called by the importer before bulk_create)."""
        self.normalised_url = normalise_url(self.url)
        self.completed_at = takedown_completed_at(self.outcome, self.reported_at, self.taken_down_at)


class MisuseInvestigation(models.Model):
    """An investigation of possible misuse of the agency's services, for a chain partner."""

    chain_partner = models.CharField(_("ketenpartner"), max_length=120)
    partner_reference = models.CharField(_("kenmerk ketenpartner"), max_length=100)
    subject = models.CharField(_("onderwerp"), max_length=200)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="misuse_investigations",
        verbose_name=_("voorziening"),
    )
    opened_on = models.DateField(_("geopend op"))
    closed_on = models.DateField(_("gesloten op"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=24, choices=MisuseOutcome.choices, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("misbruikonderzoek")
        verbose_name_plural = _("misbruikonderzoeken")
        indexes = [
            # the list (newest first), annual figure and per month: opened_on in a year
            models.Index(fields=["opened_on"], name="misuse_opened_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_partner", "partner_reference"],
                name="misuse_unique_partner_reference",
                violation_error_message=_("Deze ketenpartner heeft al een onderzoek met dit kenmerk."),
            ),
            models.CheckConstraint(
                name="misuse_closed_not_before_opened",
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                violation_error_message=_("Gesloten kan niet vóór geopend liggen."),
            ),
            models.CheckConstraint(
                name="misuse_closed_has_outcome",
                condition=models.Q(closed_on__isnull=True) | ~models.Q(outcome=""),
                violation_error_message=_("Een gesloten onderzoek heeft een uitkomst."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain_partner} {self.partner_reference}"

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_misuseinvestigation_change", args=[self.pk])

    def clean(self) -> None:
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("Gesloten kan niet vóór geopend liggen.")})
        if self.closed_on and not self.outcome:
            raise ValidationError({"outcome": _("Een gesloten onderzoek heeft een uitkomst.")})


class FraudAccountRemoval(models.Model):
    """A DigiD account removed for identity fraud. Only a keyed pseudonym of the account
    number is kept (incidents.pseudonyms), never the number itself, never a BSN."""

    pseudonym = models.CharField(
        _("pseudoniem van het accountnummer"),
        max_length=64,
        help_text=_("HMAC-SHA256 van het DigiD-accountnummer; het nummer zelf wordt niet bewaard."),
    )
    reason = models.CharField(_("reden"), max_length=24, choices=FraudReason.choices)
    removed_at = models.DateTimeField(_("verwijderd op"))
    victim_informed = models.BooleanField(_("gedupeerde geïnformeerd"), default=False)
    new_digid_requested = models.BooleanField(_("nieuwe DigiD aangevraagd"), default=False)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fraud_removals",
        verbose_name=_("importbatch"),
    )

    class Meta:
        ordering = ["-removed_at", "-pk"]
        verbose_name = _("verwijderd account (identiteitsfraude)")
        verbose_name_plural = _("verwijderde accounts (identiteitsfraude)")
        indexes = [
            # the admin and API lists (cursor on removed_at), the annual figure and per month
            models.Index(fields=["removed_at", "id"], name="fraud_removed_idx"),
            # repeat victims: all removals of one pseudonym
            models.Index(fields=["pseudonym"], name="fraud_pseudonym_idx"),
        ]
        constraints = [
            # natural key: the same account removed at the same moment is one removal
            models.UniqueConstraint(
                fields=["pseudonym", "removed_at"],
                name="fraud_unique_pseudonym_removed_at",
                violation_error_message=_("Deze verwijdering is al geregistreerd."),
            ),
            # a pseudonym is a 64-hex-digit HMAC, never a short account number
            models.CheckConstraint(name="fraud_pseudonym_is_hmac", condition=Exact(Length("pseudonym"), 64)),
        ]

    def __str__(self) -> str:
        return f"{self.pseudonym[:12]}… {formatting.day(self.removed_at)}"

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_fraudaccountremoval_change", args=[self.pk])

    def clean(self) -> None:
        errors = future_errors(removed_at=self.removed_at)
        if errors:
            raise ValidationError(errors)
