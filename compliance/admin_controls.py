"""Admin of frameworks, controls, checks, evidence, policies and reminders, for the
security officer. Every action calls the domain functions (four eyes included)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance import dossier, stats
from compliance.controls import accept_check, can_review, reject_check, retire_control, submit_check
from compliance.evidence import add_evidence, attach_document, check_upload
from compliance.forms import FrameworkUploadForm, ReviewForm
from compliance.frameworks import FrameworkImportError, import_framework
from compliance.models import (
    Applicability,
    CheckStatus,
    Control,
    ControlCheck,
    ControlState,
    Evidence,
    Framework,
    Policy,
    Requirement,
)
from compliance.models.controls import CONTROL_FIELDS
from core.admin_base import WaarborgAdmin, figure_year_filter
from core.admin_export import ExportMixin
from core.moments import is_future
from core.record_actions import RecordAction, RecordActionsMixin


def state_label(state: str) -> str:
    return str(ControlState(state).label) if state in ControlState.values else "—"


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    fields = ["ref_id", "name", "assessable", "depth"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    max_num = 0


@admin.register(Framework)
class FrameworkAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["ref_id", "name", "name_nl", "version", "provider", "imported_at"]
    search_fields = ["ref_id", "name", "name_nl", "urn"]
    readonly_fields = ["urn", "library_urn", "version", "imported_at", "implementation_groups", "exports"]
    change_list_template = "admin/compliance/framework/change_list.html"

    def get_urls(self) -> list[Any]:
        own = [path("import/", self.admin_site.admin_view(self.import_view), name="compliance_framework_import")]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a framework-library YAML file: the same import_framework() as the command."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FrameworkUploadForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                report = import_framework(form.cleaned_data["file"])
            except FrameworkImportError as exc:
                errors = exc.errors
            else:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:compliance_framework_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "title": gettext("Normenkader importeren"),
        }
        return TemplateResponse(request, "admin/compliance/framework/import.html", context)

    @admin.display(description=_("verklaring van toepasselijkheid"))
    def exports(self, obj: Framework) -> str:
        if not obj.pk:
            return "—"
        base = reverse("framework-soa", args=[obj.pk])
        return format_html('<a href="{}?export=csv">CSV</a> · <a href="{}?export=xlsx">XLSX</a>', base, base)


@admin.register(Requirement)
class RequirementAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["ref_id", "short_title", "framework", "assessable", "depth"]
    list_filter = ["framework", "assessable", "depth"]
    list_select_related = ["framework"]
    search_fields = ["ref_id", "name", "name_nl", "description", "description_nl", "urn"]
    readonly_fields = ["framework", "urn", "parent", "position", "depth"]

    @admin.display(description=_("eis"))
    def short_title(self, obj: Requirement) -> str:
        return obj.title[:90]


@admin.register(Applicability)
class ApplicabilityAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["requirement", "applicable", "justification"]
    list_filter = ["applicable", "requirement__framework"]
    list_select_related = ["requirement"]
    search_fields = ["requirement__ref_id", "justification"]
    autocomplete_fields = ["requirement"]


class ControlAdminForm(forms.ModelForm):
    """Unticking `actief` retires the control: with a date (default today) and a reason,
    through compliance.controls.retire_control (its open checks after the date are cancelled)."""

    retire_on = forms.DateField(
        label=_("buiten gebruik per"),
        required=False,
        help_text=_("Alleen bij het uitvinken van ‘actief’: de datum (standaard vandaag, niet in de toekomst)."),
    )
    retire_reason = forms.CharField(
        label=_("reden buiten gebruik"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij het uitvinken van ‘actief’."),
    )

    class Meta:
        model = Control
        fields = CONTROL_FIELDS

    @property
    def retiring(self) -> bool:
        return bool(self.instance.pk and self.instance._stored_active and not self.cleaned_data.get("active", True))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.retiring:
            return data
        if not (data.get("retire_reason") or "").strip():
            self.add_error("retire_reason", _("Geef de reden om de maatregel buiten gebruik te stellen."))
        on = data.get("retire_on")
        if on is not None and is_future(on):
            self.add_error(
                "retire_on", _("Deze datum ligt in de toekomst; alleen wat al gebeurd is kan worden vastgelegd.")
            )
        elif on is not None and self.instance.start_date and on < self.instance.start_date:
            self.add_error("retire_on", _("De datum ligt vóór de ingangsdatum van de maatregel."))
        return data


@admin.register(Control)
class ControlAdmin(ExportMixin, WaarborgAdmin):
    form = ControlAdminForm
    list_display = ["code", "title", "frequency", "owner", "evidence_owner", "state", "active"]
    list_filter = ["frequency", "active", "evidence_required", "services"]
    list_select_related = ["owner", "evidence_owner"]
    search_fields = ["code", "title", "objective"]
    autocomplete_fields = ["owner", "evidence_owner", "services", "requirements"]
    readonly_fields = ["dossier_link", "retired_on", "retired_reason"]
    actions = ["download_dossier"]

    def save_model(self, request: HttpRequest, obj: Control, form: Any, change: bool) -> None:
        retiring = change and form.retiring
        if retiring:
            obj.active = True  # the other changes first; then the retirement, as one action
        super().save_model(request, obj, form, change)
        if retiring:
            retire_control(obj, request.user, form.cleaned_data["retire_reason"], form.cleaned_data.get("retire_on"))
            obj.refresh_from_db()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Control]:
        return super().get_queryset(request).with_state()  # type: ignore[attr-defined]

    @admin.display(description=_("bewijsdossier"))
    def dossier_link(self, obj: Control) -> str:
        if obj.pk is None:
            return "–"
        url = f"{reverse('dossier')}?control={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Bewijsdossier samenstellen"))

    def has_dossier_permission(self, request: HttpRequest) -> bool:
        return dossier.may_download(request.user)

    @admin.action(description=_("Bewijsdossier van de gekozen maatregel (of alle)"), permissions=["dossier"])
    def download_dossier(self, request: HttpRequest, queryset: QuerySet[Control]) -> HttpResponse:
        """One control chosen: its dossier; more: the dossier of all controls. The page asks
        for the period and builds it (or queues it when large)."""
        if not dossier.may_download(request.user):
            raise PermissionDenied
        pks = list(queryset.values_list("pk", flat=True)[:2])
        query = f"?control={pks[0]}" if len(pks) == 1 else ""
        return HttpResponseRedirect(reverse("dossier") + query)

    @admin.display(description=_("stand"), ordering="state")
    def state(self, obj: Control) -> str:
        return state_label(getattr(obj, "state", ""))


class MineFilter(admin.SimpleListFilter):
    title = _("toegewezen")
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Mijn controles"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.assigned_to(request.user) if self.value() == "1" else queryset  # type: ignore[attr-defined]


class OverdueFilter(admin.SimpleListFilter):
    title = _("achterstallig")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Achterstallig")), ("0", _("Niet achterstallig"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "1":
            return queryset.overdue()  # type: ignore[attr-defined]
        if self.value() == "0":
            return queryset.not_overdue()  # type: ignore[attr-defined]
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """Submitted checks this user may review: never one they submitted or added evidence to
    (the same four-eyes rule as accept_check). The start page counts with this filter."""

    title = _("beoordeling")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Wacht op mijn beoordeling"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() != "1":
            return queryset
        return (
            queryset.filter(status=CheckStatus.SUBMITTED)
            .exclude(submitted_by=request.user)
            .exclude(evidence__uploaded_by=request.user)
        )


CHECK_FIGURE_TITLES = [
    ("control_checks_due", _("jaar uiterste datum")),
    ("control_checks_accepted_on_time", _("jaar uiterste datum, op tijd geaccepteerd")),
    ("control_checks_overdue", _("jaar uiterste datum, te laat")),
]


class EvidenceInlineForm(forms.ModelForm):
    upload = forms.FileField(label=_("bestand"), required=False)

    class Meta:
        model = Evidence
        fields = ["url", "note", "supersedes"]
        widgets = {
            "url": forms.URLInput(attrs={"size": 24}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 24}),
        }

    # The "Vervangt" choice: only evidence of this check (set by EvidenceInline.get_formset);
    # a crafted POST naming evidence of another check fails here, before anything is saved.
    check: ControlCheck | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("supersedes")
        if field is not None:
            field.queryset = (
                Evidence.objects.filter(check_obj=self.check).order_by("version", "pk")
                if self.check is not None and self.check.pk
                else Evidence.objects.none()
            )
            field.error_messages["invalid_choice"] = _(
                "Kies bij Vervangt bewijs van deze controle; ander bewijs kan hier niet worden vervangen."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None and data.get("upload"):
            check_upload(data["upload"])  # refuse a bad file before anything is stored
        return data


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fk_name = "check_obj"
    form = EvidenceInlineForm
    extra = 0
    can_delete = False
    fields = ["version", "kind", "download", "short_hash", "size", "url", "note", "supersedes", "upload", "uploaded_by"]
    readonly_fields = ["version", "kind", "download", "short_hash", "size", "uploaded_by"]
    classes = ["evidence-list"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # a form class of this request: its "Vervangt" choice holds the evidence of this check only
        formset.form = type(formset.form.__name__, (formset.form,), {"check": obj})
        return formset

    @admin.display(description=_("SHA-256"))
    def short_hash(self, obj: Evidence) -> str:
        """The first 12 hex characters on screen; the whole hash in the title and in the code
        element (admin.css clips it; one click selects all of it for copying)."""
        if not obj.pk or not obj.sha256:
            return "—"
        return format_html(
            '<code class="hash" title="{}" data-short="{}">{}</code>', obj.sha256, obj.sha256[:12], obj.sha256
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.readonly_fields)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        # the upload column is for adding; a read-only list has nothing to show in it
        return fields if self.has_change_permission(request, obj) else [f for f in fields if f != "upload"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(obj is None or not obj.is_read_only) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None and obj.is_read_only else super().has_change_permission(request, obj)

    @admin.display(description=_("bestand"))
    def download(self, obj: Evidence) -> str:
        if not obj.pk or not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class CheckActionForm(ActionForm):
    """The reviewer's own reasoning, typed beside the accept and reject actions: it is
    stored as the review note, never over the submitter's result or conclusion."""

    note = forms.CharField(
        label=_("Toelichting beoordeling (eigen reden)"),
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class AdminReviewForm(ReviewForm):
    """Accept or reject at the review's real moment (default now): not in the future, not
    before the submission, more than a day ago only with a reason, which goes into the
    history beside the moment of registration (compliance.controls.accept_check)."""

    at = forms.SplitDateTimeField(
        label=_("beoordeeld op"),
        required=False,
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date"}, time_attrs={"type": "time"}, date_format="%Y-%m-%d", time_format="%H:%M"
        ),
        help_text=_("Wanneer de beoordeling plaatsvond; leeg: nu. Niet in de toekomst, niet vóór het indienen."),
    )
    late_reason = forms.CharField(
        label=_("reden late registratie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht als het moment meer dan een dag geleden is."),
    )


