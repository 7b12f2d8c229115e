"""Named business events and the seals of the change history's hash chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A named business event (check accepted, calamity declared, breach reported to the AP),
    recorded beside the automatic change history."""

    name = models.CharField(_("gebeurtenis"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    timestamp = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # empty for events about the system as a whole (a retention run)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("soort object")
    )
    object_id = models.PositiveBigIntegerField(_("objectnummer"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=255)
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("gegevens"), default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp", "-pk"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        indexes = [
            # the events of one object, newest first (object pages, API filter)
            models.Index(fields=["content_type", "object_id", "-timestamp"], name="event_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.object_repr}"


def log_event(obj: models.Model, name: str, actor: Any = None, **data: Any) -> Event:
    """Record a named business event about `obj`."""
    return Event.objects.create(
        name=name,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:255],
        data=data,
    )


class HistorySeal(models.Model):
    """A link in the hash chain over the change history: each seal hashes one history
    record together with the hash of the seal before it, so that editing or removing a
    record afterwards breaks the chain (`manage.py verify_history` finds the first break)."""

    sequence = models.PositiveBigIntegerField(_("volgnummer"), unique=True)
    entry = models.OneToOneField(
        "auditlog.LogEntry", on_delete=models.PROTECT, related_name="seal", verbose_name=_("wijziging")
    )
    previous_hash = models.CharField(_("vorige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    sealed_at = models.DateTimeField(_("verzegeld op"), default=timezone.now)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("verzegeling")
        verbose_name_plural = _("verzegelingen")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
