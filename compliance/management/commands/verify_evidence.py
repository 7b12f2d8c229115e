from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.verification import CHANGED, report_findings, verify_stored_files


class Command(BaseCommand):
    help = (
        "Re-hash every stored evidence file and policy document (local disk or the S3 bucket) against the "
        "SHA-256 recorded at upload; report changed and missing files to the security officers "
        "(e-mail and the event evidence.verification_failed), as the weekly job does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-report", action="store_true", help="only print the findings: no e-mail, no events")

    def handle(self, *args: Any, no_report: bool, **options: Any) -> None:
        report = verify_stored_files()
        for finding in report.findings:
            what = "CHANGED" if finding.problem == CHANGED else "MISSING"
            self.stderr.write(f"{what}: {finding.obj._meta.label} {finding.obj.pk} ({finding.stored_name})")
        if report.findings:
            if not no_report:
                report_findings(report)
            raise CommandError(
                f"{len(report.findings)} van {report.checked} bestanden gewijzigd of ontbrekend. "
                f"{len(report.findings)} of {report.checked} stored files changed or missing "
                f"({len(report.changed)} changed, {len(report.missing)} missing)"
                + ("." if no_report else "; the security officers have been told.")
            )
        self.stdout.write(self.style.SUCCESS(f"{report.checked} stored files checked: all match their SHA-256."))
