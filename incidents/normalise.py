"""Normalised URLs of phishing sites, so that the same site reported twice is recognised."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

_validate = URLValidator(schemes=["http", "https"])
MAX_NORMALISED_LENGTH = 500


def normalise_url(raw: str) -> str:
    """`host/path?query` in lower-case host, without scheme, `www.`, default port, fragment
    or trailing slash: http://WWW.Digid-Inlog.example/login/ and
    https://digid-inlog.example/login are the same site. Raises ValidationError."""
    text = (raw or "").strip()
    if text and "://" not in text:
        text = f"http://{text}"
    try:
        _validate(text)
    except ValidationError:
        raise ValidationError(_("Ongeldige URL: %(url)s"), code="invalid_url", params={"url": raw}) from None
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    if "." not in host and ":" not in host:  # a phishing site has a public name or address
        raise ValidationError(_("Ongeldige URL: %(url)s"), code="invalid_url", params={"url": raw})
    host = host.removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    normalised = f"{host}{port}{path}{query}"
    if len(normalised) > MAX_NORMALISED_LENGTH:
        raise ValidationError(_("URL is te lang (ten hoogste 500 tekens)."), code="url_too_long")
    return normalised
