"""Admin for security officers (full rights on every incidents model) and auditors (read).
Thin: the workflow, calamities and imports are in the models, services and imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from compliance.models import FollowUpAction
from core.admin_base import PickerLabelMixin, ReadOnlyAdmin, WaarborgAdmin, figure_year_filter
from core.admin_export import ExportMixin
from core.moments import event_moment
from core.record_actions import RecordAction, RecordActionsMixin

from . import services, stats
from .choices import CalamityLevel, ImportKind, Status
from .imports import ImportRefused, import_file
from .models import (
    Calamity,
    DDoSAttack,
    Exercise,
    FraudAccountRemoval,
    ImportBatch,
    Incident,
    Lesson,
    MisuseInvestigation,
    PhishingTakedown,
    TimelineEntry,
)
from .paginators import CappedCountPaginator
from .pseudonyms import pseudonym_of_search, pseudonymise_account, pseudonymise_query
from .workflow import INITIAL_STATUSES, allowed_next

FIRST_YEAR = 2019


def figure_filter(key: str, title: Any) -> type[admin.SimpleListFilter]:
    """The records annual figure `key` counts in a year (incidents.stats.FIGURE_RULES);
    the annual report links to `?<key>=<year>`."""
    return figure_year_filter(lambda year: stats.figure_q(key, year), title, key, first_year=FIRST_YEAR)


class ExactCountForFiguresMixin:
    """The big registers count at most INCIDENTS_ADMIN_COUNT_LIMIT rows per page, but a list
    reached from an annual figure must show the figure itself: with a figure filter in the
    query string the count is exact (one COUNT over the year's index range, as the report)."""

    def get_paginator(self, request: HttpRequest, queryset: QuerySet, per_page: int, *args: Any, **kwargs: Any) -> Any:
        if any(key in request.GET for key in stats.FIGURE_RULES):
            return Paginator(queryset, per_page, *args, **kwargs)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)  # type: ignore[misc]


def year_filter(field: str, title: Any) -> type[admin.SimpleListFilter]:
    """A year filter whose choices need no query (date_hierarchy would scan the table)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(str(y), str(y)) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            return queryset.filter(**{f"{field}__year": int(self.value())}) if self.value() else queryset

    YearFilter.title = title
    return YearFilter


class FollowUpActionInline(PickerLabelMixin, GenericTabularInline):
    model = FollowUpAction
    ct_field = "source_type"
    ct_fk_field = "source_id"
    extra = 0
    fields = ["title", "owner", "due_date", "status"]
    autocomplete_fields = ["owner"]
    verbose_name = _("actiepunt")
    verbose_name_plural = _("actiepunten")


# --- incidents -----------------------------------------------------------------------


class IncidentForm(forms.ModelForm):
    comment = forms.CharField(
        label=_("opmerking voor de tijdlijn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Incident
        fields = [
            "title",
            "description",
            "category",
            "severity",
            "services",
            "status",
            "owner",
            "detection_source",
            "supplier_reference",
            "started_at",
            "detected_at",
            "expected_duration_minutes",
            "citizens_affected",
            "businesses_affected",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only the statuses the workflow allows from here (the model refuses others anyway).
        current = self.instance.status if self.instance.pk else None
        allowed = {current, *allowed_next(current)} if current else set(INITIAL_STATUSES)
        if "status" in self.fields:
            self.fields["status"].choices = [(v, label) for v, label in Status.choices if v in allowed]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = ["at", "kind", "summary", "actor"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("wijziging"))
    def summary(self, obj: TimelineEntry) -> str:
        return obj.summary()


class CalamityInline(admin.StackedInline):
    model = Calamity
    extra = 0
    can_delete = False
    fields = ["level", "declared_at", "declared_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # declared through Calamities › add, which records who, when and why


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("opmerking voor de tijdlijn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StampedTransitionForm(TransitionForm):
    at = forms.DateTimeField(
        label=_("ander tijdstip (leeg: nu)"),
        required=False,
        help_text=_("Alleen als het echte moment eerder lag; vraagt een reden, die op de tijdlijn komt."),
    )
    reason = forms.CharField(label=_("reden voor een ander tijdstip"), required=False)


class DeclareCalamityForm(forms.Form):
    level = forms.ChoiceField(label=_("niveau"), choices=CalamityLevel.choices)
    reason = forms.CharField(label=_("reden"), widget=forms.Textarea(attrs={"rows": 3}))


def _transition(status: str) -> Any:
    def run(incident: Incident, user: Any, data: dict[str, Any]) -> Any:
        return services.transition(
            incident, status, user, data.get("note") or "", at=data.get("at"), reason=data.get("reason") or ""
        )

    return run


def incident_actions(request: HttpRequest, incident: Incident, may_change: bool) -> list[RecordAction]:
    """The buttons on an incident's page: the next statuses, and declaring or raising a calamity."""
    actions: list[RecordAction] = []
    if may_change:
        for status in allowed_next(incident.status):
            label = Status(status).label
            actions.append(
                RecordAction(
                    name=f"status-{status}",
                    label=_("Naar ‘%(status)s’") % {"status": label},
                    form_class=StampedTransitionForm if status in services.STAMPED else TransitionForm,
                    run=_transition(status),
                    success=_("Het incident staat nu op ‘%(status)s’.") % {"status": label},
                )
            )
    calamity = Calamity.objects.filter(incident=incident).first()
    if calamity is None and request.user.has_perm("incidents.add_calamity"):
        reasons = incident.escalation_reasons()
        intro = (
            [_("Voorstel: opschalen naar calamiteit. Overschreden drempels:"), *reasons]
            if reasons
            else [_("Geen voorstel tot opschalen: dit incident overschrijdt geen drempel.")]
        )
        actions.append(
            RecordAction(
                name="calamiteit",
                label=_("Opschalen naar calamiteit"),
                form_class=DeclareCalamityForm,
                run=lambda obj, user, data: services.declare_calamity(obj, data["level"], data["reason"], user),
                success=_("De calamiteit is afgekondigd en staat op de tijdlijn."),
                intro=intro,
                initial={"reason": "\n".join(str(r) for r in reasons)},
            )
        )
    elif calamity is not None and request.user.has_perm("incidents.change_calamity"):
        actions.append(
            RecordAction(
                name="calamiteit-opschalen",
                label=_("Calamiteit opschalen"),
                form_class=DeclareCalamityForm,
                run=lambda obj, user, data: services.escalate_calamity(obj, data["level"], data["reason"], user),
                success=_("De calamiteit is opgeschaald en staat op de tijdlijn."),
                intro=[_("Huidig niveau: %(level)s") % {"level": calamity.get_level_display()}],
            )
        )
    return actions


