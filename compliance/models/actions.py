"""Follow-up actions (actiepunten): raised by a failed check, an incident, an exercise, a DPIA."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FollowUpAction(models.Model):
    """An actiepunt: raised by a failed check, an incident, an exercise, a DPIA, …"""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In behandeling")
        DONE = "done", _("Afgerond")
        CANCELLED = "cancelled", _("Vervallen")

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
        verbose_name=_("eigenaar"),
    )
    due_date = models.DateField(_("uiterste datum"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("bron (soort)")
    )
    source_id = models.PositiveBigIntegerField(_("bron (nummer)"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    completed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    resolution = models.TextField(_("afhandeling"), blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("actiepunt")
        verbose_name_plural = _("actiepunten")
        indexes = [
            # the reminder sweep and "open actions" lists: open actions by due date
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            # the actions raised by one source object
            models.Index(fields=["source_type", "source_id"], name="action_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_done_has_completion",
                condition=~models.Q(status="done") | models.Q(completed_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("admin:compliance_followupaction_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.OPEN, self.Status.IN_PROGRESS}

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())
