from django.urls import path
from rest_framework.routers import BaseRouter

from accounts.api import auth


def register(router: BaseRouter) -> None:
    """No viewsets: the token endpoint is a plain view."""


# Paths that are not viewsets.
urlpatterns = [
    path("auth/token/", auth.ObtainToken.as_view(), name="api-token"),
    path("auth/token/revoke/", auth.RevokeToken.as_view(), name="api-token-revoke"),
]
