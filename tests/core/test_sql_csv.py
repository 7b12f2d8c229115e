"""On PostgreSQL the database itself writes the CSV lines of an export whose columns are all
plain stored values (`core.exporters.sql_csv_lines` and `iter_sql_csv`). These tests hold it to
the Python path byte for byte, on the values a spreadsheet or a CSV reader trips over."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core import exporters
from core.api.export import SerializerExporter
from core.exporters import DIALECTS, QuerySetExporter, get_dialect
from core.models import Event
from incidents.api.serializers import PhishingTakedownSerializer
from incidents.models import DDoSAttack, PhishingTakedown
from organisation.models import Person

# Formula starts, separators of both dialects, quotes, line breaks, non-ASCII, empty.
AWKWARD = [
    "=1+1",
    "+31 6 1234 5678",
    "-2",
    "@SUM(A1:A9)",
    "\tindented",
    "\rreturn first",
    "a;b",
    "a,b",
    'zegt "hallo"',
    '"',
    "twee\nregels",
    "crlf\r\nregel",
    "naïef – € ß",
    "",
    "'al een apostrof",
    " =spatie eerst",
    "gewoon",
]
# Either side of both daylight saving changes of 2021, and a moment with microseconds.
MOMENTS = [
    datetime(2021, 3, 28, 0, 30, tzinfo=UTC),
    datetime(2021, 3, 28, 1, 30, tzinfo=UTC),
    datetime(2021, 10, 31, 0, 30, tzinfo=UTC),
    datetime(2021, 10, 31, 1, 30, tzinfo=UTC),
    datetime(2021, 12, 31, 23, 30, 59, 999999, tzinfo=UTC),
]

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the database writes CSV on PostgreSQL"
)


def both_paths(exporter: exporters.BaseExporter, dialect: str) -> tuple[bytes, bytes]:
    """(what the database wrote, what Python writes) for the same exporter."""
    assert exporter.csv_query(get_dialect(dialect)) is not None, "the export should be written by the database"
    database = io.BytesIO()
    exporter.write("csv", database, dialect=dialect)
    exporter.csv_query = lambda spec: None  # type: ignore[method-assign]
    python = io.BytesIO()
    exporter.write("csv", python, dialect=dialect)
    return database.getvalue(), python.getvalue()


@pytest.fixture
def attacks(db, service):  # type: ignore[no-untyped-def]
    rows = []
    for n, notes in enumerate(AWKWARD):
        rows.append(
            DDoSAttack.objects.create(
                started_at=MOMENTS[n % len(MOMENTS)].replace(minute=n),
                vector=["volumetric", "protocol", "application"][n % 3] if n % 4 else "volumetric",
                peak_gbps=[Decimal("12.50"), Decimal("0.00"), Decimal("123456.07")][n % 3],
                mitigated=n % 2 == 0,
                interruption_minutes=n * 7,
                notes=notes,
                service=service if n % 2 else None,
            )
        )
    return rows


@postgresql_only
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_the_admin_export_written_by_the_database_is_byte_for_byte_the_python_one(attacks, dialect):
    fields = ["id", "started_at", "vector", "peak_gbps", "mitigated", "interruption_minutes", "notes", "service"]
    exporter = QuerySetExporter(DDoSAttack.objects.order_by("started_at", "pk"), fields)
    database, python = both_paths(exporter, dialect)
    assert database == python
    assert database.count(b"\r\n") >= len(AWKWARD) + 1  # every line ends in CRLF, as the csv module writes
    assert b"'=1+1" in database and b'"zegt ""hallo"""' in database


@postgresql_only
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_the_api_export_written_by_the_database_is_byte_for_byte_the_python_one(db, dialect):
    for n, text in enumerate(AWKWARD):
        PhishingTakedown.objects.create(
            url=f"https://phish-{n}.example/login?q={n}",
            reported_at=MOMENTS[n % len(MOMENTS)],
            outcome="taken_offline" if n % 2 else "still_online",
            taken_down_at=MOMENTS[n % len(MOMENTS)] if n % 2 else None,
            hosting_provider=text,
            abused_brand=AWKWARD[-1 - n],
        )
    queryset = PhishingTakedown.objects.order_by("-reported_at", "-id")
    exporter = SerializerExporter(queryset, PhishingTakedownSerializer(), "takedowns", {})
    database, python = both_paths(exporter, dialect)
    assert database == python


