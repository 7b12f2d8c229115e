from django.contrib.auth import views as auth_views
from django.urls import path

from . import accounts, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, form_class=accounts.LoginForm),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", accounts.two_factor, name="two_factor"),
    path("checks/mine/", views.my_checks, name="my-checks"),
    path("checks/<int:pk>/", views.check_page, name="check-page"),
    path("checks/<int:pk>/evidence/", views.check_add_evidence, name="check-add-evidence"),
    path("checks/<int:pk>/submit/", views.check_submit, name="check-submit"),
    path("controls/dossier/", views.dossier_page, name="dossier"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path("policies/<int:pk>/document/", views.policy_document, name="policy-document"),
]
