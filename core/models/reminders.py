"""The record of every reminder: inserted before it is sent, so that a stage goes out
at most once per recipient and item (see core/reminders.py for the sweep)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("ontvanger")
    )
    item_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("soort item"))
    item_id = models.PositiveBigIntegerField(_("itemnummer"))
    item = GenericForeignKey("item_type", "item_id")
    stage = models.CharField(_("fase"), max_length=40)
    escalation = models.BooleanField(_("escalatie"), default=False)
    due = models.DateTimeField(_("uiterste moment"))
    title = models.CharField(_("titel"), max_length=255)
    url = models.CharField(_("link"), max_length=500, blank=True)
    kind = models.CharField(_("rubriek"), max_length=80, blank=True)
    source = models.CharField(_("bron"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    last_error = models.TextField(_("laatste fout"), blank=True)
    claimed_at = models.DateTimeField(_("geclaimd op"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_type", "item_id", "stage"], name="reminder_once_per_recipient_item_stage"
            ),
        ]
        indexes = [
            # the sweep: the unsent reminders by recipient (the next batch of recipients, the
            # claim of their rows, reading them back and marking each digest's rows sent, all
            # by recipient and claim token); partial, so it holds only what is still unsent
            models.Index(
                fields=["recipient"], condition=models.Q(sent_at__isnull=True), name="reminder_unsent_recipient_idx"
            ),
            # the reminders about one item
            models.Index(fields=["item_type", "item_id"], name="reminder_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.title} → {self.recipient}"