@admin.register(Incident)
class IncidentAdmin(RecordActionsMixin, ExportMixin, WaarborgAdmin):
    change_list_template = "admin/waarborg/year_import_change_list.html"
    year_import_register = "incidents"  # manage.py import_year incidents …
    form = IncidentForm
    # what a reader acts on first: status, severity, escalation and owner before the dates
    list_display = [
        "reference",
        "title",
        "status",
        "severity",
        "escalation",
        "owner",
        "category",
        "started_at",
        "closed_at",
    ]
    editor_only_columns = ("escalation",)
    reader_only_columns = ("closed_at",)
    list_filter = [
        "status",
        "category",
        "severity",
        "detection_source",
        figure_filter("incidents_handled", _("jaar afgehandeld")),
    ]
    list_select_related = ["owner", "calamity"]
    search_fields = ["reference", "title", "supplier_reference"]
    autocomplete_fields = ["owner", "services"]
    # resolved_at and closed_at are set by the status transition, never typed in
    readonly_fields = [
        "reference",
        "status_changed_at",
        "created_at",
        "resolved_at",
        "closed_at",
        "escalation_proposed_reasons",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "title", "description", "category", "severity", "services"]}),
        (_("Afhandeling"), {"fields": ["status", "status_changed_at", "owner", "comment"]}),
        (
            _("Bron"),
            {"fields": ["detection_source", "supplier_reference", "created_at"]},
        ),
        (
            _("Tijden"),
            {"fields": ["started_at", "detected_at", "resolved_at", "closed_at", "expected_duration_minutes"]},
        ),
        (
            _("Impact en escalatie"),
            {"fields": ["citizens_affected", "businesses_affected", "escalation_proposed_reasons"]},
        ),
    ]
    inlines = [CalamityInline, TimelineInline, FollowUpActionInline]

    @admin.display(description=_("escalatie"))
    def escalation(self, obj: Incident) -> str:
        if obj.has_calamity:
            return str(_("calamiteit (%(level)s)") % {"level": obj.calamity.get_level_display()})
        return str(_("voorgesteld")) if obj.escalation_proposed else "—"

    @admin.display(description=_("escalatie voorgesteld"))
    def escalation_proposed_reasons(self, obj: Incident) -> str:
        reasons = obj.escalation_reasons() if obj.pk else []
        if not reasons:
            return "—"
        return format_html_join("", "<div>{}</div>", ((reason,) for reason in reasons))

    def get_record_actions(self, request: HttpRequest, obj: Any) -> list[RecordAction]:
        return incident_actions(request, obj, self.has_change_permission(request, obj))

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("comment"):
            services.add_comment(obj, form.cleaned_data["comment"], request.user)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["at", "incident", "kind", "actor", "from_value", "to_value"]
    list_filter = ["kind"]
    list_select_related = ["incident", "actor"]
    search_fields = ["incident__reference", "text"]


