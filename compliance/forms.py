"""Forms of the pages and the admin; they validate input and call the domain functions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CheckResult


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Bestand"), required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Notitie"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(forms.Form):
    result = forms.ChoiceField(label=_("Resultaat"), choices=CheckResult.choices)
    conclusion = forms.CharField(label=_("Conclusie"), widget=forms.Textarea(attrs={"rows": 4}))


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("YAML-bestand (framework-library)"))
