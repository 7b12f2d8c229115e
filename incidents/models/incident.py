"""Incidents, their timeline and calamities."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.moments import future_errors
from organisation.models import Service

from ..choices import CalamityLevel, Category, DetectionSource, Severity, Status, TimelineKind
from ..workflow import ensure_transition_allowed

_TRACKED = ("status", "severity", "owner_id")


def new_reference() -> str:
    return f"INC-{secrets.token_hex(4).upper()}"


class Incident(models.Model):
    reference = models.CharField(_("kenmerk"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("ernst"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    detection_source = models.CharField(_("bron van detectie"), max_length=20, choices=DetectionSource.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    services = models.ManyToManyField(
        Service, blank=True, related_name="incidents", verbose_name=_("getroffen voorzieningen")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_incidents",
        verbose_name=_("eigenaar"),
    )
    supplier_reference = models.CharField(
        _("kenmerk leverancier"), max_length=100, blank=True, help_text=_("Het kenmerk van de SOC-leverancier.")
    )
    started_at = models.DateTimeField(_("begonnen op"))
    detected_at = models.DateTimeField(_("ontdekt op"))
    resolved_at = models.DateTimeField(_("opgelost op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    expected_duration_minutes = models.PositiveIntegerField(
        _("verwachte duur (minuten)"),
        null=True,
        blank=True,
        help_text=_("Hoe lang de verstoring naar verwachting duurt."),
    )
    citizens_affected = models.PositiveIntegerField(_("geschat aantal getroffen burgers"), null=True, blank=True)
    businesses_affected = models.PositiveIntegerField(_("geschat aantal getroffen bedrijven"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status sinds"), default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidenten")
        indexes = [
            # the reminder source: open incidents that have been in one status since before …
            models.Index(fields=["status", "status_changed_at"], name="incident_status_since_idx"),
            # annual figure "incidents handled" and handled per month: closed_at in a year
            models.Index(fields=["closed_at"], name="incident_closed_idx"),
            # the lists (newest first) and incidents per month and category
            models.Index(fields=["started_at", "category"], name="incident_started_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_reference"],
                condition=~models.Q(supplier_reference=""),
                name="incident_supplier_reference_unique",
                violation_error_message=_("Er is al een incident met dit kenmerk van de leverancier."),
            ),
            models.CheckConstraint(
                name="incident_detected_not_before_start",
                condition=models.Q(detected_at__gte=models.F("started_at")),
                violation_error_message=_("Ontdekt kan niet vóór het begin van het incident liggen."),
            ),
            models.CheckConstraint(
                name="incident_resolved_not_before_start",
                condition=models.Q(resolved_at__isnull=True) | models.Q(resolved_at__gte=models.F("started_at")),
                violation_error_message=_("Opgelost kan niet vóór het begin van het incident liggen."),
            ),
            models.CheckConstraint(
                name="incident_closed_not_before_start",
                condition=models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=models.F("started_at")),
                violation_error_message=_("Gesloten kan niet vóór het begin van het incident liggen."),
            ),
            models.CheckConstraint(
                name="incident_closed_has_closed_at",
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                violation_error_message=_("Een gesloten incident heeft een sluitingstijdstip."),
            ),
            models.CheckConstraint(
                name="incident_resolved_has_resolved_at",
                condition=~models.Q(status__in=["resolved", "closed"]) | models.Q(resolved_at__isnull=False),
                violation_error_message=_("Een opgelost incident heeft een oplostijdstip."),
            ),
            # the other way round: only a closed incident has a closing moment (and counts
            # as handled), only a resolved or closed one a resolution moment
            models.CheckConstraint(
                name="incident_closed_at_only_when_closed",
                condition=models.Q(closed_at__isnull=True) | models.Q(status="closed"),
                violation_error_message=_(
                    "Alleen een gesloten incident heeft een sluitingstijdstip; dat zet het sluiten."
                ),
            ),
            models.CheckConstraint(
                name="incident_resolved_at_only_when_resolved",
                condition=models.Q(resolved_at__isnull=True) | models.Q(status__in=["resolved", "closed"]),
                violation_error_message=_(
                    "Alleen een opgelost incident heeft een oplostijdstip; dat zet het oplossen."
                ),
            ),
        ]

    # The tracked values as loaded from the database (None: not saved yet).
    _loaded: dict[str, Any] | None = None
    # Who makes the change: set by the admin, the API and the services. (Not taken from
    # auditlog's context variable: it outlives the request in the same thread.)
    changed_by: Any = None

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        previous = self._loaded
        ensure_transition_allowed(previous["status"] if previous else None, self.status)
        if previous is None or previous["status"] != self.status:
            self._stamp_status(timezone.now(), previous["status"] if previous else None)
        stamp_errors = self._stamp_errors()
        if stamp_errors:
            raise ValidationError(stamp_errors)
        if not self.reference:
            self.reference = new_reference()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "status_changed_at", "resolved_at", "closed_at"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._record_timeline(previous)
        self._loaded = self._snapshot()

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_incident_change", args=[self.pk])

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Incident:
        instance = super().from_db(db, field_names, values)
        instance._loaded = instance._snapshot()
        return instance

    def clean(self) -> None:
        ensure_transition_allowed(self._loaded["status"] if self._loaded else None, self.status)
        # A new incident has no resolution or closing moment: those come with the transitions.
        errors: dict[str, Any] = self._stamp_errors() if self._loaded is None else {}
        errors.update(future_errors(started_at=self.started_at, detected_at=self.detected_at))
        if self.started_at and self.detected_at and self.detected_at < self.started_at:
            errors["detected_at"] = _("Ontdekt kan niet vóór het begin van het incident liggen.")
        if self.started_at and self.resolved_at and self.resolved_at < self.started_at:
            errors["resolved_at"] = _("Opgelost kan niet vóór het begin van het incident liggen.")
        if self.started_at and self.closed_at and self.closed_at < self.started_at:
            errors["closed_at"] = _("Gesloten kan niet vóór het begin van het incident liggen.")
        if self.resolved_at and self.closed_at and self.closed_at < self.resolved_at:
            errors["closed_at"] = _("Gesloten kan niet vóór het oplossen liggen.")
        if errors:
            raise ValidationError(errors)

    # --- workflow and timeline -------------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        return {name.removesuffix("_id"): self.__dict__.get(name) for name in _TRACKED}

    def _stamp_errors(self) -> dict[str, Any]:
        """The moments of resolving and closing belong to those statuses: an incident that is
        not closed has no closed_at (and cannot count as handled), one not resolved no
        resolved_at. The transitions set them (Incident._stamp_status)."""
        errors: dict[str, Any] = {}
        if self.closed_at is not None and self.status != Status.CLOSED:
            errors["closed_at"] = _("Alleen een gesloten incident heeft een sluitingstijdstip; dat zet het sluiten.")
        if self.resolved_at is not None and self.status not in (Status.RESOLVED, Status.CLOSED):
            errors["resolved_at"] = _("Alleen een opgelost incident heeft een oplostijdstip; dat zet het oplossen.")
        return errors

    def _stamp_status(self, now: datetime, old: str | None) -> None:
        self.status_changed_at = now
        if self.status in (Status.RESOLVED, Status.CLOSED) and not self.resolved_at:
            self.resolved_at = now
        if self.status == Status.CLOSED and not self.closed_at:
            self.closed_at = now
        if old == Status.RESOLVED and self.status == Status.FOLLOW_UP:
            self.resolved_at = None  # reopened: it is no longer resolved

    def _record_timeline(self, previous: dict[str, Any] | None) -> None:
        actor = self.changed_by if getattr(self.changed_by, "is_authenticated", False) else None
        if previous is None:
            TimelineEntry.objects.create(
                incident=self, kind=TimelineKind.CREATED, actor=actor, to_value=self.status, at=self.status_changed_at
            )
            return
        now = timezone.now()
        current = self._snapshot()
        entries = [
            TimelineEntry(
                incident=self,
                kind=kind,
                actor=actor,
                at=now,
                from_value=_display_value(field, previous[field]),
                to_value=_display_value(field, current[field]),
            )
            for field, kind in (
                ("status", TimelineKind.STATUS),
                ("severity", TimelineKind.SEVERITY),
                ("owner", TimelineKind.OWNER),
            )
            if previous[field] != current[field]
        ]
        TimelineEntry.objects.bulk_create(entries)

    def actual_duration_minutes(self, now: datetime | None = None) -> int:
        return int(self.duration(now).total_seconds() // 60)

    def duration(self, now: datetime | None = None) -> timedelta:
        """How long the disruption lasted (or has lasted so far)."""
        return (self.resolved_at or now or timezone.now()) - self.started_at

    @property
    def people_affected(self) -> int:
        return (self.citizens_affected or 0) + (self.businesses_affected or 0)

    def escalation_reasons(self, now: datetime | None = None) -> list[str]:
        """Why this incident should become a calamity (empty: no reason); see the thresholds
        INCIDENTS_CALAMITY_* in the settings."""
        reasons: list[str] = []
        limit = settings.INCIDENTS_CALAMITY_PEOPLE_AFFECTED
        if limit and self.people_affected >= limit:
            reasons.append(
                _("%(n)s burgers en bedrijven getroffen (drempel %(limit)s).")
                % {"n": self.people_affected, "limit": limit}
            )
        expected = self.expected_duration_minutes
        if expected and self.started_at:
            actual = self.duration(now).total_seconds() / 60
            factor = settings.INCIDENTS_CALAMITY_DURATION_FACTOR
            overrun = settings.INCIDENTS_CALAMITY_OVERRUN_MINUTES
            if (factor and actual > expected * factor) or (overrun and actual > expected + overrun):
                reasons.append(
                    _("Duurt %(actual)d minuten, verwacht was %(expected)d minuten.")
                    % {"actual": actual, "expected": expected}
                )
        return reasons

    @property
    def escalation_proposed(self) -> bool:
        return not self.has_calamity and bool(self.escalation_reasons())

    @property
    def has_calamity(self) -> bool:
        try:
            return self.calamity is not None
        except Calamity.DoesNotExist:
            return False


def _display_value(field: str, value: Any) -> str:
    """Owner changes are stored by user name (the user may be deleted later)."""
    if field != "owner" or value is None:
        return "" if value is None else str(value)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=value).only("username").first()
    return user.get_username() if user else str(value)


class TimelineEntry(models.Model):
    """One line of an incident's timeline: a status, severity or owner change (written by
    Incident.save() itself), a calamity step, or a comment."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("incident")
    )
    kind = models.CharField(_("soort"), max_length=12, choices=TimelineKind.choices)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    from_value = models.CharField(_("van"), max_length=150, blank=True)
    to_value = models.CharField(_("naar"), max_length=150, blank=True)
    text = models.TextField(_("tekst"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tijdlijnregel")
        verbose_name_plural = _("tijdlijn")
        indexes = [
            # an incident's timeline in order (admin inline, API filter incident=…)
            models.Index(fields=["incident", "at"], name="timeline_incident_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="timeline_comment_has_text",
                condition=~models.Q(kind="comment") | ~models.Q(text=""),
                violation_error_message=_("Een opmerking mag niet leeg zijn."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} {formatting.moment(self.at)} {self.get_kind_display()}"

    def summary(self) -> str:
        """One readable line: 'triage → opvolging', or the comment."""
        if self.kind == TimelineKind.STATUS:
            return f"{_status_label(self.from_value)} → {_status_label(self.to_value)}"
        if self.kind == TimelineKind.SEVERITY:
            return f"{_choice_label(Severity, self.from_value)} → {_choice_label(Severity, self.to_value)}"
        if self.kind in (TimelineKind.OWNER,):
            return f"{self.from_value or '—'} → {self.to_value or '—'}"
        if self.kind == TimelineKind.CREATED:
            return str(_status_label(self.to_value))
        return self.text


def _choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _status_label(value: str) -> str:
    return _choice_label(Status, value)


class Calamity(models.Model):
    """An incident escalated to a calamity: who declared it, when, at which level and why."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="calamity", verbose_name=_("incident")
    )
    level = models.CharField(_("niveau"), max_length=16, choices=CalamityLevel.choices)
    declared_at = models.DateTimeField(_("afgekondigd op"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declared_calamities",
        verbose_name=_("afgekondigd door"),
    )
    reason = models.TextField(_("reden"))

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("calamiteit")
        verbose_name_plural = _("calamiteiten")
        indexes = [
            # annual figure "calamities" and calamities per month: declared_at in a year
            models.Index(fields=["declared_at"], name="calamity_declared_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="calamity_reason_required",
                condition=~models.Q(reason=""),
                violation_error_message=_("Een calamiteit heeft een reden."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("admin:incidents_calamity_change", args=[self.pk])
