import argparse
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.anchors import Anchor
from core.seal import audit_history, seal_history

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def anchor_argument(value: str) -> Anchor:
    match = ANCHOR.match(value.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError("expected SEQUENCE:HASH (a seal number, a colon and 64 hexadecimal digits)")
    return Anchor(int(match[1]), match[2], "--anchor")


class Command(BaseCommand):
    help = (
        "Check the keyed hash chain over the change history against the anchors outside the database; "
        "report the first broken link, a truncated or rewritten chain, unsealed and out-of-order records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seal", action="store_true", help="seal unsealed records first")
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=anchor_argument,
            metavar="SEQUENCE:HASH",
            help="an anchor kept elsewhere (for example from the anchor e-mail); may be repeated",
        )

    def handle(self, *args: Any, seal: bool, anchor: list[Anchor], **options: Any) -> None:
        if seal:
            self.stdout.write(f"{seal_history()} records sealed.")
        report = audit_history(extra_anchors=anchor)
        for finding in report.findings:
            self.stderr.write(finding)
        broken = report.broken
        if broken:
            raise CommandError(
                f"Keten verbroken bij verzegeling {broken.sequence} (wijziging {broken.entry_id}): {broken.reason}. "
                f"Chain broken at seal {broken.sequence} (history record {broken.entry_id}); "
                f"{report.checked} links before it are intact."
                + (f" {len(report.findings)} further problem(s) above." if report.findings else "")
            )
        if report.findings:
            raise CommandError(
                f"De geschiedenis is niet in orde: {len(report.findings)} probleem/problemen. "
                f"The change history is not intact: {len(report.findings)} problem(s) above; "
                f"the {report.checked} links of the chain are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.checked} links checked, {report.anchors_compared} anchor(s) compared: "
                f"the change history is intact."
            )
        )