class RejectForm(AdminReviewForm):
    note = forms.CharField(label=_("Reden van afkeuren"), widget=forms.Textarea(attrs={"rows": 3}))


def _moment(data: dict[str, Any]) -> dict[str, Any]:
    """The review's moment and late reason from the form (none given: now)."""
    return {"at": data.get("at"), "late_reason": data.get("late_reason", "")}


def review_actions(check: ControlCheck, user: Any) -> list[RecordAction]:
    """Accept or reject on the check's own page: for a reviewer who is not the submitter."""
    if check.status != CheckStatus.SUBMITTED or not can_review(check, user):
        return []
    intro = [
        _("Ingediend resultaat: %(result)s") % {"result": check.get_result_display() or "—"},
        _("Conclusie van de indiener: %(conclusion)s") % {"conclusion": check.conclusion or "—"},
    ]
    return [
        RecordAction(
            name="accepteren",
            label=_("Accepteren"),
            form_class=AdminReviewForm,
            run=lambda obj, who, data: accept_check(obj, who, note=data["note"], **_moment(data)),
            success=_("Controle geaccepteerd."),
            intro=intro,
        ),
        RecordAction(
            name="afkeuren",
            label=_("Afkeuren"),
            form_class=RejectForm,
            run=lambda obj, who, data: reject_check(obj, who, data["note"], **_moment(data)),
            success=_("Controle afgekeurd; de eigenaar kan opnieuw indienen."),
            intro=intro,
        ),
    ]


