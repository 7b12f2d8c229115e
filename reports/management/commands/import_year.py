"""manage.py import_year REGISTER FILE [--dry-run] [--user NAME]: bring a past year in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.imports import ImportRefused
from incidents.management.commands._import_base import command_input
from reports.year_import import REGISTERS, import_year


class Command(BaseCommand):
    help = (
        "Import a past year of one register (incidents, checks, breaches or workshops) from a CSV or XLSX "
        "file: all rows or none; --dry-run checks every row and stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", choices=REGISTERS, help="incidents, checks, breaches of workshops")
        parser.add_argument("file", help="CSV- of XLSX-bestand / CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="alleen controleren / check only, store nothing")
        parser.add_argument(
            "--user", default="", help="gebruikersnaam die de import doet / username recorded as importer"
        )

    def handle(self, *args: Any, register: str, file: str, dry_run: bool, user: str, **options: Any) -> None:
        path, actor = command_input(file, user)
        try:
            report = import_year(register, path.read_bytes(), path.name, actor, dry_run=dry_run)
        except ImportRefused as refused:
            for problem in refused.report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Niets geïmporteerd: {len(refused.report.errors)} foute regels / "
                f"nothing imported: {len(refused.report.errors)} bad rows"
            ) from None
        counts = ", ".join(f"{key}: {value}" for key, value in sorted(report.counts.items()))
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Proefimport: {report.rows} regels in orde, niets opgeslagen ({counts})")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{report.rows} regels geïmporteerd ({counts}); sha256 {report.sha256}")
            )
