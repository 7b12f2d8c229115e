from django.urls import path
from rest_framework.routers import BaseRouter

from . import auth, views


def register(router: BaseRouter) -> None:
    router.register("departments", views.DepartmentViewSet)
    router.register("people", views.PersonViewSet)
    router.register("services", views.ServiceViewSet)
    router.register("availability", views.AvailabilityViewSet)
    router.register("actions", views.FollowUpActionViewSet)
    router.register("history", views.HistoryViewSet, basename="history")
    router.register("events", views.EventViewSet)


# Paths that are not viewsets.
urlpatterns = [
    path("auth/token/", auth.ObtainToken.as_view(), name="api-token"),
]
