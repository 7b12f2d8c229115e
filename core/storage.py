"""Reading stored files (evidence, policy documents) in chunks, on any storage.

Uploaded files are written through Django's storage API to local disk (default) or, with
`EVIDENCE_STORAGE=s3`, to an S3 bucket (`core.s3storage.PrivateS3Storage`). `open_stream()`
reads a stored file in chunks from either (for S3 straight from the response body, never the
whole object in memory); `copy_hashed()` hashes a stored file that way.
"""

from __future__ import annotations

import hashlib
from contextlib import closing
from typing import IO, Any

from django.core.files.storage import Storage

CHUNK = 1 << 20


def open_stream(storage: Storage, name: str) -> IO[bytes]:
    """A stored file opened for reading in chunks, on any storage."""
    if not name:
        raise FileNotFoundError("no file name")
    opener = getattr(storage, "open_stream", None)
    return opener(name) if opener is not None else storage.open(name, "rb")


def copy_hashed(storage: Storage, name: str, target: Any = None) -> str:
    """SHA-256 of a stored file, read chunk by chunk (and written to `target` if given)."""
    digest = hashlib.sha256()
    # closing(), not `with stream`: botocore's body would hand over its raw stream and skip
    # its check that the whole object arrived.
    with closing(open_stream(storage, name)) as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            if target is not None:
                target.write(chunk)
    return digest.hexdigest()
