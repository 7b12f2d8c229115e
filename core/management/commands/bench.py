from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules

from core.bench import Measure, cases


class Command(BaseCommand):
    help = "Run the benchmarks registered in each app's bench.py and print a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's nominal volume")
        parser.add_argument("--only", default="", help="run only the cases whose name contains this")

    def handle(self, *args: Any, scale: float, only: str, **options: Any) -> None:
        autodiscover_modules("bench")
        results: list[Measure] = []
        for name, case in sorted(cases().items()):
            if only and only not in name:
                continue
            self.stderr.write(f"running {name} …")
            results.extend(case(scale))
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"database: {engine}, scale {scale}")
        self.stdout.write(f"{'case':<28} {'what':<52} {'value':>12} unit")
        for m in results:
            self.stdout.write(f"{m.case:<28} {m.what:<52} {m.value:>12.3f} {m.unit}")
