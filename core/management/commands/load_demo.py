from typing import Any

from django.core.management.base import BaseCommand

from core.demo import demo_logins, load_all


class Command(BaseCommand):
    help = "Load the demo organisation: its 2020 and 2021 records and quieter years up to today (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_all()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at http://127.0.0.1:8000/account/login/ as:"))
        for username, password, role, start in demo_logins():
            self.stdout.write(f"  {username:<12} {password:<20} {role:<32} starts at {start}")
        self.stdout.write("Every role but Medewerker enrols a second factor at its first login; see docs/.")
