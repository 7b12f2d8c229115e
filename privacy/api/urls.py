from django.urls import path
from rest_framework.routers import BaseRouter

from . import views


def register(router: BaseRouter) -> None:
    """Register this app's viewsets on the shared /api/v1/ router."""
    router.register("privacy/categories", views.CategoryViewSet)
    router.register("privacy/processing-activities", views.ProcessingActivityViewSet)
    router.register("privacy/purposes", views.PurposeViewSet)
    router.register("privacy/processors", views.ProcessorViewSet)
    router.register("privacy/transfers", views.TransferViewSet)
    router.register("privacy/questionnaires", views.QuestionnaireViewSet)
    router.register("privacy/questions", views.QuestionViewSet)
    router.register("privacy/self-assessments", views.SelfAssessmentViewSet)
    router.register("privacy/answers", views.AnswerViewSet)
    router.register("privacy/dpias", views.DPIAViewSet)
    router.register("privacy/dpia-risks", views.DPIARiskViewSet)
    router.register("privacy/dpia-transitions", views.DPIATransitionViewSet)
    router.register("privacy/breaches", views.DataBreachViewSet)
    router.register("privacy/workshop-series", views.WorkshopSeriesViewSet)
    router.register("privacy/workshop-sessions", views.WorkshopSessionViewSet)
    router.register("privacy/registrations", views.RegistrationViewSet)


# Paths that are not viewsets.
urlpatterns: list = [
    path("privacy/workshop-completion/", views.WorkshopCompletionView.as_view(), name="privacy-workshop-completion"),
    path("privacy/workshop-overdue/", views.WorkshopOverdueView.as_view(), name="privacy-workshop-overdue"),
]
