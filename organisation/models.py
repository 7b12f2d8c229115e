"""The organisation: departments, people (with manager and start date), services and their
availability."""

from __future__ import annotations

import calendar
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.moments import refuse_future

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Department(models.Model):
    name = models.CharField(_("naam"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A user's place in the organisation, for reminders, escalation and workshop duty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person", verbose_name=_("gebruiker")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="people", verbose_name=_("afdeling")
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("leidinggevende"),
    )
    job_title = models.CharField(_("functie"), max_length=120, blank=True)
    start_date = models.DateField(_("datum in dienst"))
    end_date = models.DateField(_("datum uit dienst"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.CheckConstraint(name="person_not_own_manager", condition=~models.Q(manager=models.F("pk"))),
            models.CheckConstraint(
                name="person_end_after_start",
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def email(self) -> str:
        return self.user.email


class Service(models.Model):
    """A voorziening: a national service the agency runs (DigiD, MijnOverheid, …)."""

    class Domain(models.TextChoices):
        ACCESS = "toegang", _("Toegang")
        INTERACTION = "interactie", _("Interactie")
        DATA_EXCHANGE = "gegevensuitwisseling", _("Gegevensuitwisseling")
        INFRASTRUCTURE = "infrastructuur", _("Infrastructuur")
        STANDARDS = "standaarden", _("Standaarden")
        SYSTEMS = "stelsels", _("Stelsels")

    name = models.CharField(_("naam"), max_length=120, unique=True)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    domain = models.CharField(_("domein"), max_length=30, choices=Domain.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("eigenaar"),
    )
    availability_norm = models.DecimalField(
        _("beschikbaarheidsnorm (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("Afgesproken beschikbaarheid per jaar, bijvoorbeeld 99,50."),
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("voorziening")
        verbose_name_plural = _("voorzieningen")
        constraints = [
            models.CheckConstraint(
                name="service_norm_is_percentage",
                condition=models.Q(availability_norm__isnull=True)
                | models.Q(availability_norm__gte=0, availability_norm__lte=100),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:organisation_service_change", args=[self.pk])

    def availability_for_year(self, year: int) -> Decimal | None:
        return Availability.year_figure(self.availability_months.filter(month__year=year))


class Availability(models.Model):
    """Measured availability of one service in one calendar month."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="availability_months", verbose_name=_("voorziening")
    )
    month = models.DateField(_("maand"), help_text=_("De eerste dag van de maand."))
    achieved = models.DecimalField(
        _("gerealiseerde beschikbaarheid (%)"), max_digits=6, decimal_places=3, validators=PERCENT_VALIDATORS
    )
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["service", "month"]
        verbose_name = _("beschikbaarheid")
        verbose_name_plural = _("beschikbaarheid")
        constraints = [
            models.UniqueConstraint(fields=["service", "month"], name="availability_one_per_service_month"),
            models.CheckConstraint(
                name="availability_is_percentage", condition=models.Q(achieved__gte=0, achieved__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m}: {self.achieved}%"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.month:
            self.month = self.month.replace(day=1)
            refuse_future(month=self.month)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.month.year, self.month.month)[1]

    @staticmethod
    def year_figure(months: Any, exact: bool = False) -> Decimal | None:
        """Availability over the months given, weighted by the length of each month,
        rounded to two decimals (half up), as the annual report states it; `exact`: not
        rounded (what the norm is compared with)."""
        weighted = Decimal(0)
        total_days = 0
        for row in months:
            weighted += row.achieved * row.days
            total_days += row.days
        if not total_days:
            return None
        figure = weighted / total_days
        return figure if exact else figure.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
