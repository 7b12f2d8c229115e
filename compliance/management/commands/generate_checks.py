from typing import Any

from django.core.management.base import BaseCommand

from compliance.controls import generate_checks


class Command(BaseCommand):
    help = "Create the missing checks of every active control up to the rolling horizon (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{generate_checks()} checks created.")
