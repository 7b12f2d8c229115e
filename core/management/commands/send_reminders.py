from typing import Any

from django.core.management.base import BaseCommand

from core.reminders import sweep


class Command(BaseCommand):
    help = "Run one reminder sweep (the same code the beat task runs) and print the e-mails sent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{sweep()} e-mails sent.")
