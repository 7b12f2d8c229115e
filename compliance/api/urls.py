from rest_framework.routers import BaseRouter

from compliance.api import views, views_controls


def register(router: BaseRouter) -> None:
    router.register("actions", views.FollowUpActionViewSet)
    router.register("frameworks", views_controls.FrameworkViewSet, basename="framework")
    router.register("requirements", views_controls.RequirementViewSet)
    router.register("applicability", views_controls.ApplicabilityViewSet)
    router.register("controls", views_controls.ControlViewSet, basename="control")
    router.register("checks", views_controls.ControlCheckViewSet, basename="check")
    router.register("evidence", views_controls.EvidenceViewSet, basename="evidence")
    router.register("policies", views_controls.PolicyViewSet)


urlpatterns: list = []
