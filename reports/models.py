"""Reports keeps only what it must remember: export jobs and who read what."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """An export too large for a request, built by a Celery worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In de wachtrij")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        JSONL = "jsonl", _("JSON-regels")
        ZIP = "zip", _("ZIP (bewijsdossier)")
        PDF = "pdf", "PDF"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("aangevraagd door"),
    )
    source = models.CharField(_("bron"), max_length=20, help_text=_("admin, api of exporter"))
    exporter = models.CharField(_("export"), max_length=200, help_text=_("lijst of model, bijvoorbeeld app.model"))
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("formaat"), max_length=10, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveBigIntegerField(_("rijen klaar"), default=0)
    rows_total = models.PositiveBigIntegerField(_("rijen totaal"), default=0)
    file = models.FileField(_("bestand"), upload_to="exports/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("exporttaak")
        verbose_name_plural = _("exporttaken")
        indexes = [
            # "my exports": one user's jobs, newest first
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="exportjob_done_has_file",
                condition=~models.Q(status="done") | ~models.Q(file=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.exporter} ({self.format}, {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export-job", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def download_url(self) -> str:
        return reverse("reports:export-download", args=[self.pk]) if self.status == self.Status.DONE else ""

    def may_read(self, user: Any) -> bool:
        """The requester, and whoever may view every job (auditors), may see and download it."""
        return user.is_authenticated and (user.pk == self.requested_by_id or user.has_perm("reports.view_exportjob"))


class AccessLog(models.Model):
    """Who exported or downloaded what, when: the trail auditors' reading leaves."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        EXPORT_REQUESTED = "export_requested", _("Export aangevraagd")
        DOWNLOAD = "download", _("Download")
        REPORT = "report", _("Rapportage bekeken")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    name = models.CharField(_("wat"), max_length=200, blank=True, help_text=_("export, rapport of bestand"))
    model = models.CharField(_("model"), max_length=100, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("formaat"), max_length=10, blank=True)
    row_count = models.PositiveBigIntegerField(_("aantal rijen"), null=True, blank=True)
    object_id = models.CharField(_("objectnummer"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    details = models.JSONField(_("overige gegevens"), default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp", "-pk"]
        verbose_name = _("toegangsregel")
        verbose_name_plural = _("toegangslogboek")
        permissions = [
            ("view_annual_report", _("Mag het jaarverslag inzien")),
            ("view_dashboard", _("Mag het dashboard inzien")),
        ]
        indexes = [
            # one user's reading, newest first (filter ?user= / ?username=)
            models.Index(fields=["user", "-timestamp"], name="accesslog_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.name}"
