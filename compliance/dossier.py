"""The evidence dossier: for one control or all, over a period, what was checked and with
which evidence, in a form an auditor can verify by hand.

A dossier is a ZIP with
- `dossier.pdf`: per control its checks whose due date falls in the period (status,
  result, conclusion, due date, submitted by/at, accepted by/at) and each evidence item
  (kind, version, what it supersedes, SHA-256);
- every evidence file of those checks, at `<control code>/<period>/<evidence id>-<name>`;
- `manifest.csv`: every evidence item (files, links and notes) with the SHA-256 recorded
  when it was uploaded, the SHA-256 of the file as it is now, and the verdict;
- `SHA256SUMS`: the recorded SHA-256 of each file in the ZIP, in the format
  `sha256sum -c SHA256SUMS` reads. Evidence is append-only and an accepted check is read
  only, so the hash recorded at upload is the hash at acceptance.

Verification happens while the dossier is built: each file is hashed as it is copied into
the ZIP, read in chunks from local disk or the S3 bucket alike (core/storage.py). A file
changed in storage since it was recorded is marked `GEWIJZIGD` (changed) in the PDF and the
manifest, and `sha256sum -c` reports it as FAILED, because SHA256SUMS holds the
recorded hash, not the current one. A missing file is marked `ONTBREEKT` (missing).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from compliance.models import Control, ControlCheck, Evidence
from core import formatting
from core.exporters import BaseExporter, csv_writer, register_exporter
from core.storage import copy_hashed

PDF_NAME = "dossier.pdf"
MANIFEST_NAME = "manifest.csv"
SUMS_NAME = "SHA256SUMS"
OK, CHANGED, MISSING = "ok", "GEWIJZIGD", "ONTBREEKT"
CHUNK = 1 << 20


class DossierError(ValueError):
    """Bad dossier parameters (a clear message, Dutch / English)."""


def may_download(user: Any) -> bool:
    """Auditors and security officers: who sees every check and its evidence."""
    return bool(
        user.is_authenticated
        and user.has_perm("compliance.view_all_checks")
        and user.has_perm("compliance.view_evidence")
    )


def parse_period(date_from: str | None, date_to: str | None, today: date | None = None) -> tuple[date, date]:
    """The period from two ISO dates; default from 1 January of this year to today."""
    today = today or timezone.localdate()
    try:
        start = date.fromisoformat(date_from) if date_from else date(today.year, 1, 1)
        end = date.fromisoformat(date_to) if date_to else today
    except ValueError:
        raise DossierError(_("Ongeldige datum, gebruik JJJJ-MM-DD")) from None
    if end < start:
        raise DossierError(_("De einddatum ligt voor de begindatum"))
    return start, end


@dataclass
class Dossier:
    """What one dossier covers: a control (None: all controls) and a period."""

    control: Control | None
    date_from: date
    date_to: date

    @classmethod
    def from_params(cls, control: str | int | None, date_from: str | None, date_to: str | None) -> Dossier:
        start, end = parse_period(date_from, date_to)
        found = None
        if control not in (None, ""):
            try:
                found = Control.objects.get(pk=int(control))
            except (ValueError, Control.DoesNotExist):
                raise DossierError(_("Onbekende maatregel")) from None
        return cls(found, start, end)

    @property
    def label(self) -> str:
        what = self.control.code if self.control else _("alle maatregelen")
        return f"{what} {formatting.day(self.date_from)} – {formatting.day(self.date_to)}"

    def params(self) -> dict[str, str]:
        return {
            "control": str(self.control.pk) if self.control else "",
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
        }

    def checks(self) -> QuerySet[ControlCheck]:
        """The checks whose due date falls in the period (as the annual figures count them)."""
        checks = ControlCheck.objects.filter(due_date__gte=self.date_from, due_date__lte=self.date_to)
        if self.control is not None:
            checks = checks.filter(control=self.control)
        return checks.select_related("control", "submitted_by", "reviewed_by").order_by("control__code", "period_start")

    def evidence(self) -> QuerySet[Evidence]:
        return (
            Evidence.objects.filter(check_obj__in=self.checks().values("pk"))
            .select_related("uploaded_by", "supersedes")
            .order_by("check_obj", "uploaded_at", "pk")
        )

    def size(self) -> tuple[int, int]:
        """(files, bytes) of the evidence files: one query."""
        totals = self.evidence().aggregate(
            files=Count("pk", filter=Q(kind=Evidence.Kind.FILE)), size=Sum("size", filter=Q(kind=Evidence.Kind.FILE))
        )
        return totals["files"] or 0, totals["size"] or 0

    def is_small(self) -> bool:
        files, size = self.size()
        return files <= settings.DOSSIER_SYNC_MAX_FILES and size <= settings.DOSSIER_SYNC_MAX_BYTES

    def filename(self, fmt: str) -> str:
        what = self.control.code if self.control else "alle-maatregelen"
        return get_valid_filename(f"dossier-{what}-{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}.{fmt}")


@dataclass
class Item:
    """One evidence item as the dossier lists it, with the verdict on its file."""

    evidence: Evidence
    check: ControlCheck
    path: str = ""
    actual_sha256: str = ""
    status: str = OK


@dataclass
class Built:
    items: list[Item] = field(default_factory=list)

    @property
    def mismatches(self) -> list[Item]:
        return [item for item in self.items if item.status != OK]


def _period(check: ControlCheck) -> str:
    return f"{check.period_start:%Y-%m-%d}_{check.period_end:%Y-%m-%d}"


def evidence_path(check: ControlCheck, evidence: Evidence) -> str:
    name = get_valid_filename(PurePath(evidence.original_name or "bestand").name) or "bestand"
    return f"{get_valid_filename(check.control.code)}/{_period(check)}/{evidence.pk}-{name}"


def _copy_hashed(evidence: Evidence, target: IO[bytes]) -> str:
    """Copy the stored file in chunks (local disk or S3), hashing it on the way."""
    return copy_hashed(evidence.file.storage, evidence.file.name, target)


def _items(dossier: Dossier) -> Iterator[tuple[ControlCheck, list[Evidence]]]:
    """Each check with its evidence: two queries."""
    by_check: dict[int, list[Evidence]] = {}
    for evidence in dossier.evidence():
        by_check.setdefault(evidence.check_obj_id, []).append(evidence)
    for check in dossier.checks():
        yield check, by_check.get(check.pk, [])


def write_zip(dossier: Dossier, target: IO[bytes], progress: Callable[[int], None] | None = None) -> Built:
    """Write the dossier ZIP to `target`; return what was verified."""
    built = Built()
    checks: list[tuple[ControlCheck, list[Evidence]]] = list(_items(dossier))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for check, evidence_list in checks:
            for evidence in evidence_list:
                item = Item(evidence, check)
                if evidence.kind == Evidence.Kind.FILE:
                    item.path = evidence_path(check, evidence)
                    try:
                        with archive.open(item.path, "w", force_zip64=True) as member:
                            item.actual_sha256 = _copy_hashed(evidence, member)
                    except (FileNotFoundError, OSError):
                        item.status = MISSING
                    else:
                        item.status = OK if item.actual_sha256 == evidence.sha256 else CHANGED
                built.items.append(item)
                if progress:
                    progress(len(built.items))
        pdf = dossier_pdf(dossier, checks, built)
        manifest = manifest_csv(built)
        archive.writestr(PDF_NAME, pdf)
        archive.writestr(MANIFEST_NAME, manifest)
        archive.writestr(SUMS_NAME, sha256sums(built, {PDF_NAME: pdf, MANIFEST_NAME: manifest}))
    return built


def sha256sums(built: Built, extra: dict[str, bytes]) -> str:
    """`sha256sum -c` format: the RECORDED hash of each evidence file (so a file changed since
    it was recorded fails the check), then the PDF and the manifest of this dossier."""
    lines = [f"{item.evidence.sha256}  {item.path}" for item in built.items if item.path and item.status != MISSING]
    lines += [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in extra.items()]
    return "\n".join(lines) + "\n"


MANIFEST_HEADERS = [
    "pad",
    "maatregel",
    "periode",
    "controle_id",
    "bewijs_id",
    "soort",
    "versie",
    "vervangt",
    "oorspronkelijke_naam",
    "grootte",
    "sha256_vastgelegd",
    "sha256_nu",
    "verificatie",
    "link",
    "notitie",
    "toegevoegd_door",
    "toegevoegd_op",
]


def manifest_csv(built: Built) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(MANIFEST_HEADERS)
    for item in built.items:
        evidence, check = item.evidence, item.check
        writer.writerow(
            [
                item.path,
                check.control.code,
                _period(check),
                check.pk,
                evidence.pk,
                evidence.kind,
                evidence.version,
                evidence.supersedes_id or "",
                evidence.original_name,
                evidence.size if evidence.size is not None else "",
                evidence.sha256,
                item.actual_sha256,
                item.status if evidence.kind == Evidence.Kind.FILE else "",
                evidence.url,
                evidence.note,
                evidence.uploaded_by.get_username(),
                timezone.localtime(evidence.uploaded_at).isoformat(timespec="seconds"),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _when(moment: Any) -> str:
    return formatting.moment(moment) if moment else formatting.EMPTY


def _who(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "–"


def dossier_pdf(dossier: Dossier, checks: list[tuple[ControlCheck, list[Evidence]]], built: Built) -> bytes:
    """The Dutch summary (reportlab)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    verdicts = {item.evidence.pk: item for item in built.items}
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=_("Bewijsdossier %(label)s") % {"label": dossier.label})
    story: list[Any] = [
        Paragraph(escape(_("Bewijsdossier %(label)s") % {"label": dossier.label}), styles["Title"]),
        Paragraph(
            escape(
                _(
                    "Periodieke controles met een uiterste datum in de periode, met hun bewijs. "
                    "Controleer de bestanden met: sha256sum -c SHA256SUMS"
                )
            ),
            styles["Normal"],
        ),
        Paragraph(
            escape(
                _("Opgesteld op %(when)s; %(files)s bestanden, %(changed)s gewijzigd of ontbrekend.")
                % {
                    "when": _when(timezone.now()),
                    "files": sum(1 for item in built.items if item.path),
                    "changed": len(built.mismatches),
                }
            ),
            styles["Normal"],
        ),
    ]
    current_control = None
    for check, evidence_list in checks:
        if check.control_id != current_control:
            current_control = check.control_id
            story += [
                Spacer(1, 0.4 * cm),
                Paragraph(escape(f"{check.control.code} {check.control.title}"), styles["Heading2"]),
            ]
        rows = [
            [_("Periode"), f"{formatting.day(check.period_start)} – {formatting.day(check.period_end)}"],
            [_("Uiterste datum"), formatting.day(check.due_date)],
            [_("Status"), check.get_status_display()],
            [_("Resultaat"), check.get_result_display() or "–"],
            [_("Conclusie"), Paragraph(escape(check.conclusion or "–"), small)],
            [_("Ingediend door / op"), f"{_who(check.submitted_by)} / {_when(check.submitted_at)}"],
            [_("Beoordeeld door / op"), f"{_who(check.reviewed_by)} / {_when(check.reviewed_at)}"],
        ]
        table = Table(rows, colWidths=[4 * cm, 12.5 * cm])
        table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 0.2 * cm), table]
        lines = [[_("Nr"), _("Soort"), _("Versie"), _("Vervangt"), _("Bewijs"), _("SHA-256"), _("Verificatie")]]
        marks = []
        for row, evidence in enumerate(evidence_list, start=1):
            verdict = verdicts[evidence.pk].status if evidence.kind == Evidence.Kind.FILE else ""
            if verdict and verdict != OK:
                marks.append(row)
            what = evidence.original_name or evidence.url or evidence.note
            lines.append(
                [
                    str(evidence.pk),
                    evidence.get_kind_display(),
                    str(evidence.version),
                    str(evidence.supersedes_id or "–"),
                    Paragraph(escape(what[:300]), small),
                    Paragraph(evidence.sha256 or "–", small),
                    verdict,
                ]
            )
        if len(lines) > 1:
            grid = Table(lines, colWidths=[1 * cm, 1.6 * cm, 1.2 * cm, 1.5 * cm, 4.7 * cm, 4.8 * cm, 2 * cm])
            style = [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ]
            style += [("TEXTCOLOR", (6, row), (6, row), colors.red) for row in marks]
            grid.setStyle(TableStyle(style))
            story.append(grid)
        else:
            story.append(Paragraph(escape(_("Geen bewijs.")), small))
    if not checks:
        story.append(Paragraph(escape(_("Geen periodieke controles in deze periode.")), styles["Normal"]))
    document.build(story)
    return buffer.getvalue()


