"""Login, logout and the second factor."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path(
        "account/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, form_class=views.LoginForm),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", views.two_factor, name="two_factor"),
]
