"""Admin of departments, people, services and their availability."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import WaarborgAdmin
from core.admin_export import ExportMixin
from organisation.models import Availability, Department, Person, Service

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
    list_display = ["name", "domain", "owner", "availability_norm", "active"]
    list_filter = ["domain", "active"]
    list_select_related = ["owner__user"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["owner"]
    inlines = [AvailabilityInline]


@admin.register(Availability)
class AvailabilityAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["service", "month", "achieved"]
    list_filter = ["service", "month"]
    list_select_related = ["service"]
    search_fields = ["service__name"]
    autocomplete_fields = ["service"]
    date_hierarchy = "month"
