import logging
from typing import Any

from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a backstop: input that passed validation but that the database
    refuses (a value it cannot hold: 400; a constraint the serializer does not know: 409) is
    not a 500. It is logged, because it means a validator is missing."""
    response = exception_handler(exc, context)
    if response is None and isinstance(exc, DataError):
        # a value the database cannot hold (a time zone offset of +20:30, a year 0)
        logger.warning("data error on %s: %s", context["request"].path, exc)
        return Response({"detail": _("Ongeldige waarde")}, status=400)
    if response is None and isinstance(exc, IntegrityError):
        logger.warning("integrity error on %s: %s", context["request"].path, exc)
        message = _("In strijd met een regel van de gegevens")
        return Response({"detail": message}, status=409)
    return response
