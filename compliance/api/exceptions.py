import logging
from typing import Any

from django.db import IntegrityError
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a backstop: input that passed validation but breaks a database
    rule (a constraint the serializer does not know) is refused with 409, not a 500. It is
    logged, because it means a validator is missing."""
    response = exception_handler(exc, context)
    if response is None and isinstance(exc, IntegrityError):
        logger.warning("integrity error on %s: %s", context["request"].path, exc)
        message = "In strijd met een regel van de gegevens / conflicts with a data rule"
        return Response({"detail": message}, status=409)
    return response
