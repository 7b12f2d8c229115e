"""The ADR ruleset (.spectral.yaml) passes the v2 schema and catches each rule broken on purpose.
Needs spectral from package.json (`npm ci`, done by `make lint-api`, which CI runs first)."""

import copy
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"

pytestmark = pytest.mark.skipif(not SPECTRAL.exists(), reason="spectral is not installed (npm ci)")


def lint(schema: dict, tmp_path: Path) -> list[dict]:
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(schema))
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(ROOT / ".spectral.yaml"), "-f", "json", "--quiet", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return json.loads(result.stdout or "[]")


@pytest.fixture(scope="module")
def v2_schema(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("schema") / "openapi-v2.json"
    call_command("spectacular", api_version="v2", format="openapi-json", file=str(target))
    return json.loads(target.read_text())


def test_the_v2_schema_has_no_errors_and_only_the_listed_warning(v2_schema, tmp_path):
    results = lint(v2_schema, tmp_path)
    assert [r for r in results if r["severity"] == 0] == []
    # docs/api.md, "Wat nog afwijkt", lists every warning that remains
    assert {r["code"] for r in results} <= {"property-casing"}


def test_the_ruleset_catches_every_rule_broken_on_purpose(v2_schema, tmp_path):
    broken = copy.deepcopy(v2_schema)
    broken["info"]["version"] = "2"
    del broken["info"]["contact"]["email"]
    broken["servers"] = [{"url": "http://waarborg.example/api"}]
    operation = copy.deepcopy(broken["paths"]["/services"])
    broken["paths"]["/services/"] = operation  # trailing slash
    broken["paths"]["/service_list"] = copy.deepcopy(operation)  # not kebab-case
    operation["get"]["parameters"].append({"name": "page_size", "in": "query", "schema": {"type": "integer"}})
    del operation["get"]["responses"]["200"]["headers"]["API-Version"]
    operation["get"]["responses"]["404"] = {"description": "not found", "content": {"application/json": {}}}
    broken["components"]["schemas"]["service_row"] = {"type": "object"}
    errors = {r["code"] for r in lint(broken, tmp_path) if r["severity"] == 0}
    assert {
        "semver",
        "info-contact-fields-exist",
        "servers-use-https",
        "include-major-version-in-uri",
        "paths-no-trailing-slash",
        "paths-kebab-case",
        "query-keys-camel-case",
        "missing-version-header",
        "use-problem-schema",
        "schema-camel-case",
    } <= errors


def test_the_ruleset_refuses_the_v1_schema(tmp_path, api_client):
    """v1 is what the rules were written against: trailing slashes, snake_case keys, no header."""
    import yaml

    v1 = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    errors = {r["code"] for r in lint(v1, tmp_path) if r["severity"] == 0}
    assert {"paths-no-trailing-slash", "query-keys-camel-case", "missing-version-header", "info-contact"} <= errors