class CalamityForm(forms.ModelForm):
    escalation_reason = forms.CharField(
        label=_("reden van opschalen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht als u het niveau verhoogt."),
    )
    moment = forms.SplitDateTimeField(
        widget=AdminSplitDateTime,
        label=_("afgekondigd op"),
        required=False,
        help_text=_("Wanneer de calamiteit werd afgekondigd; leeg: nu. Niet in de toekomst."),
    )
    late_reason = forms.CharField(
        label=_("reden late registratie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht als het moment meer dan een dag geleden is."),
    )

    class Meta:
        model = Calamity
        fields = ["incident", "level", "reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.instance.pk and data.get("moment") is not None and data.get("incident") is not None:
            try:
                event_moment(
                    data["moment"],
                    field="moment",
                    not_before=data["incident"].started_at,
                    reason=data.get("late_reason", ""),
                    reason_field="late_reason",
                )
            except ValidationError as error:
                self.add_error(None, error)
        if self.instance.pk and "level" in self.changed_data:
            order = list(CalamityLevel.values)
            if order.index(data["level"]) <= order.index(self.initial["level"]):
                self.add_error("level", _("Opschalen kan alleen naar een hoger niveau."))
            if not (data.get("escalation_reason") or "").strip():
                self.add_error("escalation_reason", _("Geef de reden voor het opschalen."))
        return data


@admin.register(Calamity)
class CalamityAdmin(ExportMixin, WaarborgAdmin):
    form = CalamityForm
    list_display = ["incident", "level", "declared_at", "declared_by"]
    list_filter = ["level", figure_filter("calamities", _("jaar uitgeroepen"))]
    list_select_related = ["incident", "declared_by"]
    search_fields = ["incident__reference", "incident__title", "reason"]
    autocomplete_fields = ["incident"]
    readonly_fields = ["declared_at", "declared_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # the incident and the original reason stay as declared; only the level goes up
        return [*self.readonly_fields, "incident", "reason"] if obj else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["incident", "level", "reason", "moment", "late_reason"]
        return ["incident", "level", "escalation_reason", "reason", "declared_at", "declared_by"]

    def save_model(self, request: HttpRequest, obj: Calamity, form: Any, change: bool) -> None:
        if not change:
            declared = services.declare_calamity(
                obj.incident,
                obj.level,
                obj.reason,
                request.user,
                at=form.cleaned_data.get("moment"),
                late_reason=form.cleaned_data.get("late_reason", ""),
            )
            obj.pk, obj.declared_at, obj.declared_by = declared.pk, declared.declared_at, declared.declared_by
        elif "level" in form.changed_data:
            services.escalate_calamity(obj.incident, obj.level, form.cleaned_data["escalation_reason"], request.user)


# --- registers -----------------------------------------------------------------------


@admin.register(DDoSAttack)
class DDoSAttackAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["started_at", "vector", "peak_gbps", "mitigated", "interruption_minutes", "service", "incident"]
    list_filter = ["vector", "mitigated", "service", figure_filter("ddos_attacks", _("jaar begonnen"))]
    list_select_related = ["service", "incident"]
    search_fields = ["notes", "incident__reference"]
    autocomplete_fields = ["incident", "service"]
    date_hierarchy = "started_at"


class ImportAdminMixin:
    """An "Importeren" button on the changelist and the upload page behind it."""

    import_kind: str = ""
    change_list_template = "incidents/admin/change_list_import.html"

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.import_view)  # type: ignore[attr-defined]
        return [
            path("import/", view, name=f"{opts.app_label}_{opts.model_name}_import"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_file(self.import_kind, upload, upload.name, request.user)
            except ImportRefused as refused:
                report = refused.report
            else:
                messages.success(
                    request,
                    _("%(created)s regels geïmporteerd, %(dupes)s dubbele overgeslagen.")
                    % {"created": result.created, "dupes": len(result.duplicates)},
                )
                for problem in result.duplicates[:50]:
                    messages.warning(request, str(problem))
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "form": form,
            "report": report,
            "errors": report.errors[:500] if report else [],
            "title": _("Importeren: %(name)s") % {"name": opts.verbose_name_plural},
            "kind": self.import_kind,
        }
        return TemplateResponse(request, "incidents/admin/import.html", context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """An imported row has no history record of its own: its batch holds the history of
        the whole file (SHA-256, rows, keys, the file itself). The page says which import
        created the row and links to that batch."""
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        batch = getattr(obj, "import_batch", None)
        if batch is not None:
            url = reverse("admin:incidents_importbatch_change", args=[batch.pk])
            messages.info(
                request,
                format_html(
                    _("Aangemaakt door import {file} (batch {batch}, SHA-256 {sha}…) op {at}."),
                    file=batch.file_name,
                    batch=format_html('<a href="{}">{}</a>', url, batch.pk),
                    sha=batch.sha256[:12],
                    at=date_format(timezone.localtime(batch.imported_at), "j F Y H:i"),
                ),
            )
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("bestand (CSV of XLSX)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Alleen CSV- of XLSX-bestanden."))
        return upload


@admin.register(PhishingTakedown)
class PhishingTakedownAdmin(ExactCountForFiguresMixin, ImportAdminMixin, ExportMixin, WaarborgAdmin):
    import_kind = ImportKind.TAKEDOWNS
    list_display = [
        "normalised_url",
        "kind",
        "abused_brand",
        "reported_at",
        "outcome",
        "completed_at",
        "hosting_provider",
    ]
    list_filter = [
        "outcome",
        "kind",
        year_filter("reported_at", _("jaar gemeld")),
        figure_filter("phishing_takedowns", _("jaar afgehandeld")),
    ]
    search_fields = ["^normalised_url"]
    readonly_fields = ["normalised_url", "completed_at", "earlier", "import_batch"]
    # A million rows: no full COUNT on every page (see incidents/paginators.py), no date_hierarchy.
    show_full_result_count = False
    paginator = CappedCountPaginator


class FraudAccountRemovalForm(forms.ModelForm):
    account_number = forms.CharField(
        label=_("DigiD-accountnummer"),
        required=False,
        help_text=_("Wordt direct omgezet in een pseudoniem; het nummer zelf wordt niet bewaard."),
    )

    class Meta:
        model = FraudAccountRemoval
        fields = ["account_number", "reason", "removed_at", "victim_informed", "new_digid_requested"]

    def clean_account_number(self) -> str:
        number = self.cleaned_data.get("account_number", "")
        if number:
            try:
                self.instance.pseudonym = pseudonymise_account(number)
            except ValueError:
                raise forms.ValidationError(_("Ongeldig accountnummer (6 tot 12 cijfers).")) from None
        elif not self.instance.pseudonym:
            raise forms.ValidationError(_("Vul het accountnummer in."))
        return ""  # never kept, not even in the form's data


@admin.register(FraudAccountRemoval)
class FraudAccountRemovalAdmin(ExactCountForFiguresMixin, ImportAdminMixin, ExportMixin, WaarborgAdmin):
    import_kind = ImportKind.FRAUD_REMOVALS
    form = FraudAccountRemovalForm
    list_display = ["removed_at", "short_pseudonym", "reason", "victim_informed", "new_digid_requested"]
    list_filter = [
        "reason",
        "victim_informed",
        "new_digid_requested",
        figure_filter("fraud_account_removals", _("jaar verwijderd")),
    ]
    search_fields = ["=pseudonym"]
    readonly_fields = ["pseudonym", "import_batch"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """An exact lookup of the pseudonym (the search term already is one, see
        `changelist_view`), which the pseudonym index serves; Django's `=pseudonym` would
        compare UPPER(pseudonym), which no index serves. The capped count uses the same plan."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(pseudonym=pseudonym_of_search(term)), False

    @admin.display(description=_("pseudoniem"))
    def short_pseudonym(self, obj: FraudAccountRemoval) -> str:
        return f"{obj.pseudonym[:16]}…"

    # A search (`?q=`) or filter (`?pseudonym=`) by account number looks up its pseudonym;
    # the typed number is replaced before the list, the export or the access log reads it.
    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        request.GET = pseudonymise_query(request.GET)
        return super().changelist_view(request, extra_context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        request.GET = pseudonymise_query(request.GET)
        return super().export_view(request)


@admin.register(MisuseInvestigation)
class MisuseInvestigationAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["partner_reference", "chain_partner", "subject", "opened_on", "closed_on", "outcome"]
    list_filter = ["chain_partner", "outcome", figure_filter("misuse_investigations", _("jaar geopend"))]
    list_select_related = ["service"]
    search_fields = ["partner_reference", "chain_partner", "subject"]
    autocomplete_fields = ["service"]


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ["title", "description"]
    show_change_link = True


@admin.register(Exercise)
class ExerciseAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "kind", "held_on", "in_maintenance_window", "announced_in_advance"]
    list_filter = ["kind", "in_maintenance_window", "announced_in_advance"]
    search_fields = ["name", "scenario"]
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["title", "exercise"]
    list_filter = ["exercise__kind"]
    list_select_related = ["exercise"]
    search_fields = ["title", "description", "exercise__name"]
    autocomplete_fields = ["exercise"]
    inlines = [FollowUpActionInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["imported_at", "kind", "file_name", "rows", "created", "duplicates", "imported_by"]
    list_filter = ["kind"]
    list_select_related = ["imported_by"]
    search_fields = ["file_name", "sha256"]
