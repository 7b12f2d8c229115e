"""Exporters: every list can leave Waarborg as CSV, XLSX or JSON lines.

An exporter only says what its columns are (`headers()`) and yields its rows (`rows()`);
the base class writes the formats, so every export is equally safe:

- CSV: UTF-8 with a byte-order mark (Excel opens it with the right characters), in one of
  two *dialects*: ``nl`` (the default: what Dutch Excel opens right — semicolon separated,
  decimal comma, dates as ``30-11-2026 10:38`` in Dutch time) or ``rfc4180`` (for
  machines: comma separated, decimal point, ISO 8601 dates with their UTC offset). Both
  are safe against formula injection: a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
  as text instead of running it. Rows are formatted by one tight function per dialect
  (`csv_cell`) and written in batches of `CSV_BATCH_ROWS` rows.
- XLSX: an openpyxl *write-only* workbook, rows appended as they are generated, written to
  a temporary file that is then streamed; memory stays flat whatever the number of rows.
  Cells are typed (dates as Excel dates in Dutch time, numbers as numbers), the header row
  is frozen and the column widths follow the header and the first rows.
- JSON lines: one JSON object a line, for machines.

These writers are the only place in Waarborg that writes CSV or XLSX: code that writes
its own table (the statement of applicability, the dossier's manifest.csv, the privacy
registers) uses `csv_writer()` and `write_xlsx_table()` from here, so every cell of every
file is neutralised the same way (tests/security/test_formula_neutralising.py checks that
no other module calls csv.writer or builds a workbook).

`QuerySetExporter` builds an exporter from a queryset and a list of field paths; its
column headers are the (translated, Dutch) verbose names of the fields. Exporters are
discoverable by name through a registry (`register_exporter`, `get_exporter`).

Exports that are too large for a request (`settings.EXPORT_ASYNC_THRESHOLD` rows) are
handed to an *async handler* that apps above the core register (the reports app runs
them as a Celery job): the core never imports them.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx", "jsonl")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
CHUNK_SIZE = 2000
# CSV rows formatted and encoded at once: one chunk of a streamed response.
CSV_BATCH_ROWS = 1000
# Lines a chunk when the database writes the CSV (`sql_csv_lines`).
SQL_CSV_BATCH_ROWS = 5000
# XLSX column widths follow the header and this many first rows (write-only: set before any row).
XLSX_WIDTH_SAMPLE = 50
XLSX_MAX_WIDTH = 60
DEFAULT_ASYNC_THRESHOLD = 100_000

Row = Sequence[Any]
ProgressCallback = Callable[[int], None]


def async_threshold() -> int:
    """Exports of more rows than this never run inside a request."""
    return int(getattr(settings, "EXPORT_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD))


# --- cell values ---------------------------------------------------------------------


def plain_value(value: Any) -> Any:
    """A cell value a spreadsheet and JSON understand: local times, no lazy strings."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, bool):
        return force_str(_("ja") if value else _("nee"))
    if isinstance(value, datetime.date | int | float | Decimal):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return force_str(value)


