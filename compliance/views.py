from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.celery import app as celery_app

from . import dossier
from .access import notify_access
from .controls import can_submit, submit_check
from .evidence import add_evidence, can_download
from .filters import ControlCheckFilter
from .forms import DossierForm, EvidenceForm, SubmitForm
from .models import CheckStatus, ControlCheck, Evidence, Policy


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
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
    from django.views.defaults import server_error as default_server_error

    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return default_server_error(request)
    message = "De database is tijdelijk niet bereikbaar / the database is temporarily unavailable"
    headers = {"Retry-After": "30"}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=503, headers=headers)
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8", headers=headers)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_required
@permission_required("compliance.view_controlcheck", raise_exception=True)
def my_checks(request: HttpRequest) -> HttpResponse:
    """The checks assigned to the signed-in user (owner or evidence owner)."""
    queryset = (
        ControlCheck.objects.assigned_to(request.user)
        .with_overdue()
        .select_related("control")
        .order_by("due_date", "control__code")
    )
    checks = ControlCheckFilter(request.GET or {"status": ""}, queryset=queryset, request=request)
    return render(request, "compliance/my_checks.html", {"filter": checks, "checks": checks.qs[:500]})


def _visible_check(request: HttpRequest, pk: int) -> ControlCheck:
    if not request.user.has_perm("compliance.view_controlcheck"):
        raise PermissionDenied
    return get_object_or_404(ControlCheck.objects.visible_to(request.user).select_related("control"), pk=pk)


@login_required
def check_page(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    evidence = check.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")
    context = {
        "check": check,
        "evidence": evidence,
        "may_add_evidence": can_submit(check, request.user) and not check.is_read_only,
        "may_submit": can_submit(check, request.user) and check.status in (CheckStatus.OPEN, CheckStatus.REJECTED),
        "evidence_form": EvidenceForm(),
        "submit_form": SubmitForm(initial={"result": check.result, "conclusion": check.conclusion}),
    }
    return render(request, "compliance/check_detail.html", context)


@login_required
@require_POST
def check_add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_evidence(check, request.user, upload=data["file"], url=data["url"], note=data["note"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Bewijs toegevoegd."))
    else:
        messages.error(request, _("Controleer de invoer."))
    return redirect(check.get_absolute_url())


@login_required
@require_POST
def check_submit(request: HttpRequest, pk: int) -> HttpResponse:
    check = _visible_check(request, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Geef het resultaat en de conclusie."))
        return redirect(check.get_absolute_url())
    try:
        submit_check(check, request.user, form.cleaned_data["result"], form.cleaned_data["conclusion"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Controle ingediend ter beoordeling."))
    return redirect(check.get_absolute_url())


def _file_response(field: Any, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence files are never served from a public URL; only here, to those allowed."""
    evidence = get_object_or_404(Evidence.objects.select_related("check_obj"), pk=pk)
    if not can_download(evidence, request.user):
        raise PermissionDenied
    if not evidence.file:
        raise Http404
    response = _file_response(evidence.file, evidence.original_name, evidence.mime_type or "application/octet-stream")
    notify_access(request.user, "download", name="compliance.evidence", object=evidence, sha256=evidence.sha256)
    return response


@login_required
@permission_required("compliance.view_policy", raise_exception=True)
def policy_document(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    if not policy.document:
        raise Http404
    response = _file_response(policy.document, policy.document_name, "application/octet-stream")
    notify_access(
        request.user, "download", name="compliance.policy_document", object=policy, sha256=policy.document_sha256
    )
    return response


def _dossier_response(request: HttpRequest, delivery: Any) -> HttpResponse:
    if delivery.job_url:
        return redirect(delivery.job_url)
    response = FileResponse(
        delivery.file, as_attachment=True, filename=delivery.filename, content_type=delivery.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Dossier-SHA256"] = delivery.sha256
    return response


@login_required
def dossier_page(request: HttpRequest) -> HttpResponse:
    """Choose a control (or all) and a period; with `download` in the query, build it."""
    if not dossier.may_download(request.user):
        raise PermissionDenied
    form = DossierForm(request.GET or None)
    if request.GET.get("download") and form.is_valid():
        data = form.cleaned_data
        chosen = dossier.Dossier(data["control"], data["date_from"], data["date_to"])
        return _dossier_response(request, dossier.deliver(request.user, chosen, data["format"]))
    return render(request, "compliance/dossier.html", {"form": form})
