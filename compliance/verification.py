"""The weekly re-verification of stored evidence (Celery beat, and `manage.py verify_evidence`).

Every evidence file and every policy document is read back from storage (local disk or the
S3 bucket) in chunks and hashed; the hash is compared with the SHA-256 recorded at upload.
A file that differs, or that is gone, is a finding. Findings are reported to the security
officers: one e-mail to the active users in the Security officer role, and a named event
`evidence.verification_failed` on each evidence item or policy concerned. An intact set
reports nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import roles
from compliance.models import Evidence, Policy
from core import formatting
from core.models import log_event
from core.storage import copy_hashed

logger = logging.getLogger(__name__)

EVENT = "evidence.verification_failed"
CHANGED, MISSING = "changed", "missing"


@dataclass(frozen=True)
class Finding:
    """One stored file that does not match its recorded SHA-256."""

    obj: models.Model
    stored_name: str
    problem: str  # CHANGED or MISSING
    recorded_sha256: str
    actual_sha256: str = ""

    @property
    def label(self) -> str:
        if isinstance(self.obj, Evidence):
            check = self.obj.check_obj
            return _("Bewijs %(id)s (%(name)s) bij %(control)s, periode %(start)s – %(end)s") % {
                "id": self.obj.pk,
                "name": self.obj.original_name,
                "control": check.control.code,
                "start": formatting.day(check.period_start),
                "end": formatting.day(check.period_end),
            }
        return _("Beleidsdocument %(id)s (%(name)s) van %(policy)s") % {
            "id": self.obj.pk,
            "name": self.obj.document_name,
            "policy": self.obj.title,
        }

    @property
    def link(self) -> str:
        if isinstance(self.obj, Evidence):
            return settings.SITE_URL + self.obj.check_obj.get_absolute_url()
        return settings.SITE_URL + self.obj.get_absolute_url()


@dataclass
class Report:
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.problem == CHANGED]

    @property
    def missing(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.problem == MISSING]


def _stored_files() -> Iterator[tuple[models.Model, Any, str]]:
    """(row, its FieldFile, the recorded SHA-256) of every stored file, a batch at a time."""
    evidence = (
        Evidence.objects.filter(kind=Evidence.Kind.FILE)
        .select_related("check_obj__control")
        .order_by("pk")
        .iterator(chunk_size=500)
    )
    for item in evidence:
        yield item, item.file, item.sha256
    for policy in Policy.objects.exclude(document="").order_by("pk").iterator(chunk_size=500):
        yield policy, policy.document, policy.document_sha256


def verify_stored_files() -> Report:
    """Hash every stored file in chunks (never a whole file in memory) against its record."""
    report = Report()
    for obj, stored, recorded in _stored_files():
        report.checked += 1
        try:
            actual = copy_hashed(stored.storage, stored.name)
        except FileNotFoundError:
            report.findings.append(Finding(obj, stored.name, MISSING, recorded))
            continue
        if actual != recorded:
            report.findings.append(Finding(obj, stored.name, CHANGED, recorded, actual))
    return report


def security_officer_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=roles.SECURITY_OFFICER, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def report_findings(report: Report) -> int:
    """A named event per finding and one e-mail to the security officers; the number of
    findings reported (0: nothing is sent)."""
    if not report.findings:
        return 0
    for finding in report.findings:
        log_event(
            finding.obj,
            EVENT,
            problem=finding.problem,
            stored_name=finding.stored_name,
            recorded_sha256=finding.recorded_sha256,
            actual_sha256=finding.actual_sha256,
        )
    recipients = security_officer_addresses()
    if not recipients:
        logger.error(
            "%s stored file(s) fail verification and no security officer has an e-mail address.", len(report.findings)
        )
        return len(report.findings)
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(mail_subject(report), mail_body(report), None, recipients)
    return len(report.findings)


def mail_subject(report: Report) -> str:
    return _("Waarborg: %(count)s bewijsbestand(en) gewijzigd of ontbrekend") % {"count": len(report.findings)}


def mail_body(report: Report) -> str:
    lines = [
        _(
            "De wekelijkse controle van het opgeslagen bewijs heeft %(checked)s bestanden opnieuw gehasht "
            "en vergeleken met de SHA-256 die bij het uploaden is vastgelegd."
        )
        % {"checked": report.checked},
        _("Gewijzigd: %(changed)s. Ontbrekend: %(missing)s.")
        % {"changed": len(report.changed), "missing": len(report.missing)},
        "",
    ]
    for finding in report.findings:
        what = _("GEWIJZIGD") if finding.problem == CHANGED else _("ONTBREEKT")
        lines.append(f"- {what}: {finding.label}")
        lines.append("  " + _("vastgelegd: %(sha)s") % {"sha": finding.recorded_sha256})
        if finding.actual_sha256:
            lines.append("  " + _("nu: %(sha)s") % {"sha": finding.actual_sha256})
        lines.append(f"  {finding.link}")
    lines += [
        "",
        _(
            "Wat te doen: zie de handleiding van de security officer, 'Wekelijkse controle van het bewijs'. "
            "Behandel een afwijking als beveiligingsincident tot de oorzaak bekend is."
        ),
    ]
    return "\n".join(lines) + "\n"


def verify_and_report() -> Report:
    report = verify_stored_files()
    report_findings(report)
    logger.info(
        "Evidence verification: %s file(s) checked, %s changed, %s missing.",
        report.checked,
        len(report.changed),
        len(report.missing),
    )
    return report
