from django.urls import path
from rest_framework.routers import BaseRouter

from . import auth, views, views_controls


def register(router: BaseRouter) -> None:
    router.register("departments", views.DepartmentViewSet)
    router.register("people", views.PersonViewSet)
    router.register("services", views.ServiceViewSet)
    router.register("availability", views.AvailabilityViewSet)
    router.register("actions", views.FollowUpActionViewSet)
    router.register("history", views.HistoryViewSet, basename="history")
    router.register("events", views.EventViewSet)
    router.register("frameworks", views_controls.FrameworkViewSet, basename="framework")
    router.register("requirements", views_controls.RequirementViewSet)
    router.register("applicability", views_controls.ApplicabilityViewSet)
    router.register("controls", views_controls.ControlViewSet, basename="control")
    router.register("checks", views_controls.ControlCheckViewSet, basename="check")
    router.register("evidence", views_controls.EvidenceViewSet, basename="evidence")
    router.register("policies", views_controls.PolicyViewSet)
    router.register("reminders", views_controls.ReminderViewSet)


# Paths that are not viewsets.
urlpatterns = [
    path("auth/token/", auth.ObtainToken.as_view(), name="api-token"),
    path("auth/token/revoke/", auth.RevokeToken.as_view(), name="api-token-revoke"),
]
