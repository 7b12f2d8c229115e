"""System checks that `manage.py check --deploy` runs."""

import importlib.util
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secrets(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_KEY:
        errors.append(Error("DJANGO_SECRET_KEY is not set.", id="waarborg.E001"))
    if settings.PSEUDONYM_KEY.startswith("insecure-"):
        errors.append(Error("PSEUDONYM_KEY is not set.", id="waarborg.E002"))
    if settings.HISTORY_KEY.startswith("insecure-"):
        errors.append(Error("HISTORY_KEY is not set.", id="waarborg.E003"))
    elif len(settings.HISTORY_KEY) < 32 or settings.HISTORY_KEY in {settings.SECRET_KEY, settings.PSEUDONYM_KEY}:
        errors.append(
            Error("HISTORY_KEY must be at least 32 characters and differ from the other keys.", id="waarborg.E004")
        )
    return errors


@register(Tags.security, deploy=True)
def check_history_anchors(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    if settings.HISTORY_ANCHOR_S3_BUCKET and importlib.util.find_spec("boto3") is None:
        return [Error("HISTORY_ANCHOR_S3_BUCKET is set but boto3 is not installed.", id="waarborg.E005")]
    if settings.HISTORY_ANCHOR_FILE or settings.HISTORY_ANCHOR_S3_BUCKET or settings.HISTORY_ANCHOR_EMAIL:
        return []
    return [
        Warning(
            "No anchor for the history chain is configured: the newest history could be removed unnoticed.",
            hint="Set HISTORY_ANCHOR_FILE, HISTORY_ANCHOR_S3_BUCKET or HISTORY_ANCHOR_EMAIL.",
            id="waarborg.W001",
        )
    ]
