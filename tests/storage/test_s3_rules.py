"""Evidence on the S3 server keeps every rule it has on local disk: private, random names,
never overwritten, encrypted at rest, and read back in chunks, never a whole object at once.

These tests run against a real S3-compatible server (moto_server in its own process)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from compliance.evidence import add_evidence
from core import storage as stored_files
from core.s3storage import PrivateS3Storage
from tests.compliance.conftest import PDF_BYTES, upload

pytestmark = pytest.mark.s3

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def _public_grants(acl: dict) -> list[dict]:
    return [grant for grant in acl["Grants"] if grant["Grantee"].get("URI") in PUBLIC_GRANTEES]


def test_evidence_goes_to_the_bucket_encrypted_under_a_random_name(open_check, employee, _private_media):
    evidence = add_evidence(open_check, employee, upload=upload("geheim-rapport.pdf", PDF_BYTES))

    assert isinstance(default_storage._wrapped, PrivateS3Storage)
    [stored] = list(_private_media.rglob("*"))
    assert stored.read_bytes() == PDF_BYTES
    assert "geheim-rapport" not in stored.key and stored.key.endswith(evidence.file.name)
    assert stored.head()["ServerSideEncryption"] == "AES256"
    assert _public_grants(stored.acl()) == []


def test_an_insider_cannot_make_evidence_public_through_the_settings(settings, open_check, employee, _private_media):
    """AWS_DEFAULT_ACL and AWS_S3_OBJECT_PARAMETERS are django-storages' own settings; the
    evidence storage ignores them: no ACL is ever sent."""
    settings.AWS_DEFAULT_ACL = "public-read"
    settings.AWS_S3_OBJECT_PARAMETERS = {"ACL": "public-read", "GrantRead": 'uri="AllUsers"'}
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage object that reads them again

    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))

    stored = _private_media / evidence.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert _public_grants(stored.acl()) == []


@pytest.mark.parametrize(
    "options, message",
    [
        ({"default_acl": "public-read"}, "default_acl cannot be changed"),
        ({"file_overwrite": True}, "file_overwrite cannot be changed"),
        ({"querystring_auth": False}, "querystring_auth cannot be changed"),
        ({"custom_domain": "cdn.example"}, "custom_domain cannot be changed"),
        ({"object_parameters": {"ACL": "public-read"}}, "no ACL"),
        ({"server_side_encryption": "rot13"}, "EVIDENCE_S3_SSE must be one of"),
        ({"bucket_name": ""}, "needs EVIDENCE_S3_BUCKET"),
    ],
)
def test_options_that_would_loosen_the_rules_are_refused(s3_server, options, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        PrivateS3Storage(**{**s3_server.storage_options("x"), **options})


def test_there_is_no_link_into_the_bucket(open_check, employee):
    """A presigned URL would let anyone who has it pass Waarborg's permission check by."""
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    with pytest.raises(NotImplementedError, match="permission-checked"):
        evidence.file.url  # noqa: B018


def test_a_stored_file_is_never_overwritten(_private_media):
    first = default_storage.save("evidence/vast.txt", ContentFile(b"eerste"))
    second = default_storage.save("evidence/vast.txt", ContentFile(b"tweede"))

    assert first != second
    assert (_private_media / first).read_bytes() == b"eerste"
    assert (_private_media / second).read_bytes() == b"tweede"


def test_the_download_view_serves_the_object_from_the_bucket(open_check, employee, security_officer, client_as):
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    response = client_as(security_officer).get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_file_is_read_back_in_chunks_not_downloaded_whole(monkeypatch, _private_media):
    """The hash is computed from the response body, chunk by chunk; the storage's whole-file
    download (File.open) is never used for it."""
    content = bytes(range(256)) * 40  # 10 KiB
    name = default_storage.save("evidence/groot.txt", ContentFile(content))
    monkeypatch.setattr(stored_files, "CHUNK", 1024)

    def whole_download(*args, **kwargs):
        raise AssertionError("the whole object was downloaded")

    monkeypatch.setattr(PrivateS3Storage, "_open", whole_download)
    reads: list[int] = []
    opened = stored_files.open_stream

    class Counting:
        def __init__(self, stream):  # type: ignore[no-untyped-def]
            self.stream = stream

        def read(self, amount=-1):  # type: ignore[no-untyped-def]
            data = self.stream.read(amount)
            reads.append(len(data))
            return data

        def close(self) -> None:
            self.stream.close()

    def counting(storage, name):  # type: ignore[no-untyped-def]
        return Counting(opened(storage, name))

    monkeypatch.setattr(stored_files, "open_stream", counting)

    assert stored_files.copy_hashed(default_storage, name) == hashlib.sha256(content).hexdigest()
    assert max(reads) == 1024 and len(reads) >= 10


def test_a_missing_object_is_file_not_found(_private_media):
    with pytest.raises(FileNotFoundError):
        stored_files.copy_hashed(default_storage, "evidence/bestaat-niet.pdf")
