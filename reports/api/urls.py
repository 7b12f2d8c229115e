from django.urls import path
from rest_framework.routers import BaseRouter

from . import views


def register(router: BaseRouter) -> None:
    """Register this app's viewsets on the shared /api/v1/ router."""
    router.register("access-log", views.AccessLogViewSet)
    router.register("export-jobs", views.ExportJobViewSet)


# Paths that are not viewsets.
urlpatterns: list = [
    path("reports/annual/<int:year>/", views.AnnualReportView.as_view(), name="annual-report"),
]
