"""Admin for the privacy officer (register, self-assessments, DPIAs, breaches) and the
workshop coordinator (series, sessions, registrations, attendance). Workflow steps go
through the domain modules, so the admin and the API cannot disagree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.admin_base import WaarborgAdmin, figure_year_filter
from core.admin_export import ExportMixin
from core.moments import event_moment
from core.record_actions import RecordAction, RecordActionsMixin

from . import breaches, dpias, scoring, stats, workshops
from .models import (
    DPIA,
    Answer,
    Category,
    DataBreach,
    DPIARisk,
    DPIATransition,
    ProcessingActivity,
    Processor,
    Purpose,
    Question,
    Questionnaire,
    Registration,
    SelfAssessment,
    Transfer,
    WorkshopSeries,
    WorkshopSession,
)
from .models.dpia import PARTS, SECTIONS
from .models.register import REGISTER_SECTIONS


def figure_filter(key: str, title: Any) -> type[admin.SimpleListFilter]:
    """The records annual figure `key` counts in a year (privacy.stats.FIGURE_RULES);
    the annual report links to `?<key>=<year>`."""
    return figure_year_filter(lambda year: stats.figure_q(key, year), title, key)


def countdown(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    if seconds <= 0:
        hours, minutes = divmod(-seconds // 60, 60)
        return str(_("termijn %(h)d u %(m)02d min verstreken") % {"h": hours, "m": minutes})
    hours, minutes = divmod(seconds // 60, 60)
    return str(_("nog %(h)d u %(m)02d min") % {"h": hours, "m": minutes})


# --- register -------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class PurposeInline(admin.TabularInline):
    model = Purpose
    extra = 0


class ProcessorInline(admin.TabularInline):
    model = Processor
    extra = 0


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(ExportMixin, WaarborgAdmin):
    change_list_template = "admin/privacy/processingactivity/change_list.html"
    list_display = ["code", "name", "role", "owner", "registered_on", "next_review_on", "dpia_screening"]
    list_filter = [
        "role",
        "bsn",
        "criminal_data",
        "screening_ap_mandatory_list",
        "registered_on",
        figure_filter("processing_registrations", _("jaar geregistreerd")),
    ]
    list_select_related = ["owner"]
    search_fields = ["code", "name", "description"]
    autocomplete_fields = ["owner", "services"]
    filter_horizontal = ["data_subject_categories", "personal_data_categories", "recipient_categories"]
    date_hierarchy = "registered_on"
    readonly_fields = ["public_id", "screening_outcome"]
    inlines = [PurposeInline, ProcessorInline, TransferInline]
    # The Art. 30 sections of the register, with the screening's outcome beside its flags.
    fieldsets = [
        (title, {"fields": names + (["screening_outcome"] if "screening_wp248_criteria" in names else [])})
        for title, names in REGISTER_SECTIONS
    ]

    @admin.display(description=_("DPIA verplicht"), boolean=True)
    def dpia_screening(self, obj: ProcessingActivity) -> bool:
        return obj.dpia_required

    @admin.display(description=_("uitkomst screening"))
    def screening_outcome(self, obj: ProcessingActivity) -> str:
        reasons = obj.screening_reasons
        return str(_("DPIA verplicht: %s") % ", ".join(reasons)) if reasons else str(_("DPIA niet verplicht"))


@admin.register(Purpose)
class PurposeAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["description", "activity", "legal_basis"]
    list_filter = ["legal_basis"]
    list_select_related = ["activity"]
    search_fields = ["description", "activity__name"]
    autocomplete_fields = ["activity"]


@admin.register(Processor)
class ProcessorAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "activity", "agreement_signed_on", "agreement_ends_on"]
    list_select_related = ["activity"]
    search_fields = ["name", "activity__name"]
    autocomplete_fields = ["activity"]


@admin.register(Transfer)
class TransferAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["recipient", "country", "safeguard", "activity"]
    list_filter = ["safeguard"]
    list_select_related = ["activity"]
    search_fields = ["recipient", "country", "activity__name"]
    autocomplete_fields = ["activity"]


# --- self-assessments -----------------------------------------------------------------


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["number", "text", "answer_type", "weight", "criterion"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "slug", "wp248_threshold", "score_threshold", "active"]
    search_fields = ["name"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["number", "text", "questionnaire", "answer_type", "weight", "criterion"]
    list_filter = ["questionnaire", "answer_type", "criterion"]
    list_select_related = ["questionnaire"]
    search_fields = ["text"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value", "text"]
    autocomplete_fields = ["question"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["__str__", "assessor", "started_on", "completed_on", "score", "dpia_required"]
    list_filter = [
        "questionnaire",
        "dpia_required",
        "completed_on",
        figure_filter("self_assessments", _("jaar afgerond")),
    ]
    list_select_related = ["questionnaire", "activity", "service", "assessor"]
    search_fields = ["activity__name", "service__name", "notes"]
    autocomplete_fields = ["activity", "service", "assessor", "previous"]
    readonly_fields = ["completed_on", "score", "dpia_required", "outcome"]
    inlines = [AnswerInline]
    actions = ["complete"]

    @admin.display(description=_("uitkomst"))
    def outcome(self, obj: SelfAssessment) -> str:
        if obj.completed_on is None:
            return str(_("nog niet afgerond"))
        verdict = _("DPIA verplicht") if obj.dpia_required else _("DPIA niet verplicht")
        return f"{verdict}: " + "; ".join(obj.reasons) if obj.reasons else str(verdict)

    @admin.action(description=_("Afronden en scoren"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[SelfAssessment]) -> None:
        for assessment in queryset.select_related("questionnaire"):
            try:
                outcome = scoring.complete(assessment, timezone.localdate(), actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{assessment}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                verdict = _("DPIA verplicht") if outcome.dpia_required else _("DPIA niet verplicht")
                self.message_user(request, f"{assessment}: {verdict} (score {outcome.score})", messages.SUCCESS)


@admin.register(Answer)
class AnswerAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["assessment", "question", "value"]
    list_select_related = ["assessment__questionnaire", "assessment__activity", "assessment__service", "question"]
    autocomplete_fields = ["assessment", "question"]
    search_fields = ["text"]


# --- DPIAs ----------------------------------------------------------------------------


class DPIARiskInline(admin.TabularInline):
    model = DPIARisk
    extra = 0


class DPIATransitionInline(admin.TabularInline):
    model = DPIATransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DPIAForm(forms.ModelForm):
    """The DPIA plus one workflow step, validated by the same rules as the API."""

    STEPS = [
        ("", _("— geen stap —")),
        ("to_review", _("Ter beoordeling aanbieden")),
        ("to_draft", _("Terug naar concept")),
        ("advice", _("Advies FG vastleggen")),
        ("decide", _("Besluit vastleggen")),
    ]
    step = forms.ChoiceField(label=_("workflowstap"), choices=STEPS, required=False)
    step_text = forms.CharField(
        label=_("advies FG of toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    step_decision = forms.ChoiceField(label=_("besluit"), choices=[("", "—"), *DPIA.Decision.choices], required=False)
    step_date = forms.DateField(label=_("datum (leeg: vandaag)"), required=False, widget=admin.widgets.AdminDateWidget)

    class Meta:
        model = DPIA
        fields = ["title", "activity", "owner", "review_on", "prior_consultation_on", *[n for n, _l, _p in SECTIONS]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        step = data.get("step")
        if not step:
            return data
        if self.instance.pk is None:
            raise ValidationError(_("Sla de DPIA eerst op"))
        on = data.get("step_date") or timezone.localdate()
        checks = {
            "to_review": lambda: dpias.validate_move(self.instance, DPIA.Status.IN_REVIEW),
            "to_draft": lambda: dpias.validate_move(self.instance, DPIA.Status.DRAFT),
            "advice": lambda: dpias.validate_advice(self.instance, data.get("step_text", "")),
            "decide": lambda: dpias.validate_decision(self.instance, data.get("step_decision", ""), on),
        }
        try:
            checks[step]()
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AdviceForm(forms.Form):
    advice = forms.CharField(label=_("advies FG"), widget=forms.Textarea(attrs={"rows": 4}))
    on = forms.DateField(label=_("andere datum (leeg: vandaag)"), required=False)
    reason = forms.CharField(label=_("reden voor een andere datum"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("besluit"), choices=DPIA.Decision.choices)
    notes = forms.CharField(label=_("toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("andere datum (leeg: vandaag)"), required=False)
    reason = forms.CharField(label=_("reden voor een andere datum"), required=False)


def dpia_actions(dpia: DPIA) -> list[RecordAction]:
    """The next steps of a DPIA as buttons (the workflow in privacy.dpias decides)."""
    Status = DPIA.Status
    actions = []
    if dpia.status == Status.DRAFT:
        actions.append(
            RecordAction(
                name="review",
                label=_("Ter beoordeling aanbieden"),
                form_class=NoteForm,
                run=lambda obj, user, data: dpias.move(obj, Status.IN_REVIEW, user, data["note"]),
                success=_("De DPIA is ter beoordeling aangeboden."),
            )
        )
    if dpia.status == Status.IN_REVIEW:
        actions.append(
            RecordAction(
                name="concept",
                label=_("Terug naar concept"),
                form_class=NoteForm,
                run=lambda obj, user, data: dpias.move(obj, Status.DRAFT, user, data["note"]),
                success=_("De DPIA is terug naar concept."),
            )
        )
    if dpia.status in (Status.IN_REVIEW, Status.DPO_ADVICE):
        actions.append(
            RecordAction(
                name="advies",
                label=_("Advies FG vastleggen"),
                form_class=AdviceForm,
                run=lambda obj, user, data: dpias.advise(obj, data["advice"], user, data["on"], data["reason"]),
                success=_("Het advies van de FG is vastgelegd."),
                initial={"advice": dpia.dpo_advice},
            )
        )
    if dpia.status == Status.DPO_ADVICE:
        actions.append(
            RecordAction(
                name="besluit",
                label=_("Besluit vastleggen"),
                form_class=DecisionForm,
                run=lambda obj, user, data: dpias.decide_now(
                    obj, data["decision"], user, data["notes"], data["on"], data["reason"]
                ),
                success=_("Het besluit is vastgelegd."),
            )
        )
    return actions


@admin.register(DPIA)
class DPIAAdmin(RecordActionsMixin, ExportMixin, WaarborgAdmin):
    form = DPIAForm
    list_display = ["title", "activity", "status", "decision", "decided_on", "prior_consultation", "review_on"]
    list_filter = ["status", "decision", "decided_on", figure_filter("dpias", _("jaar besloten"))]
    list_select_related = ["activity", "owner"]
    search_fields = ["title", "activity__name"]
    autocomplete_fields = ["activity", "owner"]
    readonly_fields = [
        "status",
        "dpo_advice",
        "dpo_advice_on",
        "dpo_advice_by",
        "decision",
        "decision_notes",
        "decided_on",
        "decided_by",
        "prior_consultation",
        "pdf_link",
    ]
    inlines = [DPIARiskInline, DPIATransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DPIA]:
        return super().get_queryset(request).prefetch_related("risks")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets: list = [(None, {"fields": ["title", "activity", "owner", "status", "review_on", "pdf_link"]})]
        for part, label in PARTS.items():
            fieldsets.append((label, {"fields": [name for name, _l, p in SECTIONS if p == part]}))
        fieldsets.append(
            (
                _("Advies FG en besluit"),
                {
                    "fields": [
                        "dpo_advice",
                        "dpo_advice_on",
                        "dpo_advice_by",
                        "decision",
                        "decision_notes",
                        "decided_on",
                        "decided_by",
                        "prior_consultation",
                        "prior_consultation_on",
                    ]
                },
            )
        )
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((_("Workflow"), {"fields": ["step", "step_text", "step_decision", "step_date"]}))
        return fieldsets

    def get_record_actions(self, request: HttpRequest, obj: Any) -> list[RecordAction]:
        return dpia_actions(obj) if self.has_change_permission(request, obj) else []

    @admin.display(description=_("raadpleging AP nodig"), boolean=True)
    def prior_consultation(self, obj: DPIA) -> bool:
        return obj.prior_consultation_required

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: DPIA) -> str:
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("dpia-pdf", args=[obj.pk]), _("DPIA als PDF"))

    def save_model(self, request: HttpRequest, obj: DPIA, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        step, on = data.get("step"), data.get("step_date")
        if step == "to_review":
            dpias.move(obj, DPIA.Status.IN_REVIEW, request.user)
        elif step == "to_draft":
            dpias.move(obj, DPIA.Status.DRAFT, request.user, data.get("step_text", ""))
        elif step == "advice":
            dpias.record_dpo_advice(obj, data["step_text"], request.user, on)
        elif step == "decide":
            dpias.decide(obj, data["step_decision"], request.user, on, data.get("step_text", ""))


@admin.register(DPIARisk)
class DPIARiskAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["description", "dpia", "likelihood", "impact", "residual_likelihood", "residual_impact"]
    list_select_related = ["dpia"]
    search_fields = ["description"]
    autocomplete_fields = ["dpia"]


@admin.register(DPIATransition)
class DPIATransitionAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["dpia", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    list_select_related = ["dpia", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- breaches -------------------------------------------------------------------------


class DataBreachForm(forms.ModelForm):
    """The breach plus, optionally, the notification to the AP or the decision not to report."""

    report_at = forms.SplitDateTimeField(
        label=_("gemeld bij de AP op"), required=False, widget=admin.widgets.AdminSplitDateTime
    )
    report_reference = forms.CharField(label=_("meldnummer AP"), required=False)
    report_late_reason = forms.CharField(
        label=_("reden voor te late melding"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    not_report_reasons = forms.CharField(
        label=_("besluit: niet melden, met redenen"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    class Meta:
        model = DataBreach
        fields = [
            "reference",
            "title",
            "incident",
            "report_type",
            "activities",
            "aware_at",
            "started_at",
            "ended_at",
            "nature",
            "data_categories",
            "subject_categories",
            "persons_affected",
            "records_affected",
            "consequences",
            "measures",
            "risk",
            "subjects_decision",
            "subjects_informed_on",
            "subjects_channel",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        report_at, reasons = data.get("report_at"), (data.get("not_report_reasons") or "").strip()
        if report_at and reasons:
            raise ValidationError(_("Kies: melden óf niet melden"))
        if report_at:
            breach = self.instance
            breach.aware_at = data.get("aware_at") or breach.aware_at
            try:
                breaches.validate_report(
                    breach, report_at, data.get("report_reference") or "", data.get("report_late_reason") or ""
                )
            except ValidationError as exc:
                mapping = {
                    "reported_to_ap_at": "report_at",
                    "ap_reference": "report_reference",
                    "late_reason": "report_late_reason",
                }
                for field, errors in exc.message_dict.items():
                    self.add_error(mapping.get(field), errors)
        elif reasons and (self.instance.reported_to_ap_at or self.instance.not_reported_decided_at):
            raise ValidationError(_("Over melden is al besloten"))
        return data


class BreachCorrectionForm(forms.Form):
    """Correct the reported facts of a breach already reported to the AP, with a reason."""

    aware_at = forms.SplitDateTimeField(label=_("bekend geworden op"), widget=admin.widgets.AdminSplitDateTime)
    reported_to_ap_at = forms.SplitDateTimeField(
        label=_("gemeld bij de AP op"), widget=admin.widgets.AdminSplitDateTime
    )
    late_reason = forms.CharField(
        label=_("reden voor te late melding"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reason = forms.CharField(label=_("reden van de correctie"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportToAPForm(forms.Form):
    reference = forms.CharField(label=_("meldnummer AP"), max_length=60)
    late_reason = forms.CharField(
        label=_("reden van de vertraging (na 72 uur)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotReportForm(forms.Form):
    reasons = forms.CharField(label=_("redenen om niet te melden"), widget=forms.Textarea(attrs={"rows": 4}))


def breach_actions(breach: DataBreach) -> list[RecordAction]:
    """Report to the AP now, or decide not to: while neither has been done."""
    if breach.reported_to_ap_at or breach.not_reported_decided_at:
        return []
    remaining = breach.seconds_remaining()
    clock = [
        _("Uiterste meldtermijn: %(deadline)s (%(left)s).")
        % {"deadline": formatting.moment(breach.deadline), "left": countdown(remaining)}
    ]
    return [
        RecordAction(
            name="melden",
            label=_("Melden bij de AP"),
            form_class=ReportToAPForm,
            run=lambda obj, user, data: breaches.report_to_ap(
                obj, timezone.now(), data["reference"], user, data["late_reason"]
            ),
            success=_("De melding bij de AP is vastgelegd, met dit moment als meldtijdstip."),
            intro=clock,
        ),
        RecordAction(
            name="niet-melden",
            label=_("Besluit niet te melden"),
            form_class=NotReportForm,
            run=lambda obj, user, data: breaches.decide_not_to_report(obj, data["reasons"], user),
            success=_("Het besluit niet te melden is vastgelegd."),
            intro=clock,
        ),
    ]


@admin.register(DataBreach)
class DataBreachAdmin(RecordActionsMixin, ExportMixin, WaarborgAdmin):
    form = DataBreachForm
    change_list_template = "admin/privacy/databreach/change_list.html"
    year_import_register = "breaches"  # manage.py import_year breaches …
    list_display = ["reference", "title", "clock", "aware_at", "deadline", "reported_to_ap_at", "not_reported", "risk"]
    # the deadline is the moment of awareness plus 72 hours: the privacy officer works from the
    # deadline and the countdown, the auditor checks both moments
    reader_only_columns = ("aware_at",)
    list_filter = [
        "report_type",
        "risk",
        "subjects_decision",
        "aware_at",
        figure_filter("data_breaches", _("jaar ontdekt")),
        figure_filter("data_breaches_reported_late", _("jaar ontdekt, te laat gemeld")),
        figure_filter("data_breaches_not_reported", _("jaar ontdekt, termijn verstreken en niet gemeld")),
    ]
    search_fields = ["reference", "title", "incident__reference", "ap_reference"]
    filter_horizontal = ["data_categories"]
    autocomplete_fields = ["activities", "incident"]
    date_hierarchy = "aware_at"
    readonly_fields = [
        "deadline",
        "clock",
        "reported_to_ap_at",
        "ap_reference",
        "late_reason",
        "not_reported_decided_at",
        "not_reported_reasons",
        "correction",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "title", "incident", "report_type", "activities"]}),
        (_("Tijdlijn en termijn (art. 33)"), {"fields": ["aware_at", "started_at", "ended_at", "deadline", "clock"]}),
        (
            _("De inbreuk (art. 33 lid 3)"),
            {
                "fields": [
                    "nature",
                    "data_categories",
                    "subject_categories",
                    "persons_affected",
                    "records_affected",
                    "consequences",
                    "measures",
                    "risk",
                ]
            },
        ),
        (
            _("Melding aan de AP"),
            {
                "fields": [
                    "reported_to_ap_at",
                    "ap_reference",
                    "late_reason",
                    "correction",
                    "not_reported_decided_at",
                    "not_reported_reasons",
                    "report_at",
                    "report_reference",
                    "report_late_reason",
                    "not_report_reasons",
                ]
            },
        ),
        (
            _("Betrokkenen informeren (art. 34)"),
            {"fields": ["subjects_decision", "subjects_informed_on", "subjects_channel"]},
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.reported_to_ap_at:
            return [*self.readonly_fields, "aware_at"]  # frozen once reported; see correct_view
        return list(self.readonly_fields)

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="privacy_databreach_correct",
            )
        ]
        return own + super().get_urls()

    @admin.display(description=_("correctie"))
    def correction(self, obj: DataBreach) -> str:
        if obj.pk is None or not obj.reported_to_ap_at:
            return "—"
        url = reverse("admin:privacy_databreach_correct", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Gemelde feiten corrigeren (met reden)"))

    def correct_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The explicit correction of a reported breach's moments, with a reason."""
        breach = get_object_or_404(DataBreach, pk=object_id)
        if not self.has_change_permission(request, breach):
            raise PermissionDenied
        initial = {
            "aware_at": breach.aware_at,
            "reported_to_ap_at": breach.reported_to_ap_at,
            "late_reason": breach.late_reason,
        }
        form = BreachCorrectionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                breaches.correct_reported_facts(
                    breach,
                    data["reason"],
                    request.user,
                    aware_at=data["aware_at"],
                    reported_to_ap_at=data["reported_to_ap_at"],
                    late_reason=data["late_reason"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                self.message_user(request, _("De gemelde feiten zijn gecorrigeerd."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:privacy_databreach_change", args=[breach.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": breach,
            "form": form,
            "title": _("Gemelde feiten corrigeren"),
        }
        return TemplateResponse(request, "admin/privacy/databreach/correct.html", context)

    def get_record_actions(self, request: HttpRequest, obj: Any) -> list[RecordAction]:
        return breach_actions(obj) if self.has_change_permission(request, obj) else []

    @admin.display(description=_("uiterste meldtermijn"))
    def deadline(self, obj: DataBreach) -> Any:
        return obj.deadline if obj.aware_at else None

    @admin.display(description=_("aftellen"))
    def clock(self, obj: DataBreach) -> str:
        if not obj.aware_at:
            return "—"
        if obj.reported_to_ap_at:
            return str(_("gemeld (te laat)") if obj.reported_late else _("gemeld"))
        if obj.not_reported_decided_at:
            return str(_("niet gemeld (besluit)"))
        return countdown(obj.seconds_remaining())

    @admin.display(description=_("niet gemeld"), boolean=True)
    def not_reported(self, obj: DataBreach) -> bool:
        return obj.not_reported_decided_at is not None

    def save_model(self, request: HttpRequest, obj: DataBreach, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if data.get("report_at"):
            breaches.report_to_ap(
                obj, data["report_at"], data["report_reference"], request.user, data.get("report_late_reason") or ""
            )
        elif (data.get("not_report_reasons") or "").strip():
            breaches.decide_not_to_report(obj, data["not_report_reasons"], request.user)


# --- workshops ------------------------------------------------------------------------


@admin.register(WorkshopSeries)
class WorkshopSeriesAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "kind", "recurrence", "capacity", "waiting_list", "active", "feed"]
    list_filter = ["kind", "active"]
    list_select_related = ["organizer"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organizer"]
    readonly_fields = ["feed"]

    @admin.display(description=_("agenda-abonnement (.ics)"))
    def feed(self, obj: WorkshopSeries) -> str:
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.feed_url(), _("feed"))


class AttendanceForm(forms.ModelForm):
    """Attendance of an existing registration: only for a session that has started and was
    not cancelled (the rule is workshops.check_attendance; saving goes through mark_attendance)."""

    class Meta:
        model = Registration
        fields = ["attendance"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is not None and "attendance" in self.changed_data and data.get("attendance"):
            workshops.check_attendance(self.instance)
        return data


class RegistrationInline(admin.TabularInline):
    model = Registration
    form = AttendanceForm
    extra = 0
    fields = ["user", "status", "attendance", "registered_at"]
    readonly_fields = ["user", "status", "registered_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttendanceMissingFilter(admin.SimpleListFilter):
    """Sessions that have started, were not cancelled and still have a registered attendee
    without attendance (workshops.needs_attendance). The start page counts with this filter."""

    title = _("aanwezigheid")
    parameter_name = "attendance"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("missing", _("Nog vast te leggen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return workshops.needs_attendance(queryset) if self.value() == "missing" else queryset


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(ExportMixin, WaarborgAdmin):
    change_list_template = "admin/waarborg/year_import_change_list.html"
    year_import_register = "workshops"  # manage.py import_year workshops …
    list_display = ["__str__", "starts_at", "location", "capacity", "registered", "waiting", "cancelled"]
    list_filter = [
        "series",
        "cancelled",
        AttendanceMissingFilter,
        "starts_at",
        figure_filter("workshop_sessions", _("jaar gegeven")),
        figure_filter("avg_workshop_sessions", _("jaar gegeven, AVG-workshops")),
        figure_filter("onboarding_sessions", _("jaar gegeven, onboarding")),
    ]
    list_select_related = ["series"]
    search_fields = ["series__name", "location"]
    autocomplete_fields = ["series"]
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkshopSession]:
        return super().get_queryset(request).with_seats()

    def save_model(self, request: HttpRequest, obj: WorkshopSession, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            workshops.session_changed(obj, set(form.changed_data), actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Registration:
            super().save_formset(request, form, formset, change)
            return
        # Attendance through the workflow (checked, logged); nothing else of a registration
        # is edited here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            attendance = row.cleaned_data.get("attendance") if row.has_changed() else None
            if row.instance.pk is not None and attendance:
                workshops.mark_attendance(Registration.objects.filter(pk=row.instance.pk), attendance, request.user)
                formset.changed_objects.append((row.instance, ["attendance"]))

    @admin.display(description=_("ingeschreven"))
    def registered(self, obj: WorkshopSession) -> int:
        return obj.registered_count

    @admin.display(description=_("wachtlijst"))
    def waiting(self, obj: WorkshopSession) -> int:
        return obj.waiting_count


class RegistrationForm(forms.ModelForm):
    moment = forms.SplitDateTimeField(
        widget=AdminSplitDateTime,
        label=_("ingeschreven op"),
        required=False,
        help_text=_("Wanneer de inschrijving plaatsvond; leeg: nu. Niet in de toekomst, vóór het begin van de sessie."),
    )
    late_reason = forms.CharField(
        label=_("reden late registratie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht als het moment meer dan een dag geleden is."),
    )

    class Meta:
        model = Registration
        fields = ["session", "user", "attendance"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is not None and "attendance" in self.changed_data and data.get("attendance"):
            workshops.check_attendance(self.instance)
        if self.instance.pk is None and data.get("attendance"):
            raise ValidationError(_("Aanwezigheid leg je vast na de sessie, op een bestaande inschrijving"))
        session, user = data.get("session"), data.get("user")
        if self.instance.pk is None and session and data.get("moment") is not None:
            try:
                event_moment(
                    data["moment"], field="moment", reason=data.get("late_reason", ""), reason_field="late_reason"
                )
            except ValidationError as error:
                self.add_error(None, error)
                return data
            if session.starts_at <= data["moment"]:
                self.add_error("moment", _("De sessie was op dat moment al begonnen"))
        if self.instance.pk is None and session and user:
            if (
                Registration.objects.filter(session=session, user=user)
                .exclude(status=Registration.Status.CANCELLED)
                .exists()
            ):
                raise ValidationError(_("Al ingeschreven voor deze sessie"))
            if workshops.registered_count(session) >= session.capacity:
                raise ValidationError(_("Deze sessie is vol"))
        return data


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, WaarborgAdmin):
    form = RegistrationForm
    list_display = ["user", "session", "status", "attendance", "registered_at"]
    list_filter = [
        "status",
        "attendance",
        "session__series",
        figure_year_filter(
            stats.first_attendance_per_person_q, _("deelnemers in jaar (één rij per persoon)"), "workshop_attendees"
        ),
    ]
    list_select_related = ["user", "session__series"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["session", "user"]
    readonly_fields = ["status", "registered_at", "cancelled_at"]
    actions = ["mark_attended", "mark_absent", "mark_excused", "cancel_registrations"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        queryset = super().get_queryset(request)
        if request.user.has_perm("privacy.view_all_registrations"):
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(self.readonly_fields)
        return [*fields, "session", "user"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Registration, form: Any, change: bool) -> None:
        if change:
            if "attendance" in form.changed_data and obj.attendance:
                workshops.mark_attendance(Registration.objects.filter(pk=obj.pk), obj.attendance, request.user)
            return
        registration = workshops.register(
            obj.session,
            obj.user,
            actor=request.user,
            at=form.cleaned_data.get("moment"),
            late_reason=form.cleaned_data.get("late_reason", ""),
        )
        obj.__dict__.update(registration.__dict__)

    def _mark(self, request: HttpRequest, queryset: QuerySet[Registration], attendance: str) -> None:
        try:
            count = workshops.mark_attendance(queryset, attendance, request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("%(n)d inschrijvingen bijgewerkt.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Markeer als aanwezig"), permissions=["change"])
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._mark(request, queryset, Registration.Attendance.ATTENDED)

    @admin.action(description=_("Markeer als afwezig"), permissions=["change"])
    def mark_absent(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._mark(request, queryset, Registration.Attendance.ABSENT)

    @admin.action(description=_("Markeer als afgemeld met reden"), permissions=["change"])
    def mark_excused(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        self._mark(request, queryset, Registration.Attendance.EXCUSED)

    @admin.action(description=_("Afmelden (wachtlijst schuift door)"), permissions=["change"])
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset:
            try:
                workshops.cancel(registration, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{registration}: {' '.join(exc.messages)}", messages.ERROR)
