"""Shared by import_takedowns and import_fraud_removals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.imports import ImportRefused, import_file


def command_input(file: str, user: str) -> tuple[Path, Any]:
    """The file and the acting user of an import command; a clear error when either is unknown."""
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"Bestand niet gevonden: {file}")
    actor = None
    if user:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Onbekende gebruiker: {user}")
    return path, actor


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV- of XLSX-bestand / CSV or XLSX file")
        parser.add_argument("--user", default="", help="gebruikersnaam die de import doet")

    def handle(self, *args: Any, file: str, user: str, **options: Any) -> None:
        path, actor = command_input(file, user)
        with path.open("rb") as handle:
            try:
                report = import_file(self.kind, handle, path.name, actor)
            except ImportRefused as refused:
                for problem in refused.report.errors:
                    self.stderr.write(str(problem))
                raise CommandError(f"Niets geïmporteerd: {len(refused.report.errors)} foute regels") from None
        for problem in report.duplicates:
            self.stdout.write(f"dubbel: {problem}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} geïmporteerd, {len(report.duplicates)} dubbel overgeslagen, {report.rows} regels"
            )
        )
