from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.retention import AT_LEAST_SEVEN_YEARS, NEVER, apply_retention, policies


class Command(BaseCommand):
    help = "List the retention periods with their reasons; with --apply, apply them now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="remove or pseudonymise what has expired")

    def handle(self, *args: Any, apply: bool, **options: Any) -> None:
        for policy in policies():
            self.stdout.write(
                f"{policy.key:<24} {policy.model:<32} {policy.days:>6} d  {policy.action:<13} {policy.reason}"
            )
        self.stdout.write(f"never removed: {', '.join(sorted(NEVER))} (the change history and its hash chain)")
        self.stdout.write(f"at least seven years: {', '.join(sorted(AT_LEAST_SEVEN_YEARS))}")
        if apply:
            for key, count in apply_retention().items():
                self.stdout.write(f"{key}: {count}")
