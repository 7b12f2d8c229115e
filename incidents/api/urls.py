from django.urls import path
from rest_framework.routers import BaseRouter

from . import views


def register(router: BaseRouter) -> None:
    """Register this app's viewsets on the shared /api/v1/ router."""
    router.register("incidents", views.IncidentViewSet)
    router.register("incident-timeline", views.TimelineEntryViewSet)
    router.register("calamities", views.CalamityViewSet)
    router.register("ddos-attacks", views.DDoSAttackViewSet)
    router.register("phishing-takedowns", views.PhishingTakedownViewSet)
    router.register("misuse-investigations", views.MisuseInvestigationViewSet)
    router.register("fraud-account-removals", views.FraudAccountRemovalViewSet)
    router.register("exercises", views.ExerciseViewSet)
    router.register("lessons", views.LessonViewSet)
    router.register("import-batches", views.ImportBatchViewSet)


# Paths that are not viewsets (matched before the router's, so incidents/stats/… is not an id).
urlpatterns = [
    path("soc/detections/", views.SocDetectionView.as_view(), name="soc-detections"),
    path("incidents/stats/monthly/", views.MonthlyStatsView.as_view(), name="incident-stats-monthly"),
    path("incidents/stats/annual/", views.AnnualFiguresView.as_view(), name="incident-stats-annual"),
]
