from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import admin_users  # noqa: F401  (users, roles, devices and tokens)
from .admin_base import ReadOnlyAdmin, WaarborgAdmin
from .admin_controls import state_label
from .admin_export import ExportMixin
from .models import Availability, Department, Event, FollowUpAction, HistorySeal, Person, Service
from .rollup import services_with_state

admin.site.site_header = _("Waarborg")
admin.site.site_title = _("Waarborg")
admin.site.index_title = _("Beheer")


@admin.register(Department)
class DepartmentAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Person)
class PersonAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["__str__", "department", "manager", "job_title", "start_date"]
    list_filter = ["department"]
    list_select_related = ["user", "department", "manager__user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "department", "manager"]
    date_hierarchy = "start_date"


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0
    fields = ["month", "achieved", "note"]


@admin.register(Service)
class ServiceAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["name", "domain", "owner", "availability_norm", "state", "active"]
    list_filter = ["domain", "active"]
    list_select_related = ["owner__user"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["owner"]
    inlines = [AvailabilityInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return services_with_state(super().get_queryset(request), timezone.localdate())

    @admin.display(description=_("stand controles"), ordering="state")
    def state(self, obj: Service) -> str:
        return state_label(getattr(obj, "state", ""))


@admin.register(Availability)
class AvailabilityAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["service", "month", "achieved"]
    list_filter = ["service", "month"]
    list_select_related = ["service"]
    search_fields = ["service__name"]
    autocomplete_fields = ["service"]
    date_hierarchy = "month"


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["title", "owner", "due_date", "status", "source_type"]
    list_filter = ["status", "source_type"]
    list_select_related = ["owner", "source_type"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "due_date"
    readonly_fields = ["source_type", "source_id", "created_at"]


@admin.register(Event)
class EventAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["timestamp", "name", "object_repr", "actor"]
    list_filter = ["name", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["name", "object_repr"]
    date_hierarchy = "timestamp"


@admin.register(HistorySeal)
class HistorySealAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["sequence", "entry", "hash", "sealed_at"]
    list_select_related = ["entry"]
    search_fields = ["hash"]
    show_full_result_count = False
