"""The organisation's own framework ("Logius-breed raamwerk"): controls, their periodic
checks, the evidence on each check, and policies with a review cycle."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import formatting
from organisation.models import Service

from .frameworks import Requirement

READ_ONLY_MESSAGE = _("Een geaccepteerde controle en haar bewijs zijn alleen-lezen")
FROZEN_MESSAGE = _("Na het indienen liggen resultaat en conclusie vast; keur af met een reden om ze te laten wijzigen")
RETIRE_ONLY_MESSAGE = _("Een maatregel gaat buiten gebruik met ‘Buiten gebruik stellen’, met een datum en een reden")
REVIEW_ONLY_MESSAGE = _("De beoordeling wordt alleen vastgelegd door accepteren of afkeuren")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Maandelijks")
    QUARTERLY = "quarterly", _("Per kwartaal")
    HALF_YEARLY = "half_yearly", _("Halfjaarlijks")
    YEARLY = "yearly", _("Jaarlijks")


# months per period of each frequency
FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


class ControlState(models.TextChoices):
    """The roll-up of a control's (or a service's) checks."""

    ON_TRACK = "on_track", _("Alles op tijd geaccepteerd")
    OVERDUE = "overdue", _("Achterstallig")
    FAILED = "failed", _("Laatste controle niet effectief")
    NONE = "none", _("Geen controles gepland")


# The fields of a control that people edit: the one list the admin form and the API follow.
CONTROL_FIELDS = [
    "code",
    "title",
    "objective",
    "owner",
    "evidence_owner",
    "frequency",
    "test_method",
    "success_criteria",
    "services",
    "requirements",
    "start_date",
    "active",
    "evidence_required",
]


def last_accepted_result(control_ref: str = "pk") -> Subquery:
    """The result of a control's latest accepted check, as a subquery of the list's query."""
    latest = (
        ControlCheck.objects.filter(control=OuterRef(control_ref), status=CheckStatus.ACCEPTED)
        .order_by("-period_end", "-pk")
        .values("result")[:1]
    )
    return Subquery(latest, output_field=models.CharField())


def state_case(has_overdue: Exists, failed_condition: object, has_checks: Exists) -> Case:
    """Overdue wins over a failed last check, which wins over on track; no checks is "none"."""
    return Case(
        When(has_overdue, then=Value(ControlState.OVERDUE)),
        When(failed_condition, then=Value(ControlState.FAILED)),  # type: ignore[arg-type]
        When(~has_checks, then=Value(ControlState.NONE)),
        default=Value(ControlState.ON_TRACK),
        output_field=models.CharField(),
    )


class ControlQuerySet(models.QuerySet["Control"]):
    def with_state(self, today: date | None = None) -> ControlQuerySet:
        """Annotate `state` (a ControlState) in the same query: overdue wins over a failed
        last check, which wins over on track; no checks at all is "none"."""
        checks = ControlCheck.objects.filter(control=OuterRef("pk"))
        annotated = self.annotate(last_result=last_accepted_result())
        has_overdue = Exists(checks.overdue(today or timezone.localdate()))
        return annotated.annotate(state=state_case(has_overdue, Q(last_result__in=FAILED_RESULTS), Exists(checks)))


class Control(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    objective = models.TextField(_("doel"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_controls", verbose_name=_("eigenaar")
    )
    evidence_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_controls",
        verbose_name=_("bewijsleverancier"),
        help_text=_("Wie het bewijs aanlevert, als dat niet de eigenaar is."),
    )
    frequency = models.CharField(_("frequentie"), max_length=20, choices=Frequency.choices)
    test_method = models.TextField(_("toetsmethode"), help_text=_("Welk bewijs nodig is en hoe het wordt getoetst."))
    success_criteria = models.TextField(_("succescriteria"), blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="controls", verbose_name=_("voorzieningen"))
    requirements = models.ManyToManyField(
        Requirement, blank=True, related_name="controls", verbose_name=_("eisen uit normenkaders")
    )
    start_date = models.DateField(
        _("ingangsdatum"), default=timezone.localdate, help_text=_("De eerste periode is de periode waarin deze valt.")
    )
    active = models.BooleanField(_("actief"), default=True)
    # Retiring is an action with a date and a reason (compliance.controls.retire_control).
    retired_on = models.DateField(_("buiten gebruik gesteld op"), null=True, blank=True, editable=False)
    retired_reason = models.TextField(_("reden buiten gebruik"), blank=True, editable=False)
    evidence_required = models.BooleanField(
        _("bewijs verplicht"),
        default=True,
        help_text=_("Een controle kan pas worden ingediend als er bewijs bij zit."),
    )

    objects = ControlQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("beheersmaatregel")
        verbose_name_plural = _("beheersmaatregelen")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # `active` as stored, and whether this save is the retirement (set by retire_control only)
    _stored_active: bool | None = None
    _retiring: bool = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_active and not self.active and not self._retiring:
            raise ValidationError({"active": RETIRE_ONLY_MESSAGE})
        super().save(*args, **kwargs)
        self._stored_active = self.active

    def get_absolute_url(self) -> str:
        return reverse("admin:compliance_control_change", args=[self.pk])

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Control:
        instance = super().from_db(db, field_names, values)
        instance._stored_active = instance.__dict__.get("active")
        return instance


class CheckStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Ingediend")
    ACCEPTED = "accepted", _("Geaccepteerd")
    REJECTED = "rejected", _("Afgekeurd")
    # the control was retired before this check was submitted (the reason is on the check)
    CANCELLED = "cancelled", _("Geannuleerd")


class CheckResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effectief")
    PARTLY_EFFECTIVE = "partly_effective", _("Deels effectief")
    NOT_EFFECTIVE = "not_effective", _("Niet effectief")


FAILED_RESULTS = (CheckResult.PARTLY_EFFECTIVE, CheckResult.NOT_EFFECTIVE)


def accepted_on_time_q() -> Q:
    """Accepted, and accepted (local date) no later than the due date."""
    return Q(status=CheckStatus.ACCEPTED, reviewed_at__date__lte=models.F("due_date"))


class ControlCheckQuerySet(models.QuerySet["ControlCheck"]):
    def overdue(self, today: date | None = None) -> ControlCheckQuerySet:
        """Past the due date and not accepted (a cancelled check is never overdue)."""
        return self.filter(due_date__lt=today or timezone.localdate()).exclude(
            status__in=[CheckStatus.ACCEPTED, CheckStatus.CANCELLED]
        )

    def not_overdue(self, today: date | None = None) -> ControlCheckQuerySet:
        return self.filter(
            Q(due_date__gte=today or timezone.localdate()) | Q(status__in=[CheckStatus.ACCEPTED, CheckStatus.CANCELLED])
        )

    def with_overdue(self, today: date | None = None) -> ControlCheckQuerySet:
        """Annotate `overdue_now` (bool) so lists can show and sort on it without a query per row."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_now=Case(
                When(
                    Q(due_date__lt=today) & ~Q(status__in=[CheckStatus.ACCEPTED, CheckStatus.CANCELLED]),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def by_urgency(self, today: date | None = None) -> ControlCheckQuerySet:
        """Most urgent first: overdue and still to be done by its owner, then to be done (by due
        date), then submitted and waiting for a reviewer, then accepted. The start page and
        "Mijn controles" order with this one rule."""
        today = today or timezone.localdate()
        to_do = Q(status__in=[CheckStatus.OPEN, CheckStatus.REJECTED])
        return self.annotate(
            urgency=Case(
                When(to_do & Q(due_date__lt=today), then=Value(0)),
                When(to_do, then=Value(1)),
                When(status=CheckStatus.SUBMITTED, then=Value(2)),
                default=Value(3),
                output_field=models.IntegerField(),
            )
        ).order_by("urgency", "due_date", "control__code", "pk")

    def due_in_month(self, today: date | None = None) -> ControlCheckQuerySet:
        """Due in the current calendar month (whatever their status)."""
        today = today or timezone.localdate()
        first = today.replace(day=1)
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return self.filter(due_date__gte=first, due_date__lt=following)

    def assigned_to(self, user: Any) -> ControlCheckQuerySet:
        return self.filter(Q(owner=user) | Q(evidence_owner=user))

    def visible_to(self, user: Any) -> ControlCheckQuerySet:
        """Security officers and auditors see every check; anyone else only their own."""
        if user.has_perm("compliance.view_all_checks"):
            return self
        return self.assigned_to(user)


# What the submitter submits (frozen while the check is submitted) and what only a review sets.
SUBMITTED_FIELDS = ("result", "conclusion", "submitted_by_id", "submitted_at")
REVIEW_FIELDS = ("review_note", "reviewed_by_id", "reviewed_at")


class ControlCheck(models.Model):
    """One occurrence of a control's test for one period (periodieke controle)."""

    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="checks", verbose_name=_("maatregel"))
    period_start = models.DateField(_("begin periode"))
    period_end = models.DateField(_("einde periode"))
    due_date = models.DateField(_("uiterste datum"))
    status = models.CharField(_("status"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.OPEN)
    result = models.CharField(_("resultaat"), max_length=20, choices=CheckResult.choices, blank=True)
    conclusion = models.TextField(_("conclusie"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_checks", verbose_name=_("eigenaar")
    )
    evidence_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_checks",
        verbose_name=_("bewijsleverancier"),
    )
    test_method = models.TextField(_("toetsmethode"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_checks",
        verbose_name=_("ingediend door"),
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_checks",
        verbose_name=_("beoordeeld door"),
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    review_note = models.TextField(_("toelichting beoordeling"), blank=True)
    cancel_reason = models.TextField(_("reden annulering"), blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = ControlCheckQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "control__code"]
        verbose_name = _("periodieke controle")
        verbose_name_plural = _("periodieke controles")
        permissions = [
            ("view_all_checks", _("Alle periodieke controles inzien")),
            ("submit_controlcheck", _("Periodieke controle indienen")),
            ("review_controlcheck", _("Periodieke controle beoordelen")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["control", "period_start"], name="check_one_per_control_period"),
            models.CheckConstraint(name="check_period_ordered", condition=Q(period_end__gte=models.F("period_start"))),
            models.CheckConstraint(
                name="check_due_within_period",
                condition=Q(due_date__gte=models.F("period_start"), due_date__lte=models.F("period_end")),
            ),
            models.CheckConstraint(
                name="check_four_eyes",
                condition=Q(reviewed_by__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(reviewed_by=models.F("submitted_by")),
            ),
            models.CheckConstraint(
                name="check_cancelled_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
            ),
            models.CheckConstraint(
                name="check_accepted_is_reviewed",
                condition=~Q(status="accepted") | (Q(reviewed_by__isnull=False) & ~Q(result="")),
            ),
        ]
        indexes = [
            # the reminder sweep and the overdue list: unaccepted checks by due date
            models.Index(fields=["status", "due_date"], name="check_status_due_idx"),
            # "my checks": an owner's checks by due date
            models.Index(fields=["owner", "due_date"], name="check_owner_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.control.code} {formatting.day(self.period_start)} – {formatting.day(self.period_end)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_status == CheckStatus.ACCEPTED:
            raise ValidationError(READ_ONLY_MESSAGE)
        self._refuse_rewrites()
        super().save(*args, **kwargs)
        self._remember_stored()

    def get_absolute_url(self) -> str:
        return reverse("check-page", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_status == CheckStatus.ACCEPTED:
            raise ValidationError(READ_ONLY_MESSAGE)
        return super().delete(*args, **kwargs)

    _stored_status: str | None = None
    _stored: dict[str, Any] | None = None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> ControlCheck:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        if all(name in instance.__dict__ for name in ("status", *SUBMITTED_FIELDS, *REVIEW_FIELDS)):
            instance._remember_stored()
        return instance

    def _refuse_rewrites(self) -> None:
        """Four eyes in substance: once submitted, the submitter's result and conclusion stay
        as submitted (the reviewer accepts or rejects them, with their own note beside them);
        the review fields change only together with the status, in accept or reject."""
        stored = self._stored
        if not stored:
            return
        errors: dict[str, Any] = {}
        if stored["status"] == CheckStatus.SUBMITTED:
            for name in SUBMITTED_FIELDS:
                if getattr(self, name) != stored[name]:
                    errors[name.removesuffix("_id")] = FROZEN_MESSAGE
        if self.status == stored["status"]:
            for name in REVIEW_FIELDS:
                if getattr(self, name) != stored[name]:
                    errors[name.removesuffix("_id")] = REVIEW_ONLY_MESSAGE
        if errors:
            raise ValidationError(errors)

    def _remember_stored(self) -> None:
        self._stored_status = self.status
        self._stored = {name: getattr(self, name) for name in ("status", *SUBMITTED_FIELDS, *REVIEW_FIELDS)}

    def clean(self) -> None:
        dates = (self.period_start, self.period_end, self.due_date)
        if all(dates) and not self.period_start <= self.due_date <= self.period_end:
            raise ValidationError({"due_date": _("De uiterste datum moet binnen de periode vallen")})
        if self.reviewed_by_id and self.reviewed_by_id == self.submitted_by_id:
            raise ValidationError(_("De beoordelaar mag niet de indiener zijn"))

    @property
    def is_overdue(self) -> bool:
        return self.status not in (CheckStatus.ACCEPTED, CheckStatus.CANCELLED) and self.due_date < timezone.localdate()

    @property
    def is_read_only(self) -> bool:
        return self._stored_status == CheckStatus.ACCEPTED

    @property
    def accepted_on_time(self) -> bool:
        return (
            self.status == CheckStatus.ACCEPTED
            and self.reviewed_at is not None
            and timezone.localdate(self.reviewed_at) <= self.due_date
        )

    def is_assigned_to(self, user: Any) -> bool:
        return user.pk is not None and user.pk in (self.owner_id, self.evidence_owner_id)

    def can_view(self, user: Any) -> bool:
        return user.has_perm("compliance.view_all_checks") or self.is_assigned_to(user)


def evidence_upload_to(instance: Any, filename: str) -> str:
    """A random name: the original name is kept in the row, never trusted on disk."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def visible_to(self, user: Any) -> EvidenceQuerySet:
        if user.has_perm("compliance.view_all_checks"):
            return self
        return self.filter(Q(check_obj__owner=user) | Q(check_obj__evidence_owner=user))

    def current(self) -> EvidenceQuerySet:
        return self.filter(~Exists(Evidence.objects.filter(supersedes=OuterRef("pk"))))


class Evidence(models.Model):
    """Bewijsvoering: a file, link or note on a check. Append-only: a new version
    supersedes an older one; nothing on an accepted check changes or goes."""

    class Kind(models.TextChoices):
        FILE = "file", _("Bestand")
        LINK = "link", _("Link")
        NOTE = "note", _("Notitie")

    check_obj = models.ForeignKey(
        ControlCheck,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("periodieke controle"),
        db_column="check_id",
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("bestand"), upload_to=evidence_upload_to, blank=True, max_length=255)
    original_name = models.CharField(_("oorspronkelijke bestandsnaam"), max_length=255, blank=True)
    mime_type = models.CharField(_("bestandstype"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("notitie"), blank=True)
    version = models.PositiveIntegerField(_("versie"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("vervangt"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("toegevoegd door")
    )
    uploaded_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["check_obj", "uploaded_at", "pk"]
        verbose_name = _("bewijs")
        verbose_name_plural = _("bewijs")
        constraints = [
            models.CheckConstraint(name="evidence_file_has_hash", condition=~Q(kind="file") | ~Q(sha256="")),
            models.CheckConstraint(name="evidence_link_has_url", condition=~Q(kind="link") | ~Q(url="")),
            models.CheckConstraint(name="evidence_note_has_text", condition=~Q(kind="note") | ~Q(note="")),
        ]

    def __str__(self) -> str:
        label = self.original_name or self.url or self.note[:40]
        return f"{self.get_kind_display()} v{self.version}: {label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Bewijs wordt nooit overschreven; voeg een nieuwe versie toe"))
        if ControlCheck.objects.filter(pk=self.check_obj_id, status=CheckStatus.ACCEPTED).exists():
            raise ValidationError(READ_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("evidence-download", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if ControlCheck.objects.filter(pk=self.check_obj_id, status=CheckStatus.ACCEPTED).exists():
            raise ValidationError(READ_ONLY_MESSAGE)
        stored = self.file.name if self.file else ""
        result = super().delete(*args, **kwargs)
        if stored:
            self.file.storage.delete(stored)
        return result

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by")


class Policy(models.Model):
    """Beleid: a document with an owner and a review cycle (BIO2 5.01.02: at least yearly)."""

    title = models.CharField(_("titel"), max_length=200, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_policies", verbose_name=_("eigenaar")
    )
    document = models.FileField(_("document"), upload_to=evidence_upload_to, blank=True, max_length=255)
    document_name = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    review_cycle_months = models.PositiveSmallIntegerField(_("beoordelingscyclus (maanden)"), default=12)
    last_reviewed = models.DateField(_("laatst beoordeeld"), null=True, blank=True)
    next_review = models.DateField(_("volgende beoordeling"), null=True, blank=True)
    requirements = models.ManyToManyField(
        Requirement, blank=True, related_name="policies", verbose_name=_("eisen uit normenkaders")
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("beleidsdocument")
        verbose_name_plural = _("beleidsdocumenten")
        constraints = [
            models.CheckConstraint(
                name="policy_review_cycle_range", condition=Q(review_cycle_months__gte=1, review_cycle_months__lte=60)
            ),
            models.CheckConstraint(name="policy_file_has_hash", condition=Q(document="") | ~Q(document_sha256="")),
        ]
        indexes = [
            # the reminder sweep: active policies by next review date
            models.Index(fields=["active", "next_review"], name="policy_active_review_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.last_reviewed and not self.next_review:
            self.next_review = self.review_due_after(self.last_reviewed)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:compliance_policy_change", args=[self.pk])

    def review_due_after(self, reviewed: date) -> date:
        from dateutil.relativedelta import relativedelta

        return reviewed + relativedelta(months=self.review_cycle_months)

    def mark_reviewed(self, on: date | None = None) -> None:
        on = on or timezone.localdate()
        self.last_reviewed = on
        self.next_review = self.review_due_after(on)
        self.save()

    def is_review_overdue(self, today: date | None = None) -> bool:
        return bool(self.active and self.next_review and self.next_review < (today or timezone.localdate()))
