from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from compliance.frameworks import FrameworkImportError, import_framework
from compliance.models import Framework, Requirement

from .conftest import FIXTURES

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "frameworks"


def test_a_framework_imports_with_its_tree_dutch_text_and_groups(db):
    report = import_framework(FIXTURES / "tiny-v1.yaml")

    assert report.created and report.summary().endswith("4 added, 0 changed, 0 removed")
    framework = Framework.objects.get(urn="urn:waarborg:test:framework:tiny")
    assert framework.name_nl == "Kleine testbaseline"
    assert framework.implementation_groups == {"basis": {"name": "Basic", "name_nl": "Basis"}}
    leaf = Requirement.objects.get(ref_id="A.1.x")
    assert leaf.parent.ref_id == "A.1" and leaf.parent.parent.ref_id == "A" and leaf.depth == 3
    lamp = Requirement.objects.get(ref_id="A.1")
    assert lamp.description_nl == "Lampen worden elke maand gecontroleerd."
    assert lamp.implementation_groups == ["basis"]
    assert not Requirement.objects.get(ref_id="A").assessable


def test_importing_the_same_file_again_changes_nothing(db):
    import_framework(FIXTURES / "tiny-v1.yaml")
    before = list(Requirement.objects.values())

    report = import_framework(FIXTURES / "tiny-v1.yaml")

    assert report.summary().endswith("0 added, 0 changed, 0 removed")
    assert list(Requirement.objects.values()) == before


def test_a_newer_version_updates_in_place_and_reports_what_changed(db):
    import_framework(FIXTURES / "tiny-v1.yaml")
    kept_pk = Requirement.objects.get(ref_id="B").pk

    report = import_framework(FIXTURES / "tiny-v2.yaml")

    assert report.added == ["urn:waarborg:test:req:tiny:c"]
    # A.1 has new text; B moved up one place in the document
    assert report.changed == ["urn:waarborg:test:req:tiny:a.1", "urn:waarborg:test:req:tiny:b"]
    assert report.removed == ["urn:waarborg:test:req:tiny:a.1.x"]
    assert "v2 (was v1): 1 added, 2 changed, 1 removed" in report.summary()
    assert Requirement.objects.get(ref_id="B").pk == kept_pk
    assert Requirement.objects.get(ref_id="A.1").description == "Lamps are checked every week."
    assert Framework.objects.get().version == 2


def test_an_older_version_is_refused(db):
    import_framework(FIXTURES / "tiny-v2.yaml")
    with pytest.raises(FrameworkImportError, match="ouder"):
        import_framework(FIXTURES / "tiny-v1.yaml")
    assert Framework.objects.get().version == 2


def test_a_malformed_file_names_each_bad_node_and_imports_nothing(db):
    with pytest.raises(FrameworkImportError) as refused:
        import_framework(FIXTURES / "tiny-bad.yaml")

    errors = refused.value.errors
    assert any("knoop 2" in e and "tiny-bad:b" in e and "'depth'" in e for e in errors)
    assert any("knoop 3" in e and "tiny-bad:c" in e and "'parent_urn'" in e for e in errors)
    assert len(errors) == 2
    assert not Framework.objects.exists() and not Requirement.objects.exists()


@pytest.mark.parametrize(
    "text, problem",
    [
        ("just text", "geen framework-library"),
        ("a: [unclosed", "Geen geldige YAML"),
        ("objects: {framework: {urn: x, ref_id: x, name: x, requirement_nodes: []}}", "requirement_nodes"),
    ],
)
def test_a_file_that_is_not_a_framework_is_refused(db, text, problem):
    with pytest.raises(FrameworkImportError, match=problem):
        import_framework(text)
    assert not Framework.objects.exists()


def test_the_command_imports_and_reports(db, capsys):
    call_command("import_framework", str(FIXTURES / "tiny-v1.yaml"))
    call_command("import_framework", str(FIXTURES / "tiny-v1.yaml"))
    out = capsys.readouterr().out
    assert "4 added, 0 changed, 0 removed" in out and "0 added, 0 changed, 0 removed" in out


def test_the_command_refuses_a_malformed_file_with_the_node(db):
    with pytest.raises(CommandError, match="knoop 2"):
        call_command("import_framework", str(FIXTURES / "tiny-bad.yaml"))
    assert not Requirement.objects.exists()


def test_the_admin_upload_imports_the_same_way(client_as, security_officer):
    client = client_as(security_officer)
    with open(FIXTURES / "tiny-v1.yaml", "rb") as handle:
        response = client.post("/admin/compliance/framework/import/", {"file": handle}, follow=True)
    assert response.status_code == 200
    assert Requirement.objects.count() == 4
    assert "4 added" in response.content.decode()


def test_the_admin_upload_refuses_a_malformed_file_with_the_node(client_as, security_officer):
    client = client_as(security_officer)
    with open(FIXTURES / "tiny-bad.yaml", "rb") as handle:
        response = client.post("/admin/compliance/framework/import/", {"file": handle})
    assert response.status_code == 200
    assert "knoop 2" in response.content.decode()
    assert not Requirement.objects.exists()


def test_the_admin_upload_is_refused_to_the_auditor(client_as, auditor):
    response = client_as(auditor).get("/admin/compliance/framework/import/")
    assert response.status_code == 403


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference frameworks not available")
def test_the_bio2_reference_file_imports_120_requirements_with_dutch_text(db):
    report = import_framework(REFERENCE / "bio2.yaml")
    assert len(report.added) == 120
    framework = report.framework
    assert framework.requirements.count() == 120
    assert not framework.requirements.filter(description_nl="").exists()
    assert not framework.requirements.filter(implementation_groups=[]).exists()
    assert import_framework(REFERENCE / "bio2.yaml").summary().endswith("0 added, 0 changed, 0 removed")


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference frameworks not available")
def test_the_nist_csf_reference_file_imports_134_nodes_three_levels_deep(db):
    report = import_framework(REFERENCE / "nist-csf-2.0.yaml")
    requirements = report.framework.requirements
    assert requirements.count() == 134
    assert requirements.filter(assessable=True).count() == 106
    assert set(requirements.values_list("depth", flat=True)) == {1, 2, 3}
    assert not requirements.filter(depth__gt=1, parent__isnull=True).exists()
