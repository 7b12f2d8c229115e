"""A real S3-compatible server for the tests: moto's server in its own process.

`.ci/run` starts `moto_server` and sets EVIDENCE_S3_ENDPOINT_URL; without it, the session
fixture `s3_server` starts one on a free port. Tests marked `s3` (and, with
EVIDENCE_STORAGE=s3, every test that stores files) get their own prefix in the bucket, and
the fixture `_private_media` then returns a `BucketPath`: the few pathlib calls the tests
make on stored files (`/`, rglob, is_file, exists, read_bytes, write_bytes, unlink), done on
the bucket, so that the same test can tamper with a file on disk or in the bucket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUCKET = os.environ.get("EVIDENCE_S3_BUCKET") or "waarborg-evidence-test"
# moto accepts any credentials; a real endpoint given by the environment brings its own.
TEST_KEY = "waarborg-test"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str
    access_key: str | None
    secret_key: str | None
    region: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def storage_options(self, location: str) -> dict[str, Any]:
        return {
            "bucket_name": self.bucket,
            "location": location,
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "server_side_encryption": os.environ.get("EVIDENCE_S3_SSE", "AES256"),
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server stopped with exit code {process.returncode}")
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto_server did not answer on {url} within {seconds} s")


def start_moto_server() -> tuple[str, subprocess.Popen[bytes]]:
    """`moto_server -p PORT` on a free port of the loopback interface."""
    port = _free_port()
    script = Path(sys.executable).with_name("moto_server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
    except Exception:
        process.kill()
        raise
    return url, process


def s3_server_session() -> Iterator[S3Server]:
    """The endpoint from EVIDENCE_S3_ENDPOINT_URL, or a moto_server started here; the bucket exists."""
    endpoint = os.environ.get("EVIDENCE_S3_ENDPOINT_URL", "")
    process = None
    if endpoint:
        server = S3Server(
            endpoint,
            BUCKET,
            os.environ.get("AWS_ACCESS_KEY_ID") or TEST_KEY,
            os.environ.get("AWS_SECRET_ACCESS_KEY") or TEST_KEY,
            os.environ.get("EVIDENCE_S3_REGION") or "eu-west-1",
        )
    else:
        endpoint, process = start_moto_server()
        server = S3Server(endpoint, BUCKET, TEST_KEY, TEST_KEY, "eu-west-1")
    try:
        client = server.client()
        existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
        if server.bucket not in existing:
            client.create_bucket(Bucket=server.bucket, CreateBucketConfiguration={"LocationConstraint": server.region})
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def new_location() -> str:
    return f"test-{uuid.uuid4().hex}"


class BucketPath:
    """A key (or a prefix) in the bucket, with the pathlib calls the tests use."""

    def __init__(self, server: S3Server, key: str, client: Any = None) -> None:
        self.server, self.key = server, key.strip("/")
        self._client = client or server.client()

    def __truediv__(self, other: str) -> BucketPath:
        return BucketPath(self.server, f"{self.key}/{str(other).lstrip('/')}", self._client)

    def __fspath__(self) -> str:
        return f"s3://{self.server.bucket}/{self.key}"

    __str__ = __fspath__

    def __repr__(self) -> str:
        return f"BucketPath({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BucketPath) and (self.server, self.key) == (other.server, other.key)

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    def _keys(self) -> list[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.server.bucket, Prefix=self.key + "/")
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def rglob(self, pattern: str) -> Iterator[BucketPath]:
        assert pattern == "*", "only rglob('*') is supported"
        for key in self._keys():
            yield BucketPath(self.server, key, self._client)

    def exists(self) -> bool:
        return self.is_file() or bool(self._keys())

    def is_file(self) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.server.bucket, Key=self.key)
        except ClientError:
            return False
        return True

    def read_bytes(self) -> bytes:
        return self._client.get_object(Bucket=self.server.bucket, Key=self.key)["Body"].read()

    def write_bytes(self, data: bytes) -> int:
        """What an insider with access to the bucket does: replace the object."""
        self._client.put_object(Bucket=self.server.bucket, Key=self.key, Body=data)
        return len(data)

    def unlink(self) -> None:
        self._client.delete_object(Bucket=self.server.bucket, Key=self.key)

    def head(self) -> dict[str, Any]:
        return self._client.head_object(Bucket=self.server.bucket, Key=self.key)

    def acl(self) -> dict[str, Any]:
        return self._client.get_object_acl(Bucket=self.server.bucket, Key=self.key)
