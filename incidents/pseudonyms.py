"""Keyed pseudonyms: DigiD account numbers are never stored, only an HMAC-SHA256 of them
under settings.PSEUDONYM_KEY. The same account always gives the same pseudonym (repeat
victims can be counted); without the key nobody can go back to the number."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

# Domain separation: the same key used for another kind of identifier gives other pseudonyms.
_PURPOSE = b"digid-account:"
_ACCOUNT_NUMBER = re.compile(r"^\d{6,12}$")


def normalise_account_number(raw: str) -> str:
    """Digits only (spaces, dots and dashes in an export are dropped). Raises ValueError."""
    digits = re.sub(r"[\s.\-]", "", str(raw or ""))
    if not _ACCOUNT_NUMBER.match(digits):
        raise ValueError("account number must be 6 to 12 digits")
    return digits


def pseudonymise_account(raw: str) -> str:
    """The 64-hex-digit keyed pseudonym of a DigiD account number."""
    digits = normalise_account_number(raw)
    key = settings.PSEUDONYM_KEY.encode()
    return hmac.new(key, _PURPOSE + digits.encode(), hashlib.sha256).hexdigest()
