from rest_framework.routers import BaseRouter

from organisation.api import views


def register(router: BaseRouter) -> None:
    router.register("departments", views.DepartmentViewSet)
    router.register("people", views.PersonViewSet)
    router.register("services", views.ServiceViewSet)
    router.register("availability", views.AvailabilityViewSet)


urlpatterns: list = []
