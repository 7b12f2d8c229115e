"""Views of the platform: the health check and the server error page."""

from typing import Any

from celery import current_app
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitoring: the database and the broker."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    status = "ok" if all(checks.values()) else "error"
    body: dict[str, Any] = {"status": status, **{k: "ok" if v else "error" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if status == "ok" else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. When the database is down, say so with a 503 (JSON on the API) instead of
    a 500: the next request opens a new connection, so nothing needs restarting."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.utils.translation import gettext
    from django.views.defaults import server_error as default_server_error

    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return default_server_error(request)
    message = gettext("De database is tijdelijk niet bereikbaar")
    headers = {"Retry-After": str(RETRY_AFTER)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503, headers=headers)
    return HttpResponse(
        database_down_page(message, request.get_full_path()),
        status=503,
        content_type="text/html; charset=utf-8",
        headers=headers,
    )


RETRY_AFTER = 30


def database_down_page(message: str, path: str) -> str:
    """The 503 page in the house style and the active language. Rendered without the request,
    so no context processor runs: nothing on it reads the database (or the session)."""
    from django.template.loader import get_template

    try:
        return get_template("503.html").render({"message": message, "retry_after": RETRY_AFTER, "path": path})
    except Exception:  # the page of last resort must not fail itself
        from django.utils.html import escape

        return f"<!DOCTYPE html><title>Waarborg</title><p>{escape(message)}</p>"
