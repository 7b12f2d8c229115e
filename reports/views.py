"""Pages: the annual report, the dashboard, the evidence dossier, export jobs and the home
page. Thin: the logic is in annual.py, services.py, exports.py and compliance.dossier."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from compliance import dossier
from compliance.forms import DossierForm
from core.filters import MAX_YEAR, MIN_YEAR
from organisation.models import Service

from .access import log_access
from .annual import (
    FIGURE_RULE_SENTENCES,
    annual_report,
    availability_rows,
    dashboard_panels,
    page_charts,
    report_rows,
)
from .models import ExportJob
from .services import CONTENT_TYPES, REPORT_FORMATS, render_annual_report, report_filename
from .today import sections as start_page_sections


@login_required
@permission_required("reports.view_annual_report", raise_exception=True)
def annual_report_page(request: HttpRequest, year: int) -> HttpResponse:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    report = annual_report(year)
    names = [item["service"] for item in report["availability"]]
    service_pks = dict(Service.objects.filter(name__in=names).values_list("name", "pk"))
    context = {
        "year": year,
        "previous": year - 1,
        "rows": report_rows(report, request.user),
        "availability": availability_rows(report, service_pks),
        "availability_rule": FIGURE_RULE_SENTENCES["availability"],
        "formats": REPORT_FORMATS,
        "charts": page_charts(report),
    }
    return render(request, "reports/annual_report.html", context)


@login_required
@permission_required("reports.view_annual_report", raise_exception=True)
def annual_report_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in REPORT_FORMATS or not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    data = render_annual_report(year, fmt)
    log_access(request, "export", name="reports.annual_report", filters={"year": year}, format=fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(year, fmt)}"'
    return response


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year_param(request, today.year)
    panels = dashboard_panels(today, year)
    years = [y for y in (year - 1, year + 1) if y <= today.year]
    return render(request, "reports/dashboard.html", {"panels": panels, "year": year, "other_years": years})


def _year_param(request: HttpRequest, default: int) -> int:
    """`?year=` of the per-month panels: a year from MIN_YEAR to MAX_YEAR, else a 404."""
    value = request.GET.get("year", "")
    if not value:
        return default
    if not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise Http404
    return int(value)


def _readable_job(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("requested_by"), pk=pk)
    if not job.may_read(request.user):
        raise Http404  # another user's job does not exist for you
    return job


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/export_job.html", {"job": _readable_job(request, pk)})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    return download_job_file(request, _readable_job(request, pk))


def download_job_file(request: HttpRequest, job: ExportJob) -> FileResponse:
    """Serve a finished job's file (after the caller checked access) and log it."""
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    log_access(request, "download", object=job, name=job.exporter, format=job.format, sha256=job.sha256)
    filename = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page ("Vandaag"): what needs this person now, one section per role they hold (reports/today.py)."""
    today = timezone.localdate()
    return render(request, "home.html", {"sections": start_page_sections(request, today), "today": today})


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
    return render(request, "reports/dossier.html", {"form": form})
