"""The link between a Waarborg account and a person at the identity provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SSOIdentity(models.Model):
    """An account that logs in through single sign-on: the provider's issuer and subject (`sub`,
    stable and never reassigned) identify the person, not the user name, so a login is never
    matched onto a local account that happens to have the same name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("gebruiker")
    )
    issuer = models.CharField(_("identiteitsprovider"), max_length=255)
    subject = models.CharField(_("kenmerk bij de provider"), max_length=255)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    last_login_at = models.DateTimeField(_("laatst ingelogd"), null=True, blank=True)

    class Meta:
        verbose_name = _("SSO-identiteit")
        verbose_name_plural = _("SSO-identiteiten")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_issuer_subject")]

    def __str__(self) -> str:
        return f"{self.user} ({self.issuer})"
