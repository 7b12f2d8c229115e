"""Pages of this app (not the admin, not the API)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/annual/<int:year>/", views.annual_report_page, name="annual-report"),
    path("reports/annual/<int:year>/<str:fmt>/", views.annual_report_download, name="annual-report-download"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/exports/<int:pk>/", views.export_job, name="export-job"),
    path("reports/exports/<int:pk>/download/", views.export_download, name="export-download"),
]
