"""Coverage and the statement of applicability (Verklaring van Toepasselijkheid): per
imported framework, which assessable requirements are met by a control, which are
declared not applicable (with the justification), and which are not covered at all.

Exports: CSV (safe against formula injection) and XLSX (openpyxl, write-only)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from compliance.models import Applicability, Control, Framework, Requirement
from core.exporters import csv_writer, write_xlsx_table


class Coverage:
    COVERED = "covered"
    NOT_APPLICABLE = "not_applicable"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class SoaRow:
    ref_id: str
    title: str
    applicable: bool
    justification: str
    controls: list[str]
    coverage: str


def soa_rows(framework: Framework) -> Iterator[SoaRow]:
    """One row per assessable requirement, in document order (three queries in all)."""
    requirements = (
        Requirement.objects.filter(framework=framework, assessable=True)
        .select_related("applicability")
        .prefetch_related(Prefetch("controls", queryset=Control.objects.filter(active=True).only("code")))
        .order_by("position")
    )
    for requirement in requirements:
        try:
            applicability: Applicability | None = requirement.applicability
        except Applicability.DoesNotExist:
            applicability = None
        applicable = applicability.applicable if applicability else True
        codes = sorted(c.code for c in requirement.controls.all())
        coverage = Coverage.COVERED if codes else Coverage.NOT_COVERED
        if not applicable:
            coverage = Coverage.NOT_APPLICABLE
        yield SoaRow(
            requirement.ref_id,
            requirement.title,
            applicable,
            applicability.justification if applicability else "",
            codes,
            coverage,
        )


def uncovered(framework: Framework) -> list[Requirement]:
    """Assessable, applicable requirements that no active control meets."""
    return list(
        Requirement.objects.filter(framework=framework, assessable=True)
        .exclude(controls__active=True)
        .exclude(applicability__applicable=False)
        .order_by("position")
    )


def _headers() -> list[str]:
    return [_("nummer"), _("eis"), _("van toepassing"), _("onderbouwing"), _("maatregelen"), _("dekking")]


def _cells(row: SoaRow) -> list[str]:
    labels = {
        Coverage.COVERED: _("gedekt"),
        Coverage.NOT_APPLICABLE: _("niet van toepassing"),
        Coverage.NOT_COVERED: _("niet gedekt"),
    }
    return [
        row.ref_id,
        row.title,
        _("ja") if row.applicable else _("nee"),
        row.justification,
        ", ".join(row.controls),
        labels[row.coverage],
    ]


def soa_csv(framework: Framework) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(_headers())
    for row in soa_rows(framework):
        writer.writerow(_cells(row))
    return out.getvalue()


def soa_xlsx(framework: Framework) -> bytes:
    rows = (_cells(row) for row in soa_rows(framework))
    return write_xlsx_table(_("Verklaring van toepasselijkheid"), _headers(), rows)
