from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.frameworks import FrameworkImportError, import_framework


class Command(BaseCommand):
    help = "Import or update a framework from a framework-library YAML file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the YAML file")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"Bestand niet gevonden: {file}")
        try:
            report = import_framework(file)
        except FrameworkImportError as exc:
            raise CommandError("Niets geïmporteerd:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
