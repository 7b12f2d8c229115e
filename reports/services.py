"""The annual report in each format: the command, the API and the page call these."""

from __future__ import annotations

import io
import json
from typing import Any

from .annual import AnnualReportExporter, annual_report
from .pdf import annual_report_pdf

REPORT_FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render_annual_report(
    year: int, fmt: str, report: dict[str, Any] | None = None, dialect: str | None = None
) -> bytes:
    """The report of `year` as bytes in `fmt` (json, csv, xlsx or pdf); a CSV in `dialect`
    (core.exporters.DIALECTS: nl, the default, or rfc4180)."""
    report = report if report is not None else annual_report(year)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "pdf":
        return annual_report_pdf(report)
    if fmt in ("csv", "xlsx"):
        target = io.BytesIO()
        AnnualReportExporter(year, report).write(fmt, target, dialect=dialect)
        return target.getvalue()
    raise ValueError(f"Onbekend formaat: {fmt}")


def report_filename(year: int, fmt: str) -> str:
    return f"jaarverslag-{year}.{fmt}"
