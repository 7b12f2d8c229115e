"""Exports: the Art. 30 register (CSV, XLSX, PDF), the breach register (CSV, XLSX) and one
DPIA (PDF). Each list exporter only yields rows; the writers below do the formats.

Every text cell is made safe against formula injection: a cell starting with = + - @,
a tab or a carriage return gets a leading quote, in CSV and XLSX alike."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exporters import csv_writer, safe_text, write_xlsx_table

from .models import DPIA, DataBreach, ProcessingActivity
from .models.dpia import HIGH_RISK_SCORE, PARTS


def safe_cell(value: Any) -> str:
    """The register's Dutch text of a value, neutralised like every export's cells."""
    return safe_text(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


Column = tuple[str, Callable[[Any], Any]]


def _join(items: Iterable[Any]) -> str:
    return "; ".join(str(item) for item in items)


def _purposes(activity: ProcessingActivity) -> str:
    return _join(
        f"{p.description} (grondslag {p.get_legal_basis_display()}"
        + (f": {p.legal_basis_detail}" if p.legal_basis_detail else "")
        + ")"
        for p in activity.purposes.all()
    )


def _processors(activity: ProcessingActivity) -> str:
    return _join(
        f"{p.name}"
        + (f" ({p.service_description})" if p.service_description else "")
        + f", verwerkersovereenkomst {_text(p.agreement_signed_on) or _('ontbreekt')}"
        + (f" t/m {_text(p.agreement_ends_on)}" if p.agreement_ends_on else "")
        for p in activity.processors.all()
    )


def _transfers(activity: ProcessingActivity) -> str:
    transfers = activity.transfers.all()
    if not transfers:
        return _("geen doorgifte buiten de EER")
    return _join(f"{t.recipient} ({t.country}): {t.get_safeguard_display()}" for t in transfers)


def _screening(activity: ProcessingActivity) -> str:
    reasons = activity.screening_reasons
    return _("DPIA verplicht: %s") % ", ".join(reasons) if reasons else _("DPIA niet verplicht")


REGISTER_COLUMNS: list[Column] = [
    (_("Identificatie"), lambda a: a.public_id),
    (_("Code"), lambda a: a.code),
    (_("Naam verwerking"), lambda a: a.name),
    (_("Omschrijving"), lambda a: a.description),
    (_("Rol"), lambda a: a.get_role_display()),
    (_("Verwerkingsverantwoordelijke"), lambda a: a.controller_contact),
    (_("Functionaris gegevensbescherming"), lambda a: a.dpo_contact),
    (_("Doeleinden en grondslagen"), _purposes),
    (_("Categorieën betrokkenen"), lambda a: _join(a.data_subject_categories.all())),
    (_("Categorieën persoonsgegevens"), lambda a: _join(a.personal_data_categories.all())),
    (_("Bijzondere persoonsgegevens"), lambda a: ", ".join(a.special_categories) or _("geen")),
    (_("Strafrechtelijke gegevens"), lambda a: a.criminal_data),
    (_("BSN"), lambda a: a.bsn),
    (_("Categorieën ontvangers"), lambda a: _join(a.recipient_categories.all())),
    (_("Verwerkers"), _processors),
    (_("Doorgifte derde landen en waarborgen"), _transfers),
    (_("Bewaartermijn"), lambda a: a.retention_period),
    (_("Beveiligingsmaatregelen"), lambda a: a.security_measures),
    (_("Voorzieningen"), lambda a: _join(a.services.all())),
    (_("DPIA-screening"), _screening),
    (_("Eigenaar"), lambda a: a.owner.get_full_name() or a.owner.get_username()),
    (_("Datum registratie"), lambda a: a.registered_on),
    (_("Volgende herziening"), lambda a: a.next_review_on),
]

BREACH_COLUMNS: list[Column] = [
    (_("Kenmerk"), lambda b: b.reference),
    (_("Titel"), lambda b: b.title),
    (_("Incident"), lambda b: b.incident.reference if b.incident_id else ""),
    (_("Soort melding"), lambda b: b.get_report_type_display()),
    (_("Bekend geworden op"), lambda b: b.aware_at),
    (_("Uiterste meldtermijn"), lambda b: b.deadline),
    (_("Aard"), lambda b: b.nature),
    (_("Categorieën persoonsgegevens"), lambda b: _join(b.data_categories.all())),
    (_("Categorieën betrokkenen"), lambda b: b.subject_categories),
    (_("Aantal betrokkenen"), lambda b: b.persons_affected),
    (_("Aantal registraties"), lambda b: b.records_affected),
    (_("Gevolgen"), lambda b: b.consequences),
    (_("Maatregelen"), lambda b: b.measures),
    (_("Risico"), lambda b: b.get_risk_display()),
    (_("Gemeld bij de AP op"), lambda b: b.reported_to_ap_at),
    (_("Meldnummer AP"), lambda b: b.ap_reference),
    (_("Te laat gemeld"), lambda b: b.reported_late),
    (_("Reden vertraging"), lambda b: b.late_reason),
    (_("Besloten niet te melden op"), lambda b: b.not_reported_decided_at),
    (_("Redenen niet melden"), lambda b: b.not_reported_reasons),
    (_("Besluit betrokkenen (art. 34)"), lambda b: b.get_subjects_decision_display()),
    (_("Betrokkenen geïnformeerd op"), lambda b: b.subjects_informed_on),
    (_("Kanaal"), lambda b: b.subjects_channel),
]


def register_queryset() -> QuerySet[ProcessingActivity]:
    return ProcessingActivity.objects.select_related("owner").prefetch_related(
        "purposes",
        "processors",
        "transfers",
        "data_subject_categories",
        "personal_data_categories",
        "recipient_categories",
        "services",
    )


def breach_queryset() -> QuerySet[DataBreach]:
    return DataBreach.objects.select_related("incident").prefetch_related("data_categories").order_by("aware_at", "pk")


def rows(objects: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[str]]:
    for obj in objects:
        yield [safe_cell(getter(obj)) for _header, getter in columns]


def write_csv(objects: Iterable[Any], columns: Sequence[Column]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Dutch spreadsheet programs expect."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";")
    writer.writerow([str(header) for header, _getter in columns])
    writer.writerows(rows(objects, columns))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(objects: Iterable[Any], columns: Sequence[Column], title: str) -> bytes:
    """Every cell is text (safe_cell), neutralised again by the shared writer."""
    headers = [str(header) for header, _getter in columns]
    return write_xlsx_table(title, headers, rows(objects, columns), wrap=True)


def _para(text: Any, style: Any) -> Paragraph:
    return Paragraph(escape(_text(text)).replace("\n", "<br/>"), style)


def _pdf(story: list[Any], title: str, pagesize: Any = A4) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, title=title, author="Waarborg", leftMargin=18 * mm, rightMargin=18 * mm
    )
    document.build(story)
    return buffer.getvalue()


def _field_table(pairs: list[tuple[str, Any]], styles: Any, widths: tuple[float, float]) -> Table:
    body = styles["BodyText"]
    table = Table([[_para(k, styles["Heading6"]), _para(v, body)] for k, v in pairs], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
            ]
        )
    )
    return table


def register_pdf(activities: Iterable[ProcessingActivity]) -> bytes:
    """One section per activity with every Art. 30(1) field."""
    styles = getSampleStyleSheet()
    title = _("Register van verwerkingsactiviteiten (artikel 30 lid 1 AVG)")
    today = date_format(timezone.localdate(), "j F Y")
    story: list[Any] = [_para(title, styles["Title"]), _para(_("Stand per %s") % today, styles["Normal"])]
    for activity in activities:
        story.append(Spacer(1, 6 * mm))
        story.append(_para(f"{activity.code} — {activity.name}", styles["Heading2"]))
        pairs = [(str(header), getter(activity)) for header, getter in REGISTER_COLUMNS[3:]]
        pairs.insert(0, (str(_("Identificatie")), activity.public_id))
        story.append(_field_table(pairs, styles, (55 * mm, 119 * mm)))
    return _pdf(story, title)


def _risk_matrix(dpia: DPIA, styles: Any) -> Table:
    """4x4: rows impact 4..1, columns likelihood 1..4; each cell lists the risks (residual)."""
    cells: dict[tuple[int, int], list[str]] = {}
    for number, risk in enumerate(dpia.risks.all(), start=1):
        cells.setdefault((risk.residual_impact, risk.residual_likelihood), []).append(f"R{number}")
    data = [[_para(_("impact \\ kans"), styles["Heading6"]), *[str(n) for n in range(1, 5)]]]
    for impact in range(4, 0, -1):
        data.append([str(impact), *[", ".join(cells.get((impact, k), [])) for k in range(1, 5)]])
    table = Table(data, colWidths=[28 * mm] + [30 * mm] * 4, rowHeights=[10 * mm] * 5)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("ALIGN", (1, 1), (-1, -1), "CENTER")]
    for impact in range(1, 5):
        for likelihood in range(1, 5):
            score = impact * likelihood
            colour = "#f4b6b6" if score >= HIGH_RISK_SCORE else "#fbe3a6" if score >= 4 else "#cde8c5"
            style.append(("BACKGROUND", (likelihood, 5 - impact), (likelihood, 5 - impact), colors.HexColor(colour)))
    table.setStyle(TableStyle(style))
    return table


def dpia_pdf(dpia: DPIA) -> bytes:
    styles = getSampleStyleSheet()
    title = _("DPIA: %s") % dpia.title
    story: list[Any] = [_para(title, styles["Title"])]
    story.append(
        _field_table(
            [
                (_("Verwerking"), dpia.activity),
                (_("Eigenaar"), dpia.owner.get_full_name() or dpia.owner.get_username()),
                (_("Status"), dpia.get_status_display()),
                (_("Herziening"), dpia.review_on),
            ],
            styles,
            (45 * mm, 129 * mm),
        )
    )
    part = ""
    for _name, label, section_part, text in dpia.sections():
        if section_part != part:
            part = section_part
            story.append(_para(PARTS[part], styles["Heading2"]))
        story.append(_para(label, styles["Heading4"]))
        story.append(_para(text or _("(niet ingevuld)"), styles["BodyText"]))
    story += [PageBreak(), _para(_("Risico's"), styles["Heading2"])]
    risk_rows = [[_("Nr"), _("Risico"), _("K×I"), _("Maatregelen"), _("Rest K×I")]]
    for number, risk in enumerate(dpia.risks.all(), start=1):
        risk_rows.append(
            [
                f"R{number}",
                _para(risk.description, styles["BodyText"]),
                f"{risk.likelihood}×{risk.impact}={risk.score}",
                _para(risk.measures, styles["BodyText"]),
                f"{risk.residual_likelihood}×{risk.residual_impact}={risk.residual_score}",
            ]
        )
    risks = Table(risk_rows, colWidths=[10 * mm, 60 * mm, 22 * mm, 60 * mm, 22 * mm], repeatRows=1)
    risks.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [risks, Spacer(1, 5 * mm), _para(_("Risicomatrix (restrisico)"), styles["Heading3"])]
    story.append(_risk_matrix(dpia, styles))
    if dpia.prior_consultation_required:
        story.append(
            _para(
                _("Voorafgaande raadpleging van de Autoriteit Persoonsgegevens is nodig (restrisico hoog)."),
                styles["Heading4"],
            )
        )
    story.append(_para(_("Advies van de FG"), styles["Heading2"]))
    by = dpia.dpo_advice_by.get_full_name() if dpia.dpo_advice_by else ""
    story.append(
        _field_table(
            [
                (_("Advies"), dpia.dpo_advice or _("(nog geen advies)")),
                (_("Datum"), dpia.dpo_advice_on),
                (_("Door"), by),
            ],
            styles,
            (45 * mm, 129 * mm),
        )
    )
    story.append(_para(_("Besluit"), styles["Heading2"]))
    decided_by = dpia.decided_by.get_full_name() if dpia.decided_by else ""
    story.append(
        _field_table(
            [
                (_("Besluit"), dpia.get_decision_display() or _("(nog geen besluit)")),
                (_("Toelichting"), dpia.decision_notes),
                (_("Datum"), dpia.decided_on),
                (_("Door"), decided_by),
            ],
            styles,
            (45 * mm, 129 * mm),
        )
    )
    return _pdf(story, title)
