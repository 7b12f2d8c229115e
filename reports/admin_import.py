"""The admin page behind each register's "Importeren (verleden jaar)" button: upload a file,
see every bad row (row, column, reason) or what came in. Only for whoever may add the
register's records (reports.year_import.PERMISSIONS)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.imports import ImportRefused

from .year_import import PERMISSIONS, import_year

# register -> the model whose change list has the button (and whose page the import returns to)
MODELS = {
    "incidents": "incidents.Incident",
    "checks": "compliance.ControlCheck",
    "breaches": "privacy.DataBreach",
    "workshops": "privacy.WorkshopSession",
}
# register -> the manual that lists its columns
MANUALS = {
    "incidents": "docs/security-officer.md",
    "checks": "docs/security-officer.md",
    "breaches": "docs/privacyfunctionaris.md",
    "workshops": "docs/workshopcoordinator.md",
}


class YearImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("bestand (CSV of XLSX)"))
    dry_run = forms.BooleanField(label=gettext_lazy("alleen controleren (proefimport, niets opslaan)"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(gettext_lazy("Alleen CSV- of XLSX-bestanden."))
        return upload


def import_year_view(request: HttpRequest, register: str) -> HttpResponse:
    if register not in PERMISSIONS:
        raise Http404
    if not request.user.has_perm(PERMISSIONS[register]):
        raise PermissionDenied
    opts = apps.get_model(MODELS[register])._meta
    form = YearImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = import_year(register, upload.read(), upload.name, request.user, dry_run=dry_run)
        except ImportRefused as refused:
            report = refused.report
        else:
            if dry_run:
                messages.info(
                    request,
                    _("Proefimport: alle %(rows)s regels zijn in orde; niets opgeslagen.") % {"rows": result.rows},
                )
                return HttpResponseRedirect(request.path)
            messages.success(
                request,
                _("%(rows)s regels geïmporteerd uit %(file)s.") % {"rows": result.rows, "file": result.file_name},
            )
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    context = {
        **admin.site.each_context(request),
        "opts": opts,
        "form": form,
        "report": report,
        "errors": report.errors[:500] if report else [],
        "register": register,
        "manual": MANUALS[register],
        "title": _("Verleden jaar importeren: %(name)s") % {"name": opts.verbose_name_plural},
    }
    return TemplateResponse(request, "reports/admin/import_year.html", context)