def summary_pdf(dossier: Dossier) -> tuple[bytes, Built]:
    """Only the PDF (files are still hashed, so the verdicts in it are real)."""
    built = Built()
    checks = list(_items(dossier))
    for check, evidence_list in checks:
        for evidence in evidence_list:
            item = Item(evidence, check)
            if evidence.kind == Evidence.Kind.FILE:
                item.path = evidence_path(check, evidence)
                try:
                    item.actual_sha256 = _copy_hashed(evidence, _Discard())
                except (FileNotFoundError, OSError):
                    item.status = MISSING
                else:
                    item.status = OK if item.actual_sha256 == evidence.sha256 else CHANGED
            built.items.append(item)
    return dossier_pdf(dossier, checks, built), built


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


FORMATS = ("zip", "pdf")
CONTENT_TYPES = {"zip": "application/zip", "pdf": "application/pdf"}


@register_exporter("compliance.dossier")
class DossierExporter(BaseExporter):
    """The dossier as an export, so a large one runs as a background export job."""

    identifier = "compliance.dossier"

    def __init__(self, control: str = "", date_from: str = "", date_to: str = "") -> None:
        self.dossier = Dossier.from_params(control, date_from, date_to)
        self.verbose_name = _("bewijsdossier")
        self.built: Built | None = None

    def describe(self) -> dict[str, Any]:
        return {"name": self.identifier, "model": "compliance.control", "filters": self.dossier.params()}

    def filename(self, fmt: str) -> str:
        return self.dossier.filename(fmt)

    def count(self) -> int:
        return self.dossier.size()[0]

    def write(self, fmt: str, target: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
        """The ZIP (or only the PDF) to `target`; the number of evidence items."""
        if fmt == "pdf":
            pdf, self.built = summary_pdf(self.dossier)
            target.write(pdf)
        else:
            self.built = write_zip(self.dossier, target, progress)
        return len(self.built.items)


def verify_zip(data: IO[bytes]) -> list[str]:
    """The paths in a dossier ZIP whose content does not match SHA256SUMS (what
    `sha256sum -c` would report as FAILED)."""
    failed = []
    with zipfile.ZipFile(data) as archive:
        for line in archive.read(SUMS_NAME).decode().splitlines():
            expected, path = line.split("  ", 1)
            if hashlib.sha256(archive.read(path)).hexdigest() != expected:
                failed.append(path)
    return failed


@dataclass
class Delivery:
    """A dossier built now (`file`, positioned at 0) or queued (`job_url`)."""

    file: IO[bytes] | None = None
    filename: str = ""
    content_type: str = ""
    sha256: str = ""
    job_url: str = ""
    items: int = 0


def deliver(user: Any, dossier: Dossier, fmt: str) -> Delivery:
    """Build a small dossier now, or queue a large one as an export job; record the access."""
    import tempfile

    from core.access import notify_access
    from core.exporters import start_async_export

    if fmt not in FORMATS:
        raise DossierError(_("Onbekend formaat: %(fmt)s") % {"fmt": fmt})
    if not dossier.is_small():
        url = start_async_export(
            user=user,
            kind="exporter",
            name="compliance.dossier",
            params={key: [value] for key, value in dossier.params().items()},
            fmt=fmt,
            total=dossier.size()[0],
            description=str(_("Bewijsdossier %(label)s") % {"label": dossier.label}),
        )
        return Delivery(job_url=url)
    exporter = DossierExporter()
    exporter.dossier = dossier
    target = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    items = exporter.write(fmt, target)
    target.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: target.read(CHUNK), b""):
        digest.update(chunk)
    target.seek(0)
    built = exporter.built or Built()
    notify_access(
        user,
        "download",
        **exporter.describe(),
        object=dossier.control or dossier.label,
        format=fmt,
        rows=items,
        sha256=digest.hexdigest(),
        mismatches=[item.path for item in built.mismatches],
    )
    return Delivery(target, dossier.filename(fmt), CONTENT_TYPES[fmt], digest.hexdigest(), items=items)
