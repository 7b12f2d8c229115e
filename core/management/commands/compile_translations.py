from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file of the project to .mo (pure Python: needs no GNU gettext)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in sorted(Path(settings.BASE_DIR).glob("*/locale/*/LC_MESSAGES/*.po")) + sorted(
            Path(settings.BASE_DIR).glob("locale/*/LC_MESSAGES/*.po")
        ):
            if ".venv" in po_path.parts:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"{count} translation files compiled.")
