"""The publication files: publiccode.yml describes Waarborg under the licence of LICENSE, and
the security policy and changelog exist."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REQUIRED = [
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
]


def test_publiccode_yml_has_the_required_keys_and_a_dutch_description():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert [key for key in REQUIRED if key not in data] == []
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert len(data["description"]["nl"]["shortDescription"]) <= 150
    assert 150 <= len(data["description"]["nl"]["longDescription"]) <= 10000
    assert set(data["localisation"]["availableLanguages"]) == {lang for lang, _name in settings.LANGUAGES}


def test_the_licence_in_publiccode_yml_is_the_licence_file():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert data["legal"]["license"] == "EUPL-1.2"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")


def test_the_security_policy_and_the_changelog_exist():
    assert "Reporting a vulnerability" in (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")
