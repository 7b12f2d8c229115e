"""Every download of evidence, a policy document or the statement of applicability lands in
the access log (the reports app subscribes to core.access.notify_access)."""

from __future__ import annotations

from accounts import roles
from compliance.evidence import add_evidence, attach_document
from compliance.frameworks import import_framework
from compliance.models import Framework, Policy
from reports.models import AccessLog

from .conftest import FIXTURES, PDF_BYTES, upload


def test_an_evidence_download_is_logged_with_its_hash(open_check, employee, auditor, client_as):
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    response = client_as(auditor).get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.name, entry.model) == (
        auditor,
        "download",
        "compliance.evidence",
        "compliance.evidence",
    )
    assert (entry.object_id, entry.sha256) == (str(evidence.pk), evidence.sha256)


def test_a_refused_evidence_download_is_not_logged(open_check, employee, make_user, client_as):
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    assert client_as(make_user(roles.EMPLOYEE)).get(f"/evidence/{evidence.pk}/download/").status_code == 403
    assert not AccessLog.objects.exists()


def test_a_policy_document_download_is_logged(security_officer, auditor, client_as):
    policy = Policy.objects.create(title="Informatiebeveiligingsbeleid", owner=security_officer)
    attach_document(policy, upload("beleid.pdf", PDF_BYTES))
    policy.save()
    assert client_as(auditor).get(f"/policies/{policy.pk}/document/").status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.name, entry.object_id, entry.sha256) == (
        "compliance.policy_document",
        str(policy.pk),
        policy.document_sha256,
    )


def test_the_statement_of_applicability_export_is_logged(db, auditor, api_as):
    import_framework(FIXTURES / "tiny-v1.yaml")
    framework = Framework.objects.get()
    response = api_as(auditor).get(f"/api/v1/frameworks/{framework.pk}/soa/", {"export": "xlsx"})
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.action, entry.name, entry.format, entry.object_id) == (
        "export",
        "compliance.soa",
        "xlsx",
        str(framework.pk),
    )
