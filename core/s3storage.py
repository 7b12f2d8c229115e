"""Evidence on an S3 bucket, under the same rules as on local disk.

Evidence, policy documents and export files are written through Django's storage API.
With `EVIDENCE_STORAGE=s3` the default storage is `PrivateS3Storage`: django-storages' S3
backend with Waarborg's rules fixed in the class, so that no setting can loosen them:

- private: no ACL is ever sent (objects belong to the bucket owner only; a public ACL in
  the options is refused), and `url()` gives no link at all: files leave Waarborg only
  through its permission-checked views;
- never overwritten: `file_overwrite` is off (a name that exists gets another name), on
  top of the random names the callers give;
- server-side encryption on every object (`AES256` by default, or `aws:kms`).

`open_stream()` reads an object straight from the response body, chunk by chunk (see
core/storage.py). Imported only when EVIDENCE_STORAGE=s3 (it needs boto3).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from core.storage import CHUNK

SSE_CHOICES = {"AES256", "aws:kms", "none"}
# What PrivateS3Storage fixes; an option that tries to set something else is refused.
FIXED = {"default_acl": None, "file_overwrite": False, "querystring_auth": True, "custom_domain": None}
ACL_PARAMETERS = {"ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP"}


class PrivateS3Storage(S3Storage):
    """S3 storage for evidence: private, never overwritten, encrypted at rest."""

    default_acl = None
    file_overwrite = False
    querystring_auth = True
    custom_domain = None
    # Reading through File.open() spools to a temporary file beyond 1 MiB, not to memory.
    max_memory_size = CHUNK

    def __init__(self, *, server_side_encryption: str = "AES256", kms_key_id: str = "", **options: Any) -> None:
        for name, value in options.items():
            if name in FIXED and value != FIXED[name]:
                raise ImproperlyConfigured(f"PrivateS3Storage: {name} cannot be changed (evidence stays private).")
        if ACL_PARAMETERS & set(options.get("object_parameters") or {}):
            raise ImproperlyConfigured("PrivateS3Storage: no ACL in object_parameters (evidence stays private).")
        if server_side_encryption not in SSE_CHOICES:
            raise ImproperlyConfigured(
                f"EVIDENCE_S3_SSE must be one of {', '.join(sorted(SSE_CHOICES))}, not {server_side_encryption!r}."
            )
        if not options.get("bucket_name"):
            raise ImproperlyConfigured("EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET.")
        super().__init__(**options)
        parameters = dict(self.object_parameters or {})
        if server_side_encryption != "none":
            parameters["ServerSideEncryption"] = server_side_encryption
            if server_side_encryption == "aws:kms" and kms_key_id:
                parameters["SSEKMSKeyId"] = kms_key_id
        self.object_parameters = parameters
        self.server_side_encryption = server_side_encryption

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        """Never an ACL, whatever AWS_S3_OBJECT_PARAMETERS says."""
        return {key: value for key, value in super().get_object_parameters(name).items() if key not in ACL_PARAMETERS}

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        """No links into the bucket (a presigned link would pass the permission check by)."""
        raise NotImplementedError("Evidence has no URL; it is served only by Waarborg's permission-checked views.")

    def open_stream(self, name: str) -> IO[bytes]:
        """The object's body as a stream, read in chunks (FileNotFoundError if it is gone)."""
        from botocore.exceptions import ClientError

        key = self._normalize_name(clean_name(name))
        try:
            return self.bucket.Object(key).get()["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                raise FileNotFoundError(f"File does not exist: {name}") from exc
            raise
