"""Keyed pseudonyms: DigiD account numbers are never stored, only an HMAC-SHA256 of them
under settings.PSEUDONYM_KEY. The same account always gives the same pseudonym (repeat
victims can be counted); without the key nobody can go back to the number.

A search of the fraud register by account number computes the same pseudonym and looks
that up (`pseudonymise_query`); what was typed is never kept."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

from django.conf import settings
from django.http import QueryDict

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
    keyed = _keyed(settings.PSEUDONYM_KEY).copy()
    keyed.update(digits.encode())
    return keyed.hexdigest()


@functools.lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    """The HMAC under `key` after the purpose prefix, derived once per key: each account
    number continues a copy of it (an import pseudonymises every row)."""
    return hmac.new(key.encode(), _PURPOSE, hashlib.sha256)


# --- searching the fraud register --------------------------------------------------------

# Query parameters in which someone types an account number: the admin's search box, the
# API's `?search=`, and every lookup on the pseudonym (`?pseudonym=`, `?pseudonym__in=`, …).
SEARCH_PARAMETERS = ("q", "search")
_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")
# What a search for something that is neither an account number nor a pseudonym becomes:
# it finds nothing and repeats nothing of what was typed.
NO_MATCH = "-"


def pseudonym_of_search(value: str) -> str:
    """The pseudonym a search term or filter value for one account looks up: a pseudonym
    as given, an account number turned into its pseudonym (the same HMAC as on import)."""
    text = str(value or "").strip()
    if not text:
        return ""
    if _PSEUDONYM.match(text.lower()):
        return text.lower()
    try:
        return pseudonymise_account(text)
    except ValueError:
        return NO_MATCH


def is_account_parameter(key: str) -> bool:
    return key in SEARCH_PARAMETERS or key == "pseudonym" or key.startswith("pseudonym__")


def pseudonymise_query(query: QueryDict) -> QueryDict:
    """A copy of a request's query in which every search term and pseudonym filter holds
    the pseudonym instead of what was typed. The fraud register's admin and API replace
    `request.GET` with it before anything reads it, so the search works by pseudonym and
    the access log, export jobs and error messages never see a typed account number."""
    if not any(is_account_parameter(key) for key in query):
        return query
    safe = query.copy()
    for key in list(safe.keys()):
        if not is_account_parameter(key):
            continue
        values = safe.getlist(key)
        if key.endswith("__in"):
            safe.setlist(key, [",".join(pseudonym_of_search(part) for part in v.split(",")) for v in values])
        else:
            safe.setlist(key, [pseudonym_of_search(v) for v in values])
    safe._mutable = False
    return safe
