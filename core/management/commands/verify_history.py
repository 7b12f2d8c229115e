from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.seal import seal_history, verify_history


class Command(BaseCommand):
    help = "Check the hash chain over the change history and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seal", action="store_true", help="seal unsealed records first")

    def handle(self, *args: Any, seal: bool, **options: Any) -> None:
        if seal:
            self.stdout.write(f"{seal_history()} records sealed.")
        checked, broken = verify_history()
        if broken:
            raise CommandError(
                f"Keten verbroken bij verzegeling {broken.sequence} (wijziging {broken.entry_id}): {broken.reason}. "
                f"Chain broken at seal {broken.sequence} (history record {broken.entry_id}); "
                f"{checked} links before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"{checked} links checked: the change history is intact."))
