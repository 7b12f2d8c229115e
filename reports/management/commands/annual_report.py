import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exporters import DEFAULT_DIALECT, DIALECTS
from reports.services import REPORT_FORMATS, render_annual_report


class Command(BaseCommand):
    help = "Het jaarverslag (JSON, CSV, XLSX of PDF); zonder --output als JSON op de standaarduitvoer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="verslagjaar")
        parser.add_argument("--format", choices=REPORT_FORMATS, default="json", help="json, csv, xlsx of pdf")
        parser.add_argument("--output", default="", help="bestand (standaard: de standaarduitvoer)")
        parser.add_argument(
            "--dialect",
            choices=sorted(DIALECTS),
            default=DEFAULT_DIALECT,
            help="CSV: nl (Excel: puntkomma, decimale komma) of rfc4180 (komma, ISO-datums)",
        )

    def handle(self, *args: Any, year: int, format: str, output: str, dialect: str, **options: Any) -> None:
        if not 1900 <= year <= 2999:
            raise CommandError("Ongeldig jaar")
        data = render_annual_report(year, format, dialect=dialect)
        if output:
            try:
                with open(output, "wb") as handle:
                    handle.write(data)
            except OSError as error:
                raise CommandError(f"Kan niet schrijven naar {output}: {error}") from error
            return
        if format == "json":
            self.stdout.write(data.decode(), ending="")
        else:
            # binary formats: the bytes as they are, for a pipe or a redirect
            self.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
