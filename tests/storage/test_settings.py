"""EVIDENCE_STORAGE and friends: the environment chooses local disk (default) or the bucket,
secrets come from files, and a wrong value stops the start rather than store elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRINT = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps(settings.STORAGES['default'], default=str))"
)


def load_storages(**env: str) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("EVIDENCE_", "AWS_"))}
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


def test_local_disk_is_the_default():
    assert load_storages() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_is_configured_from_the_environment_with_secrets_from_files(tmp_path):
    (tmp_path / "access").write_text("AKIA-uit-bestand\n")
    (tmp_path / "secret").write_text("geheim-uit-bestand\n")
    storages = load_storages(
        EVIDENCE_STORAGE="s3",
        EVIDENCE_S3_BUCKET="waarborg-bewijs",
        EVIDENCE_S3_ENDPOINT_URL="https://s3.example.nl",
        EVIDENCE_S3_REGION="nl-ams",
        EVIDENCE_S3_ACCESS_KEY_FILE=str(tmp_path / "access"),
        EVIDENCE_S3_SECRET_KEY_FILE=str(tmp_path / "secret"),
    )
    assert storages["BACKEND"] == "core.s3storage.PrivateS3Storage"
    options = storages["OPTIONS"]
    assert options["bucket_name"] == "waarborg-bewijs"
    assert options["endpoint_url"] == "https://s3.example.nl" and options["region_name"] == "nl-ams"
    assert (options["access_key"], options["secret_key"]) == ("AKIA-uit-bestand", "geheim-uit-bestand")
    assert options["server_side_encryption"] == "AES256"


def test_without_key_files_boto3s_usual_sources_are_used():
    options = load_storages(EVIDENCE_STORAGE="s3", EVIDENCE_S3_BUCKET="b", EVIDENCE_S3_SSE="aws:kms")["OPTIONS"]
    assert options["access_key"] is None and options["secret_key"] is None  # AWS_* variables, a role
    assert options["server_side_encryption"] == "aws:kms"


def test_an_unknown_storage_is_refused():
    with pytest.raises(RuntimeError, match="EVIDENCE_STORAGE: expected local or s3"):
        load_storages(EVIDENCE_STORAGE="ftp")