def safe_text(value: Any) -> str:
    """Text for CSV: formulas neutralised with a leading apostrophe."""
    value = plain_value(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number (even a negative one) is data, not a formula
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# --- CSV dialects ------------------------------------------------------------------------


class UnknownDialect(ValueError):
    """An unknown `?dialect=`: the request answers 400 with this message."""


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str
    decimal_comma: bool
    datetime_format: str  # strftime of a local time; "" for ISO 8601 with offset
    date_format: str  # strftime; "" for ISO 8601
    true: str
    false: str


DIALECTS = {
    "nl": CsvDialect("nl", ";", True, "%d-%m-%Y %H:%M", "%d-%m-%Y", "ja", "nee"),
    "rfc4180": CsvDialect("rfc4180", ",", False, "", "", "true", "false"),
}
DEFAULT_DIALECT = "nl"
# The query parameter that picks the dialect (`?dialect=` in the API, `?_dialect=` in the admin).
DIALECT_PARAM = "dialect"


def get_dialect(name: str | None) -> CsvDialect:
    """The dialect called `name` (empty: the default). Raises UnknownDialect."""
    key = (name or DEFAULT_DIALECT).strip().lower()
    try:
        return DIALECTS[key]
    except KeyError:
        raise UnknownDialect(
            gettext("Onbekend CSV-dialect %(name)r; kies nl of rfc4180.") % {"name": key[:40]}
        ) from None


def csv_cell(dialect: CsvDialect) -> Callable[[Any], str]:
    """The function that turns one value into one CSV cell of `dialect`: the hot path of
    every CSV export, so the common types are tested by exact type first."""
    datetime_format, date_format = dialect.datetime_format, dialect.date_format
    decimal_comma, true, false = dialect.decimal_comma, dialect.true, dialect.false
    local_zone = timezone.get_current_timezone()  # once, not once per cell
    formula_starts = _FORMULA_STARTS
    datetime_type, date_type = datetime.datetime, datetime.date
    dutch_minutes = datetime_format == "%d-%m-%Y %H:%M"

    def cell(value: Any) -> str:
        kind = type(value)
        if kind is str:
            return "'" + value if value[:1] in formula_starts else value
        if value is None:
            return ""
        if kind is int:
            return str(value)  # a number (even a negative one) is data, not a formula
        if kind is datetime_type:
            if value.tzinfo is not None:
                value = value.astimezone(local_zone)
            if dutch_minutes:  # what strftime would give, without its cost
                return f"{value.day:02d}-{value.month:02d}-{value.year} {value.hour:02d}:{value.minute:02d}"
            if datetime_format:
                return value.strftime(datetime_format)
            return value.replace(microsecond=0).isoformat()
        if kind is bool:
            return true if value else false
        if kind is Decimal or kind is float:
            text = str(value)
            return text.replace(".", ",") if decimal_comma else text
        if kind is date_type:
            return value.strftime(date_format) if date_format else value.isoformat()
        # anything else (lazy strings, dicts, subclasses): the general path, then neutralised
        plain = plain_value(value)
        if type(plain) is not str:
            return cell(plain)
        return "'" + plain if plain[:1] in formula_starts else plain

    return cell


def safe_xlsx_value(value: Any) -> Any:
    """XLSX keeps numbers and dates typed; text that looks like a formula is neutralised, and
    control characters a worksheet cannot hold are dropped."""
    value = plain_value(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def safe_xlsx_row(values: Iterable[Any]) -> list[Any]:
    return [safe_xlsx_value(value) for value in values]


class SafeCsvWriter:
    """A csv.writer whose every cell (the header's too) is neutralised: through `safe_text`,
    or through the dialect's `csv_cell` when a dialect is given."""

    def __init__(self, target: Any, dialect: CsvDialect | None = None, **fmtparams: Any) -> None:
        if dialect is not None:
            fmtparams.setdefault("delimiter", dialect.delimiter)
        self._writer = csv.writer(target, **fmtparams)
        self._cell = csv_cell(dialect) if dialect is not None else safe_text

    def writerow(self, row: Iterable[Any]) -> Any:
        cell = self._cell
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(target: Any, dialect: CsvDialect | None = None, **fmtparams: Any) -> SafeCsvWriter:
    """The one CSV writer of Waarborg (takes a `CsvDialect` and/or the csv module's format
    parameters; without a dialect: comma separated, `safe_text` cells)."""
    return SafeCsvWriter(target, dialect, **fmtparams)


def write_xlsx_table(title: str, headers: Iterable[Any], rows: Iterable[Iterable[Any]], *, wrap: bool = False) -> bytes:
    """A one-sheet workbook (write-only): a bold, frozen header, then the rows, every cell
    through `safe_xlsx_value`. `wrap` wraps text cells at the top of their row."""
    buffer = io.BytesIO()
    _write_workbook(buffer, title, headers, rows, wrap=wrap)
    return buffer.getvalue()


# --- CSV written by the database (PostgreSQL) ---------------------------------------------
#
# On PostgreSQL an export whose every column is a plain stored value is written by the
# database itself, in one `COPY (SELECT …) TO STDOUT (FORMAT csv)`: the SELECT formats each
# value as `csv_cell` does (Dutch or ISO dates in the active time zone, ja/nee, a decimal
# comma, a leading apostrophe before a formula), and COPY's own CSV quoting is the csv
# module's (QUOTE_MINIMAL: a field with the delimiter, a quote, CR or LF is quoted, quotes
# doubled). Python only turns COPY's LF line ends into CRLF. Exactly the bytes the Python
# path writes (tests/core/test_sql_csv.py compares the two on awkward values), at a small
# multiple of a bare `COPY … TO STDOUT`.

# Field types the database formats; any other column (JSON, floats, durations, files, an
# annotation) keeps the export on the Python path.
_SQL_TEXT = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
_SQL_INTEGER = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_SQL_KINDS = {
    **dict.fromkeys(_SQL_TEXT, "text"),
    **dict.fromkeys(_SQL_INTEGER, "integer"),
    "UUIDField": "uuid",
    "BooleanField": "boolean",
    "DateTimeField": "datetime",
    "DateField": "date",
    "DecimalField": "decimal",
}
# The first characters `csv_cell` neutralises (=, +, -, @, tab, CR), as code points.
_SQL_FORMULA_STARTS = ", ".join(str(ord(start)) for start in FORMULA_PREFIXES)


def _sql_literal(text: str) -> str:
    """A constant of this module as an SQL string literal (standard_conforming_strings)."""
    return "'" + text.replace("'", "''") + "'"


def _sql_kind(model: type[models.Model], path: str) -> str | None:
    try:
        fields = _resolve(model, path)
    except Exception:
        return None
    field = fields[-1] if fields else None
    while field is not None and field.is_relation:
        if not field.many_to_one:
            return None
        field = field.target_field
    return _SQL_KINDS.get(field.get_internal_type()) if field is not None else None


def _sql_cell(column: str, kind: str, spec: CsvDialect) -> str:
    """The SQL that turns `column` into the text `csv_cell(spec)` makes of its value, before
    quoting; NULL for an empty cell (COPY writes NULL as an empty, unquoted field, the way the
    csv module writes an empty string)."""
    if kind == "text":
        return (
            f"NULLIF(CASE WHEN ascii({column}) IN ({_SQL_FORMULA_STARTS}) THEN '''' || {column} ELSE {column} END, '')"
        )
    if kind in ("integer", "uuid"):
        return f"{column}::text"
    if kind == "decimal":
        return f"replace({column}::text, '.', ',')" if spec.decimal_comma else f"{column}::text"
    if kind == "boolean":
        return (
            f"CASE WHEN {column} THEN {_sql_literal(spec.true)} WHEN NOT {column} THEN {_sql_literal(spec.false)} END"
        )
    if kind == "date":
        return f"to_char({column}, {_sql_literal('DD-MM-YYYY' if spec.date_format else 'YYYY-MM-DD')})"
    # the session's time zone is the active one while the lines are written (`iter_sql_csv`)
    if spec.datetime_format:
        return f"to_char({column}, 'DD-MM-YYYY HH24:MI')"
    return f"to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"


def sql_csv_lines(
    queryset: QuerySet, paths: Sequence[str], spec: CsvDialect, choices: Sequence[dict[Any, str] | None] = ()
) -> tuple[str, list[Any]] | None:
    """The SELECT that yields every row of ``queryset.values_list(*paths)``, in its order, as
    the fields of its CSV line in `spec` (unquoted: COPY quotes them), or None when the database
    cannot write this export (not PostgreSQL, a type it does not format, one column: a lone
    field is quoted differently by COPY and by the csv module). `choices` gives, per column,
    {value: label} to show labels as `QuerySetExporter` does."""
    if connections[queryset.db].vendor != "postgresql" or spec.name not in DIALECTS or len(paths) < 2:
        return None
    if spec.date_format not in ("", "%d-%m-%Y") or spec.datetime_format not in ("", "%d-%m-%Y %H:%M"):
        return None
    kinds = [_sql_kind(queryset.model, path) for path in paths]
    if None in kinds:
        return None
    cell = csv_cell(spec)
    fields: list[str] = []
    params: list[Any] = []
    for index, (kind, labels) in enumerate(zip(kinds, list(choices) + [None] * len(paths), strict=False)):
        column = f"c{index}"
        formatted = _sql_cell(column, kind, spec)
        if labels:
            # the labels are constants: formatted here, once, by the Python path itself
            whens = " ".join(f"WHEN {column} = %s THEN %s" for _value in labels)
            formatted = f"CASE {whens} ELSE {formatted} END"
            for value, label in labels.items():
                params += [value, cell(label) or None]
        fields.append(f"{formatted} AS f{index}")
    try:
        inner, inner_params = queryset.values_list(*paths).query.sql_with_params()
    except EmptyResultSet:  # `.none()` or an empty `__in`: nothing to ask the database
        return None
    names = ", ".join(f"c{index}" for index in range(len(paths)))
    fields.append("chr(13) AS line_end")  # see _SQL_LINE_END
    sql = f"SELECT {', '.join(fields)} FROM ({inner}) AS export_rows ({names})"  # noqa: S608
    return sql, params + list(inner_params)


# Every row ends in one more field, a lone CR, which COPY quotes: `;"<CR>"<LF>`. Those bytes
# (after the delimiter) are the line end and nothing else: inside a quoted field every quote is doubled, and a
# field's closing quote is followed by the delimiter or LF, never by CR. Each becomes CRLF.
_SQL_LINE_END = b'"\r"\n'


def iter_sql_csv(
    queryset: QuerySet, query: tuple[str, list[Any]], spec: CsvDialect, batch: int
) -> Iterator[tuple[bytes, int]]:
    """(chunk, rows in it): the rows of `query` as CSV lines through ``COPY (…) TO STDOUT``,
    `batch` lines a chunk, so memory stays flat. COPY ends each row in LF, after the extra
    field of `_SQL_LINE_END`: those bytes become CRLF (a line break inside a quoted field is kept).
    Dates are formatted in the session's time zone, set to the active one for this statement
    only (SET LOCAL in a transaction, put back afterwards when that transaction is nested in
    another, so the connection's UTC holds for every other query).

    While the lines stream, the connection is busy with the COPY: whoever consumes the chunks
    must not query the same database before the last one (a streamed response and a file
    target do not; a progress callback is called only afterwards)."""
    sql, params = query
    connection = connections[queryset.db]
    zone = timezone.get_current_timezone_name()
    nested = connection.in_atomic_block  # else the commit itself ends the SET LOCAL
    delimiter = _sql_literal(spec.delimiter)
    statement = connection.ops.compose_sql(f"COPY ({sql}) TO STDOUT (FORMAT csv, DELIMITER {delimiter})", list(params))
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true)", [zone])
        (before, _zone) = cursor.fetchone()
        with cursor.copy(statement) as copy:
            line_end = spec.delimiter.encode() + _SQL_LINE_END
            # Copied into one buffer as they come: each message is a view on a buffer of the
            # driver's, and holding thousands of them costs more than the copying.
            buffer = bytearray()
            in_batch = 0
            for row in copy:  # one message a row
                buffer += row
                in_batch += 1
                if in_batch == batch:
                    yield bytes(buffer).replace(line_end, b"\r\n"), in_batch
                    buffer = bytearray()
                    in_batch = 0
            if in_batch:
                yield bytes(buffer).replace(line_end, b"\r\n"), in_batch
        if nested:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [before])


