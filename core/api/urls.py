from rest_framework.routers import BaseRouter

from core.api import views


def register(router: BaseRouter) -> None:
    router.register("history", views.HistoryViewSet, basename="history")
    router.register("events", views.EventViewSet)
    router.register("reminders", views.ReminderViewSet)


urlpatterns: list = []
