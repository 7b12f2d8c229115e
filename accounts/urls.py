"""Login, logout, the second factor and single sign-on."""

from django.urls import path

from accounts import sso, views

urlpatterns = [
    path("account/login/", views.LoginView.as_view(), name="login"),
    # After a single sign-on login this also ends the session at the identity provider.
    path("account/logout/", sso.LogoutView.as_view(), name="logout"),
    path("account/2fa/", views.two_factor, name="two_factor"),
    # Single sign-on (OpenID Connect); 404 unless configured (OIDC_ISSUER, OIDC_CLIENT_ID).
    path("account/sso/login/", sso.AuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("account/sso/callback/", sso.CallbackView.as_view(), name="oidc_authentication_callback"),
]
