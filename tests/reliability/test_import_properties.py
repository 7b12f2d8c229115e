"""Property-based tests of the bulk importers (takedowns and fraud removals, CSV and XLSX):
whatever the file holds — columns in any order, unicode, empty cells, huge values, formula
strings, other encodings — the import either stores every row cleanly or refuses naming
rows; it never fails with another exception, never stores a malformed row, and never stores
an account number or BSN-like digit string from the file.

Examples per test: 25 normally, 300 with HYPOTHESIS_PROFILE=ci (`make fuzz`)."""

import csv
import io
import os
import re
from typing import Any

import pytest
from auditlog.models import LogEntry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from core.models import Event
from incidents.choices import FraudReason, TakedownOutcome
from incidents.imports import ImportRefused, import_fraud_removals, import_takedowns
from incidents.models import FraudAccountRemoval, ImportBatch, PhishingTakedown
from incidents.normalise import normalise_url

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
FAST = settings(
    PROFILE, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)

digits = st.integers(10_000_000, 999_999_999).map(str)  # account numbers and BSN-like strings
moments = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["2021-03-01", "01-03-2021 10:00", "2021-13-45", "0001-01-01", "9999-12-31 23:59", "gisteren"]),
)
nasty = st.one_of(
    st.text(max_size=40),
    st.just(""),
    st.text(min_size=2000, max_size=5000, alphabet="xyz€ë;,\t\"'"),
    st.just("x" * 140_000),  # beyond the csv module's field size limit
    st.sampled_from(['=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\u202e", "\x00"]),
    digits,
)
TAKEDOWN_VALUES: dict[str, Any] = {
    "url": st.one_of(
        st.sampled_from(["https://digid-x.example.com/a", "http://MijnDigiD.example.nl/login?x=1", "digid.example"]),
        st.builds(lambda h: f"https://{h}.example.com/", st.text("abcdefghij-0123456789", min_size=1, max_size=30)),
    ),
    "kind": st.sampled_from(["website", "app", "", "site", "boot"]),
    "reported_at": moments,
    "outcome": st.sampled_from(["offline", "never_visible", "nog online", "taken_offline", "weg", ""]),
    "taken_down_at": moments,
    "hosting_provider": st.text(max_size=300),
    "abused_brand": st.text(max_size=100),
}
FRAUD_VALUES: dict[str, Any] = {
    "account_number": digits,
    "reden": st.sampled_from([*FraudReason.values, "verloren", ""]),
    "verwijderd_op": moments,
    "victim_informed": st.sampled_from(["ja", "nee", "1", "", "misschien"]),
    "bsn": digits,
    "naam": st.text(max_size=30),
}


@st.composite
def table(draw, columns: dict[str, Any]) -> list[list[Any]]:
    """A header of the known columns (some maybe missing, in any order, plus an unknown one)
    and rows whose cells are mostly plausible and sometimes anything at all."""
    names = draw(st.permutations(list(columns)))
    names = names[: draw(st.integers(len(names) - 2, len(names)))] + draw(st.sampled_from([[], ["opmerking"]]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        rows.append([draw(st.one_of(columns.get(n, nasty), nasty) if draw(st.booleans()) else columns.get(n, nasty))
                     for n in names])  # fmt: skip
    return [names, *rows]


def as_csv(rows: list[list[Any]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def as_xlsx(rows: list[list[Any]]) -> bytes | None:
    book = Workbook()
    try:
        for row in rows:
            book.active.append(row)
    except IllegalCharacterError:
        return None  # a value no spreadsheet can hold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files(columns: dict[str, Any]):
    csv_files = st.builds(
        lambda rows, d, e: (as_csv(rows, d, e), "import.csv", rows),
        table(columns),
        st.sampled_from([",", ";", "\t"]),
        st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
    )
    xlsx_files = table(columns).map(lambda rows: (as_xlsx(rows), "import.xlsx", rows))
    return st.one_of(csv_files, xlsx_files, st.binary(max_size=200).map(lambda b: (b, "import.csv", [])))


def _clean() -> None:
    for model in (FraudAccountRemoval, PhishingTakedown, ImportBatch, LogEntry, Event):
        model.objects.all().delete()


def _import(importer, content: bytes, name: str) -> int:
    """Rows stored; a refusal must name rows and store nothing."""
    try:
        report = importer(content, name)
    except ImportRefused as refused:
        assert refused.report.errors and all(p.row >= 1 and p.message for p in refused.report.errors)
        return -1
    assert report.ok and report.created + len(report.duplicates) == report.rows
    return report.created


def _everything_stored() -> str:
    rows = [
        *FraudAccountRemoval.objects.values(),
        *PhishingTakedown.objects.values(),
        *ImportBatch.objects.values(),
        *LogEntry.objects.values("changes", "object_repr"),
        *Event.objects.values("data", "object_repr"),
    ]
    return repr(rows)


@pytest.mark.django_db
@FAST
@given(file=files(TAKEDOWN_VALUES))
def test_a_takedown_import_stores_only_valid_rows_or_refuses_naming_them(file):
    _clean()
    content, name, _rows = file
    if content is None:
        return
    created = _import(import_takedowns, content, name)
    stored = list(PhishingTakedown.objects.all())
    assert len(stored) == max(created, 0)
    for takedown in stored:
        # the stored form is what normalising the stored URL gives, and normalising it again changes nothing
        assert normalise_url(takedown.url) == takedown.normalised_url == normalise_url(takedown.normalised_url)
        assert len(takedown.normalised_url) <= 500 and not re.search(r"\s", takedown.normalised_url)
        assert takedown.outcome in TakedownOutcome.values
        assert takedown.completed_at is None or takedown.completed_at >= takedown.reported_at


@pytest.mark.django_db
@FAST
@given(file=files(FRAUD_VALUES))
def test_a_fraud_import_stores_only_pseudonyms_and_known_reasons_and_no_number_from_the_file(file):
    _clean()
    content, name, rows = file
    if content is None:
        return
    created = _import(import_fraud_removals, content, name)
    stored = list(FraudAccountRemoval.objects.all())
    assert len(stored) == max(created, 0)
    for removal in stored:
        assert re.fullmatch(r"[0-9a-f]{64}", removal.pseudonym)
        assert removal.reason in FraudReason.values
    everything = _everything_stored()
    numbers = {str(cell) for row in rows[1:] for cell in row if re.fullmatch(r"\d{8,9}", str(cell))}
    assert not [n for n in numbers if n in everything]


@pytest.mark.django_db
def test_a_csv_field_beyond_the_readers_limit_is_refused_naming_its_row():
    content = ("url;reported_at;outcome\nhttps://a.example.com/;2021-01-01;nooit zichtbaar\n"
               f"https://b.example.com/;2021-01-01;{'x' * 200_000}\n").encode()  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_takedowns(content, "t.csv")
    [problem] = refused.value.report.errors
    assert problem.row == 3 and "Onleesbare CSV-regel" in problem.message
    assert not PhishingTakedown.objects.exists()