@postgresql_only
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_dates_and_related_columns_too(make_user, dialect):
    for n in range(3):
        make_user(start_date=date(2020 + n, 12, 31), first_name=AWKWARD[n])
    fields = ["pk", "start_date", "user__username", "user__first_name", "user__is_active", "department"]
    exporter = QuerySetExporter(Person.objects.order_by("pk"), fields)
    database, python = both_paths(exporter, dialect)
    assert database == python
    assert (b"31-12-2021" if dialect == "nl" else b"2021-12-31") in database


@postgresql_only
def test_an_empty_export_is_the_header_alone(db):
    exporter = QuerySetExporter(DDoSAttack.objects.filter(notes="nobody"), ["id", "notes"])
    database, python = both_paths(exporter, "nl")
    assert database == python and database.count(b"\r\n") == 1
    assert QuerySetExporter(DDoSAttack.objects.none(), ["id"]).csv_query(get_dialect("nl")) is None


@postgresql_only
def test_the_connection_keeps_its_time_zone_after_an_export(attacks):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone')")
        (before,) = cursor.fetchone()
    QuerySetExporter(DDoSAttack.objects.all(), ["started_at"]).write("csv", io.BytesIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone')")
        assert cursor.fetchone() == (before,)
    # and Django reads moments as before
    assert DDoSAttack.objects.get(pk=attacks[0].pk).started_at == attacks[0].started_at


@postgresql_only
def test_progress_is_reported_once_the_database_has_written_every_line(attacks, monkeypatch):
    """A progress callback writes to the database, which is busy with the COPY until its end."""
    monkeypatch.setattr(exporters, "SQL_CSV_BATCH_ROWS", 5)
    seen: list[int] = []
    chunks: list[bytes] = []

    class Target:
        def write(self, data: bytes) -> None:
            chunks.append(data)
            assert not seen, "progress before the last line"

    exporter = QuerySetExporter(DDoSAttack.objects.all(), ["id", "notes"])
    rows = exporter.write("csv", Target(), progress=seen.append)
    assert rows == len(AWKWARD) and seen == [len(AWKWARD)]
    assert len(chunks) == 2 + 4  # the BOM, the header, then 5 + 5 + 5 + 2 lines


def test_columns_the_database_cannot_format_and_sqlite_keep_the_python_path(db):
    spec = get_dialect("nl")
    plain = QuerySetExporter(DDoSAttack.objects.all(), ["id", "notes"])
    assert (plain.csv_query(spec) is None) == (connection.vendor != "postgresql")
    with_json = QuerySetExporter(Event.objects.all(), ["id", "data"])
    assert with_json.csv_query(spec) is None


def test_an_active_time_zone_other_than_amsterdam_is_used_by_both_paths(attacks):
    with timezone.override("America/New_York"):
        exporter = QuerySetExporter(DDoSAttack.objects.order_by("pk"), ["id", "started_at"])
        if connection.vendor != "postgresql":
            out = io.BytesIO()
            exporter.write("csv", out)
            assert b"27-03-2021 20:00" in out.getvalue()  # 00:00 UTC is 20:00 the evening before
            return
        database, python = both_paths(exporter, "rfc4180")
        assert database == python and b"-04:00" in database


@pytest.mark.parametrize("term", ["100%", "a_b", "o'brien", "%%s", "\\"])
def test_an_api_export_filtered_by_a_search_with_sql_characters_is_the_python_one(db, security_officer, api_as, term):
    url = "https://phish.example/a_b?p=100%25"
    PhishingTakedown.objects.create(url=url, reported_at=MOMENTS[0], hosting_provider=term)
    PhishingTakedown.objects.create(url="https://other.example/", reported_at=MOMENTS[1], hosting_provider="x")
    client = api_as(security_officer)
    response = client.get("/api/v1/phishing-takedowns/", {"format": "csv", "search": term})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == 2 and b"other.example" not in body  # the header and the one match
    exporter = SerializerExporter(
        PhishingTakedown.objects.filter(hosting_provider=term).order_by("-reported_at", "-id"),
        PhishingTakedownSerializer(),
        "takedowns",
        {},
    )
    exporter.csv_query = lambda spec: None  # type: ignore[method-assign]
    python = io.BytesIO()
    exporter.write("csv", python)
    assert body == python.getvalue()