# --- exporters -----------------------------------------------------------------------


class BaseExporter:
    """Subclasses give `identifier`, `verbose_name` and implement `headers()` and `rows()`."""

    identifier: str = ""
    verbose_name: Any = ""

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def count(self) -> int | None:
        """The number of rows, when known cheaply (one COUNT query)."""
        return None

    def csv_query(self, spec: CsvDialect) -> tuple[QuerySet, tuple[str, list[Any]]] | None:
        """(queryset, SELECT of finished lines) when the database writes this export's CSV
        rows itself (`sql_csv_lines`); None: the rows go through `csv_cell`."""
        return None

    def describe(self) -> dict[str, Any]:
        """What the access log records about this export."""
        return {"name": self.identifier}

    def filename(self, fmt: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        base = slugify(force_str(self.verbose_name or self.identifier)) or "export"
        return f"{base}-{stamp}.{fmt}"

    # --- writers ---------------------------------------------------------------------

    def iter_csv(self, progress: ProgressCallback | None = None, dialect: str | None = None) -> Iterator[bytes]:
        """The CSV as byte chunks: a BOM, the header, then one chunk per `CSV_BATCH_ROWS` rows."""
        for chunk, _rows in self._csv_batches(progress, dialect):
            yield chunk

    def _csv_batches(self, progress: ProgressCallback | None, dialect: str | None) -> Iterator[tuple[bytes, int]]:
        """(chunk, rows in it): the BOM, the header, then batches of rows."""
        spec = get_dialect(dialect)
        cell = csv_cell(spec)
        buffer = io.StringIO()
        writerow = csv.writer(buffer, delimiter=spec.delimiter).writerow
        yield codecs.BOM_UTF8, 0
        writerow([cell(header) for header in self.headers()])
        yield buffer.getvalue().encode("utf-8"), 0
        buffer.seek(0)
        buffer.truncate()
        in_batch = done = 0
        query = self.csv_query(spec)
        if query is not None:
            for chunk, in_chunk in iter_sql_csv(*query, spec, SQL_CSV_BATCH_ROWS):
                done += in_chunk
                yield chunk, in_chunk
            if progress:  # not before: the connection is busy with the COPY until its last line
                progress(done)
            return
        for row in self.rows():
            writerow([cell(value) for value in row])
            in_batch += 1
            if in_batch == CSV_BATCH_ROWS:
                done += in_batch
                yield buffer.getvalue().encode("utf-8"), in_batch
                buffer.seek(0)
                buffer.truncate()
                in_batch = 0
                if progress and done % CHUNK_SIZE == 0:
                    progress(done)
        if in_batch:
            yield buffer.getvalue().encode("utf-8"), in_batch

    def iter_jsonl(self, progress: ProgressCallback | None = None) -> Iterator[bytes]:
        headers = self.headers()
        for done, row in enumerate(self.rows(), start=1):
            record = {h: _json_value(v) for h, v in zip(headers, row, strict=False)}
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode()
            if progress and done % CHUNK_SIZE == 0:
                progress(done)

    def write_xlsx(self, target: IO[bytes], progress: ProgressCallback | None = None) -> int:
        """Write a write-only workbook to `target`; return the number of rows written."""
        title = slugify(force_str(self.verbose_name))[:31] or "export"
        return _write_workbook(target, title, self.headers(), self.rows(), progress)

    def write(
        self, fmt: str, target: IO[bytes], progress: ProgressCallback | None = None, dialect: str | None = None
    ) -> int:
        """Write the export in `fmt` to a binary file; return the number of rows."""
        if fmt == "xlsx":
            return self.write_xlsx(target, progress)
        if fmt == "csv":
            rows = 0
            for chunk, in_chunk in self._csv_batches(progress, dialect):
                target.write(chunk)
                rows += in_chunk
            return rows
        rows = 0
        for chunk in self.iter_jsonl(progress):
            target.write(chunk)
            rows += 1
        return rows


def _column_width(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 17
    if isinstance(value, datetime.date):
        return 11
    return min(len(str(value)), XLSX_MAX_WIDTH)


def _write_workbook(
    target: IO[bytes] | io.BytesIO,
    title: str,
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    progress: ProgressCallback | None = None,
    *,
    wrap: bool = False,
) -> int:
    """A one-sheet write-only workbook: a bold, frozen header row, column widths from the
    header and the first rows, then every row, each cell through `safe_xlsx_value`
    (typed: dates as dates in Dutch time, numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=force_str(title)[:31] or "export")
    header_values = [safe_xlsx_value(header) for header in headers]
    # Write-only: the sheet's view and columns are written before its first row.
    rows = iter(rows)
    sample = [safe_xlsx_row(row) for row in _take(rows, XLSX_WIDTH_SAMPLE)]
    sheet.freeze_panes = "A2"
    widths = [_column_width(value) for value in header_values]
    for values in sample:
        for index, value in enumerate(values[: len(widths)]):
            widths[index] = max(widths[index], _column_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width, 6) + 2
    bold = Font(bold=True)
    header_cells = []
    for value in header_values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    alignment = Alignment(wrap_text=True, vertical="top") if wrap else None

    def append(values: list[Any]) -> None:
        if alignment is None:
            sheet.append(values)
            return
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = alignment
            cells.append(cell)
        sheet.append(cells)

    done = 0
    for values in sample:
        append(values)
        done += 1
    for row in rows:
        append(safe_xlsx_row(row))
        done += 1
        if progress and done % CHUNK_SIZE == 0:
            progress(done)
    workbook.save(target)
    return done


def _take(rows: Iterator[Any], n: int) -> list[Any]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) == n:
            break
    return taken


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    value = plain_value(value)
    if isinstance(value, datetime.date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


class ListExporter(BaseExporter):
    """An exporter over rows given by someone else (a report, a computed table)."""

    def __init__(self, identifier: str, verbose_name: Any, headers: Sequence[Any], rows: Iterable[Row]) -> None:
        self.identifier = identifier
        self.verbose_name = verbose_name
        self._headers = [force_str(h) for h in headers]
        self._rows = rows

    def headers(self) -> list[str]:
        return self._headers

    def rows(self) -> Iterator[Row]:
        yield from self._rows


FieldSpec = str | tuple[str, Any]


class QuerySetExporter(BaseExporter):
    """Rows of a queryset, one column per field path (``"service__name"``), read with
    ``values_list(...).iterator(chunk_size=…)`` so memory stays constant. A field spec may
    be a path or ``(path, header)``; choices are shown by their label."""

    def __init__(
        self,
        queryset: QuerySet,
        fields: Sequence[FieldSpec] | None = None,
        identifier: str = "",
        verbose_name: Any = "",
        filters: dict[str, Any] | None = None,
    ) -> None:
        self.queryset = queryset
        self.model = queryset.model
        specs = list(fields) if fields else default_fields(self.model)
        self.paths = [spec if isinstance(spec, str) else spec[0] for spec in specs]
        self._headers = [
            force_str(spec[1]) if isinstance(spec, tuple) else header_for(self.model, spec) for spec in specs
        ]
        self._choices = [_choices_for(self.model, path) for path in self.paths]
        meta = self.model._meta
        self.identifier = identifier or f"{meta.app_label}.{meta.model_name}"
        self.verbose_name = verbose_name or meta.verbose_name_plural
        self.filters = filters or {}

    def headers(self) -> list[str]:
        return self._headers

    def rows(self) -> Iterator[Row]:
        values = self.queryset.values_list(*self.paths).iterator(chunk_size=CHUNK_SIZE)
        labelled = [(index, choices) for index, choices in enumerate(self._choices) if choices]
        if not labelled:
            yield from values  # the tuples as the database gives them
            return
        for row in values:
            cells = list(row)
            for index, choices in labelled:
                cells[index] = choices.get(cells[index], cells[index])
            yield cells

    def count(self) -> int:
        return self.queryset.count()

    def csv_query(self, spec: CsvDialect) -> tuple[QuerySet, tuple[str, list[Any]]] | None:
        query = sql_csv_lines(self.queryset, self.paths, spec, self._choices)
        return (self.queryset, query) if query else None

    def describe(self) -> dict[str, Any]:
        meta = self.model._meta
        return {"name": self.identifier, "model": f"{meta.app_label}.{meta.model_name}", "filters": self.filters}


# Fields whose value best names a related object, in order of preference.
LABEL_FIELDS = ("name", "title", "code", "username", "slug", "model")


def default_fields(model: type[models.Model]) -> list[FieldSpec]:
    """Every concrete field; a foreign key is shown by its target's name-like field."""
    specs: list[FieldSpec] = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None:
            target_names = {f.name for f in field.related_model._meta.concrete_fields}
            label = next((name for name in LABEL_FIELDS if name in target_names), "pk")
            specs.append((f"{field.name}__{label}", field.verbose_name))
        else:
            specs.append(field.name)
    return specs


def _resolve(model: type[models.Model], path: str) -> list[models.Field]:
    fields: list[models.Field] = []
    current: Any = model
    for part in path.split("__"):
        if current is None:
            break
        field = current._meta.pk if part == "pk" else current._meta.get_field(part)
        fields.append(field)
        current = field.related_model if field.is_relation else None
    return fields


def header_for(model: type[models.Model], path: str) -> str:
    """The Dutch column header of a field path: its verbose names, joined."""
    try:
        fields = _resolve(model, path)
    except Exception:  # an annotation or unknown path: show the path itself
        return path
    names = [force_str(getattr(f, "verbose_name", f.name)) for f in fields]
    return " ".join(names) if names else path


def _choices_for(model: type[models.Model], path: str) -> dict[Any, str] | None:
    try:
        fields = _resolve(model, path)
    except Exception:
        return None
    last = fields[-1] if fields else None
    if last is not None and getattr(last, "choices", None):
        return {value: force_str(label) for value, label in last.flatchoices}
    return None


# --- registry ------------------------------------------------------------------------

ExporterFactory = Callable[..., BaseExporter]
_registry: dict[str, ExporterFactory] = {}


def register_exporter(name: str) -> Callable[[ExporterFactory], ExporterFactory]:
    """Decorator: make an exporter class or factory findable by `name`."""

    def decorator(factory: ExporterFactory) -> ExporterFactory:
        _registry[name] = factory
        return factory

    return decorator


def get_exporter(name: str) -> ExporterFactory:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"Onbekende export: {name}") from None


def exporters() -> dict[str, ExporterFactory]:
    return dict(_registry)


# --- sources that can rebuild an export later (for background jobs) ---------------------

SourceResolver = Callable[[str, Any, dict[str, list[str]]], BaseExporter]
_sources: dict[str, SourceResolver] = {}


def register_source(kind: str, resolver: SourceResolver) -> None:
    """`resolver(name, user, params) -> exporter` rebuilds an export in a worker from what a
    request saw: the admin changelist or API list `name`, as `user`, with query `params`."""
    _sources[kind] = resolver


def resolve_source(kind: str, name: str, user: Any, params: dict[str, list[str]]) -> BaseExporter:
    if kind == "exporter":
        return get_exporter(name)(**{k: v[-1] for k, v in params.items()})
    try:
        return _sources[kind](name, user, params)
    except KeyError:
        raise LookupError(f"Onbekende exportbron: {kind}") from None


# An export too large for a request is handed to this; it returns the URL of the job.
AsyncHandler = Callable[..., str]
_async_handler: list[AsyncHandler] = []


class ExportTooLarge(Exception):
    """Raised when an export is too large to build in a request and nobody runs it later."""


def set_async_handler(handler: AsyncHandler) -> None:
    _async_handler[:] = [handler]


def start_async_export(
    *, user: Any, kind: str, name: str, params: dict[str, list[str]], fmt: str, total: int, description: str = ""
) -> str:
    """Queue an export to run in the background; return the URL where its progress is shown."""
    if not _async_handler:
        raise ExportTooLarge(f"Te veel rijen ({total}) voor een directe export")
    return _async_handler[0](
        user=user, kind=kind, name=name, params=params, fmt=fmt, total=total, description=description
    )


# --- HTTP responses ------------------------------------------------------------------


def export_response(
    exporter: BaseExporter, fmt: str, dialect: str | None = None
) -> StreamingHttpResponse | FileResponse:
    """Stream the export: CSV and JSON lines as they are produced, XLSX from a temporary file.
    `dialect` is the CSV's (`DIALECTS`; check it with `get_dialect` first for a 400)."""
    if fmt not in FORMATS:
        raise ValueError(f"Onbekend formaat: {fmt}")
    get_dialect(dialect)
    filename = exporter.filename(fmt)
    if fmt == "xlsx":
        # The XLSX zip can only be written whole; a spooled file keeps memory flat.
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        exporter.write_xlsx(target)
        target.seek(0)
        return FileResponse(target, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"])
    chunks = exporter.iter_csv(dialect=dialect) if fmt == "csv" else exporter.iter_jsonl()
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
