from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules

from core.bench import Measure, Ratio, cases, configure, format_seconds


class Command(BaseCommand):
    help = "Run the benchmarks registered in each app's bench.py and print their ratios to the database alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's nominal volume")
        parser.add_argument("--rows", type=int, default=None, help="the volume of the large-table cases (e.g. 10000)")
        parser.add_argument("--repeat", type=int, default=5, help="interleaved runs per ratio (medians)")
        parser.add_argument("--huge", action="store_true", help="add the 10,000,000-row search case (PostgreSQL)")
        parser.add_argument("--only", default="", help="run only the cases whose name contains this")

    def handle(
        self, *args: Any, scale: float, rows: int | None, repeat: int, huge: bool, only: str, **options: Any
    ) -> None:
        autodiscover_modules("bench")
        configure(rows=rows, huge=huge, repeat=repeat)
        results: list[Any] = []
        for name, case in sorted(cases().items()):
            if only and only not in name:
                continue
            self.stderr.write(f"running {name} …")
            results.extend(case(scale))
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        label = {"postgresql": "PostgreSQL", "sqlite3": "SQLite"}.get(engine, engine)
        volume = f"rows {rows}" if rows else f"scale {scale}"
        self.stdout.write(f"database: {label}, {volume}, medians of {repeat} interleaved runs")
        ratios = [r for r in results if isinstance(r, Ratio)]
        if ratios:
            self.stdout.write("")
            self.stdout.write(
                f"| {'case':<58} | {'Waarborg':>10} | {'baseline':>10} | {'ratio':>7} | {'goal':>6} | {'met':<16} |"
            )
            self.stdout.write(f"| {'-' * 58} | {'-' * 10}:| {'-' * 10}:| {'-' * 7}:| {'-' * 6}:| {'-' * 16} |")
            for r in ratios:
                what = f"{r.case}: {r.what}"[:58]
                goal = f"≤ {r.goal:g}×" if r.goal is not None else "—"
                if r.skipped:
                    self.stdout.write(
                        f"| {what:<58} | {'—':>10} | {'—':>10} | {'—':>7} | {goal:>6} | {r.skipped:<16} |"
                    )
                    continue
                met = {True: "ja", False: "nee", None: "—"}[r.met]
                self.stdout.write(
                    f"| {what:<58} | {format_seconds(r.waarborg):>10} | {format_seconds(r.baseline):>10} "
                    f"| {r.ratio:>6.2f}× | {goal:>6} | {met:<16} |"
                )
        measures = [m for m in results if isinstance(m, Measure)]
        if measures:
            self.stdout.write("")
            self.stdout.write(f"{'case':<28} {'what':<52} {'value':>12} unit")
            for m in measures:
                self.stdout.write(f"{m.case:<28} {m.what:<52} {m.value:>12.3f} {m.unit}")
