"""Anchors of the history chain outside the database.

Every seal run writes the head of the chain (sequence number, hash, time) to each configured
anchor: an append-only file (on a volume the database administrator does not control), an
object store bucket with object lock, and an e-mail to a configured address. A database
administrator can then neither cut off the newest history nor rewrite the chain (even with the
key) without the database disagreeing with an anchor: `manage.py verify_history` compares them.

The file and the bucket receive the head on every run, also when nothing new was sealed: an
anchor then also proves that at its time the chain held no more than its head, so that a record
inserted later and dated before that time is found. E-mail is sent when the head moved, at most
once per `HISTORY_ANCHOR_EMAIL_MINUTES`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    """The newest seal: its sequence number, its hash and when it was sealed."""

    sequence: int
    hash: str
    sealed_at: datetime

    def record(self, anchored_at: datetime) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "hash": self.hash,
            "sealed_at": self.sealed_at.astimezone(UTC).isoformat(),
            "anchored_at": anchored_at.astimezone(UTC).isoformat(),
        }


@dataclass(frozen=True)
class Anchor:
    """A head as an anchor recorded it, and when; `source` says where it was read."""

    sequence: int
    hash: str
    source: str
    anchored_at: datetime | None = None


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _parse_compact(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)


class AnchorUnreadable(Exception):
    """An anchor exists but cannot be read (a damaged line, an unreachable bucket)."""


class FileAnchor:
    """One JSON line per head, appended (O_APPEND) and synced to disk. Make the file
    append-only for the database administrator (another volume, `chattr +a`, a log host)."""

    name = "file"
    readable = True

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def write(self, head: Head, now: datetime) -> None:
        line = json.dumps(head.record(now), sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> Iterator[Anchor]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    anchor = Anchor(
                        int(record["sequence"]),
                        str(record["hash"]),
                        f"{self.path.name}:{number}",
                        datetime.fromisoformat(record["anchored_at"]),
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    raise AnchorUnreadable(f"anchor file {self.path.name}, line {number} cannot be read") from exc
                yield anchor


class S3Anchor:
    """One object per head in a bucket with object lock (compliance mode): the key carries the
    sequence number and the hash, so that reading all anchors is a listing. Needs boto3 (only
    imported when a bucket is configured); credentials come from boto3's usual sources
    (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_SHARED_CREDENTIALS_FILE, an instance role)."""

    name = "s3"
    readable = True

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None, region: str | None, days: int) -> None:
        self.bucket, self.prefix, self.days = bucket, prefix, days
        self.endpoint_url, self.region = endpoint_url, region

    def _client(self) -> Any:
        import boto3  # optional: only needed for this anchor

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region)

    def write(self, head: Head, now: datetime) -> None:
        self._client().put_object(
            Bucket=self.bucket,
            Key=f"{self.prefix}{head.sequence:020d}-{head.hash}-{_compact(now)}.json",
            Body=json.dumps(head.record(now), sort_keys=True).encode(),
            ContentType="application/json",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=now + timedelta(days=self.days),
        )

    def read(self) -> Iterator[Anchor]:
        try:
            pages = self._client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix) :].removesuffix(".json")
                    try:
                        sequence, digest, moment = name.split("-")
                        anchor = Anchor(
                            int(sequence), digest, f"s3://{self.bucket}/{item['Key']}", _parse_compact(moment)
                        )
                    except ValueError as exc:
                        raise AnchorUnreadable(f"anchor object {item['Key']} has an unexpected name") from exc
                    yield anchor
        except AnchorUnreadable:
            raise
        except Exception as exc:  # botocore's errors: unreachable, denied, no such bucket
            raise AnchorUnreadable(f"anchor bucket {self.bucket} cannot be read: {type(exc).__name__}") from exc


class EmailAnchor:
    """An e-mail with the head to the configured addresses (a mailbox the database
    administrator does not control). Cannot be read back: compare by hand with
    `manage.py verify_history --anchor SEQUENCE:HASH`."""

    name = "email"
    readable = False

    def __init__(self, recipients: list[str], every_minutes: int) -> None:
        self.recipients, self.every = recipients, timedelta(minutes=every_minutes)

    def due(self, head: Head, now: datetime) -> bool:
        """When the head moved since the last mail, and that mail is old enough."""
        last = cache.get("history-anchor-sent:email")
        return last is None or (last[0] != (head.sequence, head.hash) and now - last[1] >= self.every)

    def write(self, head: Head, now: datetime) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Waarborg: anker van de wijzigingsgeschiedenis, verzegeling %(sequence)s") % {
                "sequence": head.sequence
            }
            body = _(
                "De keten over de wijzigingsgeschiedenis van Waarborg eindigt bij verzegeling %(sequence)s "
                "(verzegeld %(sealed_at)s) met hash\n\n%(hash)s\n\n"
                "Bewaar dit bericht. Controleer de geschiedenis ermee met:\n\n"
                "manage.py verify_history --anchor %(sequence)s:%(hash)s\n"
            ) % {"sequence": head.sequence, "hash": head.hash, "sealed_at": head.sealed_at.astimezone(UTC).isoformat()}
        send_mail(subject, body, None, self.recipients)
        cache.set("history-anchor-sent:email", ((head.sequence, head.hash), now), None)


def configured() -> list[FileAnchor | S3Anchor | EmailAnchor]:
    backends: list[FileAnchor | S3Anchor | EmailAnchor] = []
    if settings.HISTORY_ANCHOR_FILE:
        backends.append(FileAnchor(settings.HISTORY_ANCHOR_FILE))
    if settings.HISTORY_ANCHOR_S3_BUCKET:
        backends.append(
            S3Anchor(
                settings.HISTORY_ANCHOR_S3_BUCKET,
                settings.HISTORY_ANCHOR_S3_PREFIX,
                settings.HISTORY_ANCHOR_S3_ENDPOINT_URL,
                settings.HISTORY_ANCHOR_S3_REGION,
                settings.HISTORY_ANCHOR_S3_RETENTION_DAYS,
            )
        )
    if settings.HISTORY_ANCHOR_EMAIL:
        backends.append(EmailAnchor(settings.HISTORY_ANCHOR_EMAIL, settings.HISTORY_ANCHOR_EMAIL_MINUTES))
    return backends


class AnchorFailed(Exception):
    pass


def anchor_head(head: Head | None) -> list[str]:
    """Write the head to the configured anchors (see the module docstring); returns the names
    written. Every backend is tried; if one failed, AnchorFailed is raised afterwards (the
    seals stay: the next run writes the head again)."""
    if head is None:
        return []
    now = timezone.now()
    written, failed = [], []
    for backend in configured():
        if isinstance(backend, EmailAnchor) and not backend.due(head, now):
            continue
        try:
            backend.write(head, now)
        except Exception:
            logger.exception("history anchor %s could not be written", backend.name)
            failed.append(backend.name)
            continue
        written.append(backend.name)
    if failed:
        raise AnchorFailed(f"history anchor(s) not written: {', '.join(failed)}")
    return written


def read_anchors() -> tuple[list[Anchor], list[str], bool]:
    """Every anchor the readable backends hold: (anchors, problems reading them, whether any
    readable backend is configured)."""
    anchors: list[Anchor] = []
    problems: list[str] = []
    readable = [backend for backend in configured() if backend.readable]
    for backend in readable:
        try:
            anchors.extend(backend.read())
        except AnchorUnreadable as exc:
            problems.append(str(exc))
    return anchors, problems, bool(readable)
