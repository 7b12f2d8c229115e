from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance.controls import accept_check, can_review, can_submit, reject_check, submit_check
from compliance.evidence import add_evidence, can_download
from compliance.filters import ControlCheckFilter
from compliance.forms import EvidenceForm, ReviewForm, SubmitForm
from compliance.models import CheckStatus, ControlCheck, Evidence, Policy
from core.access import notify_access

MY_CHECKS_PER_PAGE = 50


def my_checks_filter(request: HttpRequest, data: Any = None) -> ControlCheckFilter:
    """The filter of "Mijn controles" over `data` (default: the request's query string); the
    start page counts with this same filter."""
    queryset = (
        ControlCheck.objects.assigned_to(request.user)
        .with_overdue()
        .by_urgency()
        .select_related("control", "owner", "evidence_owner")
    )
    if data is None:
        data = request.GET or {"status": ""}
    return ControlCheckFilter(data, queryset=queryset, request=request)


@login_required
@permission_required("compliance.view_controlcheck", raise_exception=True)
def my_checks(request: HttpRequest) -> HttpResponse:
    """The checks assigned to the signed-in user (owner or evidence owner), most urgent first."""
    checks = my_checks_filter(request)
    page = Paginator(checks.qs, MY_CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    # A yes/no filter with another value would silently show everything: say so.
    bad_filter = any(request.GET.get(name, "") not in ("", "true", "false") for name in ("overdue", "this_month"))
    context = {"filter": checks, "checks": page, "page_obj": page, "bad_filter": bad_filter}
    return render(request, "compliance/my_checks.html", context)


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
        "may_review": check.status == CheckStatus.SUBMITTED and can_review(check, request.user),
        "review_form": ReviewForm(),
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


def _review(request: HttpRequest, pk: int, decide: Any, success: str) -> HttpResponse:
    """Accept or reject on the check's page; the domain function decides (four eyes, reason)."""
    check = _visible_check(request, pk)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(check, request.user, note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(check.get_absolute_url())


@login_required
@require_POST
def check_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(
        request, pk, lambda check, user, note: accept_check(check, user, note=note), _("Controle geaccepteerd.")
    )


@login_required
@require_POST
def check_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, reject_check, _("Controle afgekeurd; de eigenaar kan opnieuw indienen."))


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
