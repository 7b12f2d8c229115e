"""Data breaches (datalekken): Art. 33 notification to the AP and Art. 34 to data subjects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.moments import future_errors

# Art. 33(1): notify the AP within 72 hours of becoming aware.
NOTIFICATION_WINDOW = timedelta(hours=72)


def notification_deadline(aware_at: datetime) -> datetime:
    """72 hours of absolute time after `aware_at`, also across a change of summer time
    (an aware datetime plus a timedelta moves the wall clock, not the hours)."""
    return (aware_at.astimezone(UTC) + NOTIFICATION_WINDOW).astimezone(aware_at.tzinfo)


# The facts the notification's timeliness rests on: frozen once reported to the AP; only an
# explicit correction with a reason (privacy.breaches.correct_reported_facts) changes them.
REPORTED_FACTS = ("aware_at", "reported_to_ap_at")
FROZEN_FACT_MESSAGE = _("Vastgelegd sinds de melding bij de AP; wijzig dit alleen met een correctie met reden")


class DataBreachQuerySet(models.QuerySet):
    def open_clock(self) -> DataBreachQuerySet:
        """Breaches whose Art. 33 clock still runs: neither reported nor decided not to report."""
        return self.filter(reported_to_ap_at__isnull=True, not_reported_decided_at__isnull=True)

    def reported_late(self) -> DataBreachQuerySet:
        return self.filter(reported_to_ap_at__gt=models.F("aware_at") + NOTIFICATION_WINDOW)


class DataBreach(models.Model):
    class ReportType(models.TextChoices):
        PROVISIONAL = "provisional", _("voorlopig")
        FINAL = "final", _("definitief")

    class Risk(models.TextChoices):
        UNLIKELY = "unlikely", _("geen risico waarschijnlijk")
        RISK = "risk", _("risico")
        HIGH = "high", _("hoog risico")

    class SubjectsDecision(models.TextChoices):
        UNDECIDED = "", _("nog niet besloten")
        INFORM = "inform", _("betrokkenen informeren")
        NOT_NEEDED_LOW_RISK = "low_risk", _("niet nodig: geen hoog risico")
        NOT_NEEDED_ENCRYPTED = "encrypted", _("niet nodig: gegevens onbegrijpelijk (versleuteld)")
        NOT_NEEDED_RISK_REMOVED = "risk_removed", _("niet nodig: risico weggenomen")
        PUBLIC_NOTICE = "public_notice", _("onevenredige inspanning: openbare mededeling")

    reference = models.SlugField(_("kenmerk"), max_length=40, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    # A lazy reference: privacy does not import incidents (DESIGN: imports run downward).
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_breaches",
        verbose_name=_("incident"),
    )
    report_type = models.CharField(
        _("soort melding"), max_length=20, choices=ReportType.choices, default=ReportType.PROVISIONAL
    )
    aware_at = models.DateTimeField(_("bekend geworden op"))
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("geëindigd op"), null=True, blank=True)
    nature = models.TextField(_("aard van de inbreuk"))
    data_categories = models.ManyToManyField(
        "privacy.Category",
        blank=True,
        related_name="breaches",
        limit_choices_to={"kind": "data"},
        verbose_name=_("categorieën persoonsgegevens"),
    )
    subject_categories = models.TextField(_("categorieën betrokkenen"), blank=True)
    persons_affected = models.PositiveIntegerField(_("aantal betrokkenen (bij benadering)"), null=True, blank=True)
    records_affected = models.PositiveIntegerField(_("aantal registraties (bij benadering)"), null=True, blank=True)
    consequences = models.TextField(_("waarschijnlijke gevolgen"), blank=True)
    measures = models.TextField(_("genomen of voorgestelde maatregelen"), blank=True)
    risk = models.CharField(_("risico voor betrokkenen"), max_length=20, choices=Risk.choices, default=Risk.RISK)
    activities = models.ManyToManyField(
        "privacy.ProcessingActivity", blank=True, related_name="breaches", verbose_name=_("verwerkingen")
    )
    reported_to_ap_at = models.DateTimeField(_("gemeld bij de AP op"), null=True, blank=True, editable=False)
    ap_reference = models.CharField(_("meldnummer AP"), max_length=60, blank=True, editable=False)
    late_reason = models.TextField(_("reden voor te late melding"), blank=True, editable=False)
    not_reported_decided_at = models.DateTimeField(
        _("besloten niet te melden op"), null=True, blank=True, editable=False
    )
    not_reported_reasons = models.TextField(_("redenen om niet te melden"), blank=True, editable=False)
    subjects_decision = models.CharField(
        _("besluit informeren betrokkenen (Art. 34)"), max_length=20, choices=SubjectsDecision.choices, blank=True
    )
    subjects_informed_on = models.DateField(_("betrokkenen geïnformeerd op"), null=True, blank=True)
    subjects_channel = models.CharField(_("kanaal"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("geregistreerd door")
    )

    objects = DataBreachQuerySet.as_manager()

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("datalek")
        verbose_name_plural = _("datalekken")
        indexes = [
            # annual figures and the register: breaches by the moment they became known
            models.Index(fields=["aware_at"], name="privacy_breach_aware_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="privacy_breach_reported_after_aware",
                condition=models.Q(reported_to_ap_at__isnull=True)
                | models.Q(reported_to_ap_at__gte=models.F("aware_at")),
            ),
            models.CheckConstraint(
                name="privacy_breach_report_or_decision_not_both",
                condition=models.Q(reported_to_ap_at__isnull=True) | models.Q(not_reported_decided_at__isnull=True),
            ),
            models.CheckConstraint(
                name="privacy_breach_not_reported_has_reasons",
                condition=models.Q(not_reported_decided_at__isnull=True) | ~models.Q(not_reported_reasons=""),
            ),
            models.CheckConstraint(
                name="privacy_breach_ended_after_started",
                condition=models.Q(ended_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
            ),
        ]

    # The reported facts as loaded (None: not loaded or not yet reported), and whether the
    # change being saved is an explicit correction (set by correct_reported_facts only).
    _reported_facts: dict[str, Any] | None = None
    _correcting: bool = False

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        errors = self.frozen_fact_errors()
        if errors:
            raise ValidationError(errors)
        super().save(*args, **kwargs)
        self._remember_facts()

    def get_absolute_url(self) -> str:
        return reverse("admin:privacy_databreach_change", args=[self.pk])

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> DataBreach:
        instance = super().from_db(db, field_names, values)
        instance._remember_facts()
        return instance

    def _remember_facts(self) -> None:
        facts = {name: self.__dict__.get(name) for name in REPORTED_FACTS}
        self._reported_facts = facts if facts["reported_to_ap_at"] is not None else None

    def frozen_fact_errors(self) -> dict[str, Any]:
        """The reported facts this instance would change, each with the refusal."""
        stored = self._reported_facts
        if not stored or self._correcting:
            return {}
        return {name: FROZEN_FACT_MESSAGE for name in REPORTED_FACTS if getattr(self, name) != stored[name]}

    def clean(self) -> None:
        errors = self.frozen_fact_errors()
        if errors:
            raise ValidationError(errors)
        if self.reported_to_ap_at and self.aware_at and self.aware_at > self.reported_to_ap_at:
            raise ValidationError({"aware_at": _("Ligt na de melding bij de AP")})
        errors = future_errors(aware_at=self.aware_at, started_at=self.started_at, ended_at=self.ended_at)
        if errors:
            raise ValidationError(errors)
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            message = _("Het datalek kan niet eindigen voordat het begon (geëindigd op ligt vóór begonnen op).")
            raise ValidationError({"started_at": message, "ended_at": message})
        if (
            self.subjects_decision == self.SubjectsDecision.INFORM
            and self.subjects_informed_on
            and not self.subjects_channel
        ):
            raise ValidationError({"subjects_channel": _("Noem het kanaal")})

    @property
    def deadline(self) -> datetime:
        return notification_deadline(self.aware_at)

    @property
    def clock_running(self) -> bool:
        return self.reported_to_ap_at is None and self.not_reported_decided_at is None

    def seconds_remaining(self, now: datetime | None = None) -> int | None:
        """Seconds to the deadline (negative when past); None once the clock has stopped."""
        if not self.clock_running:
            return None
        return int((self.deadline - (now or timezone.now())).total_seconds())

    @property
    def reported_late(self) -> bool:
        return self.reported_to_ap_at is not None and self.reported_to_ap_at > self.deadline
