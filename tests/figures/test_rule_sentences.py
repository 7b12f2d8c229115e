"""Every figure's counting rule is one Dutch sentence, defined once in reports/annual.py, shown
on the report page beside the figure and listed in the auditor's manual."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from reports import annual

AUDITOR_MD = Path(settings.BASE_DIR) / "docs" / "auditor.md"


def _sentences() -> dict[str, str]:
    with translation.override("nl"):
        return {key: str(sentence) for key, sentence in annual.FIGURE_RULE_SENTENCES.items()}


def test_every_figure_has_exactly_one_sentence():
    sentences = _sentences()
    assert set(sentences) == {*annual.FIGURE_KEYS, "availability"}
    for key, sentence in sentences.items():
        assert sentence.endswith(".") and sentence.count(". ") == 0, key


def test_the_report_page_shows_each_sentence_beside_its_figure(client_as, auditor):
    html = client_as(auditor).get("/reports/annual/2019/").content.decode()
    sentences = _sentences()
    for key in annual.FIGURE_KEYS:
        row = re.search(rf'<tr id="figure-{key}">(.*?)</tr>', html, re.S)
        assert row and escape(sentences[key]) in row.group(1), key
    assert escape(sentences["availability"]) in html


def test_the_auditors_manual_lists_every_figure_with_the_same_sentence():
    text = AUDITOR_MD.read_text(encoding="utf-8")
    section = text.split("## Hoe elk cijfer geteld wordt", 1)[1].split("\n## ", 1)[0]
    sentences = _sentences()
    for key, sentence in sentences.items():
        assert re.search(rf"\| `{key}` \| [^|]+ \| {re.escape(sentence)} \|", section), key
