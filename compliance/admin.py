from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.admin_controls import state_label
from compliance.models import FollowUpAction
from compliance.rollup import services_with_state
from core.admin_base import WaarborgAdmin
from core.admin_export import ExportMixin
from organisation.admin import ServiceAdmin as OrganisationServiceAdmin
from organisation.models import Service


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ExportMixin, WaarborgAdmin):
    list_display = ["title", "owner", "due_date", "status", "source_type"]
    list_filter = ["status", "source_type"]
    list_select_related = ["owner", "source_type"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "due_date"
    readonly_fields = ["source_type", "source_id", "created_at"]


# The organisation's service list, with the state of the checks of the controls covering
# each service (the roll-up is compliance's, so compliance extends the organisation's admin).
admin.site.unregister(Service)


@admin.register(Service)
class ServiceAdmin(OrganisationServiceAdmin):
    list_display = ["name", "domain", "owner", "availability_norm", "state", "active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return services_with_state(super().get_queryset(request), timezone.localdate())

    @admin.display(description=_("stand controles"), ordering="state")
    def state(self, obj: Service) -> str:
        return state_label(getattr(obj, "state", ""))