@admin.register(ControlCheck)
class ControlCheckAdmin(RecordActionsMixin, ExportMixin, WaarborgAdmin):
    change_list_template = "admin/waarborg/year_import_change_list.html"
    year_import_register = "checks"  # manage.py import_year checks …
    list_display = ["control", "period_start", "period_end", "due_date", "status", "result", "owner", "overdue_flag"]
    # the period is the auditor's question; who works the checks goes by the due date
    reader_only_columns = ("period_start", "period_end")
    list_filter = [
        MineFilter,
        OverdueFilter,
        ReviewFilter,
        "status",
        "result",
        "control__frequency",
        # the annual report's check figures (compliance.stats.figure_q) link to these
        *(figure_year_filter(partial(stats.figure_q, key), title, key) for key, title in CHECK_FIGURE_TITLES),
    ]
    list_select_related = ["control", "owner"]
    search_fields = ["control__code", "control__title", "conclusion"]
    autocomplete_fields = ["owner", "evidence_owner"]
    date_hierarchy = "due_date"
    inlines = [EvidenceInline]
    actions = ["assign_to_me", "submit_selected", "accept_selected", "reject_selected"]
    action_form = CheckActionForm
    readonly_fields = [
        "control",
        "period_start",
        "period_end",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "created_at",
    ]
    fields = [
        "control",
        ("period_start", "period_end", "due_date"),
        "status",
        ("owner", "evidence_owner"),
        "test_method",
        ("result", "conclusion"),
        ("submitted_by", "submitted_at"),
        ("reviewed_by", "reviewed_at"),
        "review_note",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ControlCheck]:
        queryset = super().get_queryset(request).with_overdue()  # type: ignore[attr-defined]
        return queryset.visible_to(request.user)

    def get_record_actions(self, request: HttpRequest, obj: Any) -> list[RecordAction]:
        return review_actions(obj, request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.is_read_only:
            return [f.name for f in self.model._meta.fields]
        if obj is not None and obj.status == CheckStatus.SUBMITTED:
            return [*self.readonly_fields, "result", "conclusion"]  # the submitter's, frozen
        return list(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None and obj.is_read_only else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None and obj.is_read_only else super().has_delete_permission(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Evidence:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk is None and inline_form.has_changed():
                added = self._add_evidence(request, form.instance, inline_form.cleaned_data)
                if added is not None:
                    formset.new_objects.append(added)
        return None

    def _add_evidence(self, request: HttpRequest, check: ControlCheck, data: dict[str, Any]) -> Evidence | None:
        try:
            return add_evidence(
                check,
                request.user,
                upload=data.get("upload"),
                url=data.get("url", ""),
                note=data.get("note", ""),
                supersedes=data.get("supersedes"),
            )
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
            return None

    @admin.display(description=_("achterstallig"), boolean=True, ordering="overdue_now")
    def overdue_flag(self, obj: ControlCheck) -> bool:
        return bool(getattr(obj, "overdue_now", obj.is_overdue))

    def _each(self, request: HttpRequest, queryset: QuerySet, func: Any, done: str) -> None:
        ok, refused = 0, []
        for check in queryset.select_related("control"):
            try:
                func(check)
            except (ValidationError, PermissionDenied) as exc:
                refused.append(f"{check}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                ok += 1
        if ok:
            self.message_user(request, f"{done}: {ok}", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Aan mij toewijzen (open controles)"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        def assign(check: ControlCheck) -> None:
            if check.status != CheckStatus.OPEN:
                raise ValidationError(gettext("Alleen open controles"))
            check.owner = request.user
            check.save()

        self._each(request, queryset, assign, gettext("Toegewezen"))

    @admin.action(description=_("Indienen (met het ingevulde resultaat)"), permissions=["change"])
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, lambda c: submit_check(c, request.user), gettext("Ingediend"))

    @admin.action(description=_("Accepteren (vier ogen)"), permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        note = request.POST.get("note", "")
        self._each(request, queryset, lambda c: accept_check(c, request.user, note=note), gettext("Geaccepteerd"))

    @admin.action(description=_("Afkeuren (met de ingevulde toelichting)"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        note = request.POST.get("note", "")
        self._each(request, queryset, lambda c: reject_check(c, request.user, note), gettext("Afgekeurd"))


@admin.register(Evidence)
class EvidenceAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["__str__", "check_obj", "kind", "version", "sha256", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["check_obj__control", "uploaded_by"]
    search_fields = ["original_name", "sha256", "url", "note"]
    readonly_fields = [f.name for f in Evidence._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # evidence is added on its check (inline), through add_evidence()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # append-only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.check_obj.status == CheckStatus.ACCEPTED:
            return False
        return super().has_delete_permission(request, obj)


class PolicyAdminForm(forms.ModelForm):
    upload = forms.FileField(label=_("document (bestand)"), required=False)

    class Meta:
        model = Policy
        fields = ["title", "owner", "link", "review_cycle_months", "last_reviewed", "next_review"]
        fields += ["requirements", "active"]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload:
            check_upload(upload)  # the same allow-list and content check as evidence
        return upload


@admin.register(Policy)
class PolicyAdmin(ExportMixin, WaarborgAdmin):
    form = PolicyAdminForm
    list_display = ["title", "owner", "review_cycle_months", "last_reviewed", "next_review", "active"]
    list_filter = ["active", "review_cycle_months"]
    list_select_related = ["owner"]
    search_fields = ["title"]
    autocomplete_fields = ["owner", "requirements"]
    readonly_fields = ["document_link", "document_sha256"]
    date_hierarchy = "next_review"
    actions = ["mark_reviewed_today"]

    @admin.action(description=_("Beoordeeld vandaag (volgende beoordeling na de cyclus)"), permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        for policy in queryset:
            policy.mark_reviewed()
        self.message_user(request, gettext("Beoordeeld: %(count)d") % {"count": queryset.count()}, messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("upload")
        if upload:
            attach_document(obj, upload)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("document"))
    def document_link(self, obj: Policy) -> str:
        if not obj.pk or not obj.document:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("policy-document", args=[obj.pk]), obj.document_name)
