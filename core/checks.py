"""System checks that `manage.py check --deploy` runs."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secrets(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_KEY:
        errors.append(Error("DJANGO_SECRET_KEY is not set.", id="waarborg.E001"))
    if settings.PSEUDONYM_KEY.startswith("insecure-"):
        errors.append(Error("PSEUDONYM_KEY is not set.", id="waarborg.E002"))
    return errors
