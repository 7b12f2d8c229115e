"""Forms of the pages and the admin; they validate input and call the domain functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import CheckResult, Control


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Bestand"), required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Notitie"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(forms.Form):
    result = forms.ChoiceField(label=_("Resultaat"), choices=CheckResult.choices)
    conclusion = forms.CharField(label=_("Conclusie"), widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    """Accept (the note is optional) or reject (the note is the reason, required by reject_check)."""

    note = forms.CharField(
        label=_("Toelichting van de beoordelaar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("YAML-bestand (framework-library)"))


def _first_of_year() -> date:
    return timezone.localdate().replace(month=1, day=1)


class DossierForm(forms.Form):
    """One control or all, a period and a format: what an evidence dossier covers."""

    control = forms.ModelChoiceField(
        label=_("Maatregel"),
        queryset=Control.objects.order_by("code"),
        required=False,
        empty_label=_("Alle maatregelen"),
    )
    # A date input takes ISO dates whatever the language (the browser shows them the local way).
    date_from = forms.DateField(
        label=_("Van"), initial=_first_of_year, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Tot en met"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    format = forms.ChoiceField(
        label=_("Formaat"),
        choices=[
            ("zip", _("ZIP: samenvatting, bestanden en SHA-256-manifest")),
            ("pdf", _("Alleen de samenvatting (PDF)")),
        ],
        initial="zip",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("De einddatum ligt voor de begindatum."))
        return data
