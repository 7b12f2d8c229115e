"""Evidence files: checked on their content before anything touches the disk, stored
under a random name outside any public URL, hashed with SHA-256, never overwritten."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.controls import can_submit
from compliance.models import CheckStatus, ControlCheck, Evidence
from compliance.models.controls import evidence_upload_to
from core.models import log_event

# extension -> MIME type detected from the content. Plain text has no magic number:
# it is recognised as UTF-8 without NUL bytes, and then .txt and .csv are accepted.
KNOWN_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
}
TEXT_EXTENSIONS = {"txt", "csv"}
# what filetype reports -> the extensions a file with that content may carry
DETECTED_EXTENSIONS = {"jpg": {"jpg", "jpeg"}}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    mime_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_extensions(content: bytes) -> set[str]:
    """The extensions the content may carry, judged by the content alone."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        return DETECTED_EXTENSIONS.get(kind.extension, {kind.extension})
    return set(TEXT_EXTENSIONS) if _is_text(content) else set()


def check_upload(upload: Any) -> CheckedFile:
    """Refuse an oversized file, a type outside the allow-list, or content that does not
    match the extension. Reads the upload into memory (bounded by the size limit)."""
    name = PurePath(getattr(upload, "name", "") or "").name
    size = getattr(upload, "size", None)
    limit = settings.EVIDENCE_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(_("Bestand te groot (max. %(max)s bytes)") % {"max": limit})
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = set(settings.EVIDENCE_ALLOWED_TYPES)
    if extension not in allowed:
        raise ValidationError(
            _("Bestandstype .%(ext)s niet toegestaan; toegestaan: %(allowed)s")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(allowed))}
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("Bestand te groot (max. %(max)s bytes)") % {"max": limit})
    if not content:
        raise ValidationError(_("Het bestand is leeg"))
    if extension not in detect_extensions(content):
        raise ValidationError(_("De inhoud past niet bij de extensie .%(ext)s") % {"ext": extension})
    return CheckedFile(name, extension, KNOWN_TYPES[extension], content, hashlib.sha256(content).hexdigest())


def store_checked_file(checked: CheckedFile) -> str:
    """Write to private storage under a random name; returns the stored name."""
    return default_storage.save(evidence_upload_to(None, checked.name), ContentFile(checked.content))


def add_evidence(
    check: ControlCheck,
    user: Any,
    *,
    upload: Any = None,
    url: str = "",
    note: str = "",
    supersedes: Evidence | None = None,
    now: Any = None,
) -> Evidence:
    """Attach a file, a link or a note to a check. Everything is validated before the file
    is written; if the row cannot be stored the file is removed again."""
    if not can_submit(check, user):
        raise PermissionDenied(_("U mag geen bewijs toevoegen aan deze controle"))
    if check.status == CheckStatus.ACCEPTED:
        raise ValidationError(_("Een geaccepteerde controle en haar bewijs zijn alleen-lezen"))
    kind = _kind(upload, url, note)
    if supersedes is not None and (supersedes.check_obj_id != check.pk or not supersedes.is_current):
        raise ValidationError({"supersedes": _("Vervang de laatste versie van bewijs bij deze controle")})
    checked = check_upload(upload) if kind == Evidence.Kind.FILE else None
    evidence = Evidence(
        check_obj=check,
        kind=kind,
        url=url,
        note=note,
        supersedes=supersedes,
        version=_next_version(check, supersedes),
        uploaded_by=user,
        uploaded_at=now or timezone.now(),
    )
    if checked:
        evidence.original_name = checked.name[:255]
        evidence.mime_type = checked.mime_type
        evidence.size = checked.size
        evidence.sha256 = checked.sha256
    evidence.full_clean(exclude=["file", "check_obj", "uploaded_by", "supersedes"])
    stored = store_checked_file(checked) if checked else ""
    try:
        with transaction.atomic():
            evidence.file.name = stored
            evidence.save()
            log_event(evidence, "evidence.added", actor=user, check=check.pk, sha256=evidence.sha256)
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return evidence


def _kind(upload: Any, url: str, note: str) -> str:
    options = ((Evidence.Kind.FILE, upload), (Evidence.Kind.LINK, url), (Evidence.Kind.NOTE, note))
    given = [kind for kind, value in options if value]
    if len(given) != 1:
        raise ValidationError(_("Geef precies één van: bestand, link of notitie"))
    return given[0]


def _next_version(check: ControlCheck, supersedes: Evidence | None) -> int:
    """Version 1 for new evidence; one more than the version it supersedes."""
    return supersedes.version + 1 if supersedes is not None else 1


def can_download(evidence: Evidence, user: Any) -> bool:
    """Auditors, security officers and the check's owner or evidence owner."""
    return user.is_authenticated and user.has_perm("compliance.view_evidence") and evidence.check_obj.can_view(user)


def attach_document(policy: Any, upload: Any) -> None:
    """A policy's document goes through the same checks and private storage as evidence.
    The previous file stays on disk (history keeps its name and hash)."""
    checked = check_upload(upload)
    policy.document.name = store_checked_file(checked)
    policy.document_name = checked.name[:255]
    policy.document_sha256 = checked.sha256
