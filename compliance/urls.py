from django.urls import path

from compliance import views

urlpatterns = [
    path("checks/mine/", views.my_checks, name="my-checks"),
    path("checks/<int:pk>/", views.check_page, name="check-page"),
    path("checks/<int:pk>/evidence/", views.check_add_evidence, name="check-add-evidence"),
    path("checks/<int:pk>/submit/", views.check_submit, name="check-submit"),
    path("checks/<int:pk>/accept/", views.check_accept, name="check-accept"),
    path("checks/<int:pk>/reject/", views.check_reject, name="check-reject"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
    path("policies/<int:pk>/document/", views.policy_document, name="policy-document"),
]
