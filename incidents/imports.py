"""Bulk import of phishing takedowns and fraud account removals from CSV or XLSX.

Every row is validated before anything is written; then all rows go in, in one
transaction, or none do. A bad row is reported by its row number in the file (the header
is row 1) and its reason, in Dutch and English. Duplicates (a takedown whose normalised
URL is already known, in the database or earlier in the file; a removal of the same
account at the same moment) are not an error: they are skipped and reported.

Fraud removals: the account number is read, turned into its keyed pseudonym and dropped;
any other column of the file (a BSN, a name) is never read, let alone stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import IO, Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from core.history import channel, record_bulk_change
from core.models import log_event
from core.moments import is_future, skew

from .choices import FraudReason, ImportKind, TakedownKind, TakedownOutcome
from .models import FraudAccountRemoval, ImportBatch, PhishingTakedown
from .models.registers import takedown_completed_at
from .normalise import normalise_url
from .pseudonyms import pseudonymise_account

# Column names (and their Dutch aliases) -> field.
TAKEDOWN_COLUMNS = {
    "url": "url",
    "kind": "kind",
    "soort": "kind",
    "abused_brand": "abused_brand",
    "brand": "abused_brand",
    "merk": "abused_brand",
    "reported_at": "reported_at",
    "gemeld_op": "reported_at",
    "outcome": "outcome",
    "resultaat": "outcome",
    "taken_down_at": "taken_down_at",
    "offline_gehaald_op": "taken_down_at",
    "hosting_provider": "hosting_provider",
    "hostingpartij": "hosting_provider",
}
TAKEDOWN_REQUIRED = ("url", "reported_at", "outcome")
FRAUD_COLUMNS = {
    "account_number": "account_number",
    "accountnummer": "account_number",
    "reason_code": "reason",
    "reason": "reason",
    "redencode": "reason",
    "reden": "reason",
    "removed_at": "removed_at",
    "verwijderd_op": "removed_at",
    "victim_informed": "victim_informed",
    "gedupeerde_geinformeerd": "victim_informed",
    "new_digid_requested": "new_digid_requested",
    "nieuwe_digid_aangevraagd": "new_digid_requested",
}
FRAUD_REQUIRED = ("account_number", "reason", "removed_at")
FRAUD_REASONS = frozenset(FraudReason.values)

OUTCOME_ALIASES = {
    **{value: value for value in TakedownOutcome.values},
    "offline": TakedownOutcome.TAKEN_OFFLINE,
    "offline gehaald": TakedownOutcome.TAKEN_OFFLINE,
    "taken offline": TakedownOutcome.TAKEN_OFFLINE,
    "nooit zichtbaar": TakedownOutcome.NEVER_VISIBLE,
    "never visible": TakedownOutcome.NEVER_VISIBLE,
    "nog online": TakedownOutcome.STILL_ONLINE,
    "still online": TakedownOutcome.STILL_ONLINE,
}
KIND_ALIASES = {
    "website": TakedownKind.WEBSITE,
    "site": TakedownKind.WEBSITE,
    "app": TakedownKind.APP,
    "": TakedownKind.WEBSITE,
}
TRUE_WORDS = {"1", "true", "ja", "j", "yes", "y", "waar"}
FALSE_WORDS = {"", "0", "false", "nee", "n", "no", "onwaar"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y")


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return f"rij {self.row}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    duplicates: list[RowProblem] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(Exception):
    """Nothing was imported: the report names each bad row."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} bad rows")
        self.report = report


# --- reading files -----------------------------------------------------------------


def read_rows(
    content: bytes, file_name: str, aliases: dict[str, str] | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, iterator of (row number, values)) of a CSV (`,` `;` or tab separated,
    UTF-8) or XLSX (first sheet) file. Blank rows are skipped. With `aliases` (the column
    names an importer reads), an XLSX row is read no further than the last such column."""
    if Path(file_name).suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(content, aliases)
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Het bestand is geen UTF-8-tekst") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = _checked(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = next(reader, [])
    rows = ((number, values) for number, values in enumerate(reader, start=2) if any(v.strip() for v in values))
    return header, rows


def _checked(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The csv module's own errors (a field beyond its size limit, a broken quote) as a
    clear refusal instead of a crash."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(f"Onleesbare CSV-regel: {error}") from None
        yield values


XLSX_INVALID = "Het bestand is geen geldig XLSX-bestand"
XLSX_DAMAGED = "Het XLSX-bestand is beschadigd of afgebroken"
# The header is read up to this column; a column further right has no name anyone reads.
XLSX_HEADER_MAX_COLUMNS = 200


def _read_xlsx(
    content: bytes, aliases: dict[str, str] | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The first sheet, read as a stream. The sheet's own `dimension` claim is ignored
    (a workbook may claim 16,384 columns and a million rows, and openpyxl would pad every
    row to that); only the header's columns up to the last one the importer reads are
    read. A damaged or truncated file is a ValidationError, also halfway through."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheets = workbook.worksheets
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(XLSX_INVALID) from None
    if not sheets:
        raise ValidationError("Het XLSX-bestand heeft geen werkblad")
    sheet = sheets[0]
    sheet.reset_dimensions()
    first = _xlsx_lines(sheet.iter_rows(min_row=1, max_row=1, max_col=XLSX_HEADER_MAX_COLUMNS, values_only=True))
    header = [str(v or "") for v in next(first, ())]
    while header and not header[-1].strip():
        header.pop()  # the padding up to XLSX_HEADER_MAX_COLUMNS
    width = len(header)
    if aliases is not None:
        known = [index for index, name in enumerate(header) if _column_key(name) in aliases]
        width = max(known) + 1 if known else 1
    lines = _xlsx_lines(sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True))
    rows = (
        (number, list(values))
        for number, values in enumerate(lines, start=2)
        if any(v not in (None, "") for v in values)
    )
    return header, rows


def _xlsx_lines(lines: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows, with its errors on a damaged file (a truncated zip member, broken
    XML) as a clear refusal instead of a crash."""
    while True:
        try:
            values = next(lines)
        except StopIteration:
            return
        except Exception:  # zipfile, zlib, XML and openpyxl's own errors
            raise ValidationError(XLSX_DAMAGED) from None
        yield values


def _column_key(name: Any) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_").replace("ë", "e")


def _columns(header: list[str], aliases: dict[str, str], required: Iterable[str]) -> dict[str, int]:
    """field -> column index; unknown columns are ignored (never read)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _column_key(name)
        if key in aliases and aliases[key] not in positions:
            positions[aliases[key]] = index
    missing = [name for name in required if name not in positions]
    if missing:
        raise ValidationError(f"Kolom ontbreekt: {', '.join(missing)}")
    return positions


# --- parsing values ----------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class FutureMoment(ValueError):
    """A moment in the import that lies in the future (beyond the allowed clock skew)."""


@dataclass(frozen=True)
class Clock:
    """What every moment of one import is read against, looked up once per import instead
    of once per cell: the time zone of naive times and the latest moment that is not in
    the future (the import's start plus the allowed clock skew)."""

    zone: tzinfo
    latest: datetime

    @classmethod
    def now(cls) -> Clock:
        return cls(zone=timezone.get_current_timezone(), latest=timezone.now() + skew())


def parse_moment(value: Any, column: str, clock: Clock | None = None) -> datetime:
    """A date or date-time (ISO 8601 or dd-mm-yyyy; naive times are Amsterdam time)."""
    if clock is not None and type(value) is str:
        # The common case of a CSV cell, with the lookups done once per import.
        moment = _parse_text_moment(value.strip())
        if moment is None:
            raise ValueError(f"ongeldige datum in {column}: ‘{value.strip()}’")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.zone)
        if moment > clock.latest:
            raise FutureMoment(f"datum in de toekomst in {column}")
        return moment
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        text = _text(value)
        moment = _parse_text_moment(text)
        if moment is None:
            raise ValueError(f"ongeldige datum in {column}: ‘{text}’")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if is_future(moment):
        raise FutureMoment(f"datum in de toekomst in {column}")
    return moment


def _parse_text_moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_bool(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"ja of nee verwacht in {column}: ‘{text}’")


def _cell(values: list[Any], positions: dict[str, int], name: str) -> Any:
    index = positions.get(name)
    return values[index] if index is not None and index < len(values) else None


# --- takedowns ---------------------------------------------------------------------


def parse_takedown(values: list[Any], positions: dict[str, int], clock: Clock | None = None) -> PhishingTakedown:
    """One row -> an unsaved takedown with its derived fields. Raises ValueError."""
    url = _text(_cell(values, positions, "url"))
    try:
        normalised = normalise_url(url)
    except ValidationError:
        raise ValueError(f"ongeldige URL ‘{url[:200]}’") from None
    outcome_text = _text(_cell(values, positions, "outcome")).lower()
    outcome = OUTCOME_ALIASES.get(outcome_text)
    if outcome is None:
        raise ValueError(f"onbekend resultaat ‘{outcome_text}’ (toegestaan: {', '.join(TakedownOutcome.values)})")
    kind = KIND_ALIASES.get(_text(_cell(values, positions, "kind")).lower())
    if kind is None:
        raise ValueError("soort moet website of app zijn")
    reported_at = parse_moment(_cell(values, positions, "reported_at"), "reported_at", clock)
    raw_taken_down = _cell(values, positions, "taken_down_at")
    taken_down_at = parse_moment(raw_taken_down, "taken_down_at", clock) if _text(raw_taken_down) else None
    if outcome == TakedownOutcome.TAKEN_OFFLINE and taken_down_at is None:
        raise ValueError("taken_down_at ontbreekt bij offline gehaald")
    if taken_down_at and taken_down_at < reported_at:
        raise ValueError("taken_down_at ligt vóór reported_at")
    return PhishingTakedown(
        url=url[:2000],
        normalised_url=normalised,
        kind=kind,
        abused_brand=(_text(_cell(values, positions, "abused_brand")) or "DigiD")[:80],
        reported_at=reported_at,
        outcome=outcome,
        taken_down_at=taken_down_at,
        completed_at=takedown_completed_at(outcome, reported_at, taken_down_at),
        hosting_provider=_text(_cell(values, positions, "hosting_provider"))[:200],
    )


def import_takedowns(content: bytes, file_name: str, actor: Any = None) -> ImportReport:
    """Validate every row, then import all of them or none. Raises ImportRefused."""
    return _import(
        content,
        file_name,
        actor,
        kind=ImportKind.TAKEDOWNS,
        columns=(TAKEDOWN_COLUMNS, TAKEDOWN_REQUIRED),
        parse=parse_takedown,
        key=lambda obj: obj.normalised_url,
        known=_known_urls,
        history=lambda obj: {"normalised_url": obj.normalised_url, "outcome": obj.outcome},
        drop=_drop_takedown_duplicates,
    )


def _known_urls(keys: list[Any]) -> set[Any]:
    found: set[Any] = set()
    for chunk in _chunks(keys, 500):
        found.update(PhishingTakedown.objects.filter(normalised_url__in=chunk).values_list("normalised_url", flat=True))
    return found


# (pk or None, reported_at, completed_at) of a takedown already known for a URL
_Known = tuple[int | None, datetime, datetime | None]


def _covers(known: _Known, obj: PhishingTakedown) -> bool:
    """Whether the known takedown is the row's own: it is still open (unique while open), or
    the row was reported while it ran (a return is reported after the takedown was done)."""
    _pk, reported_at, completed_at = known
    return completed_at is None or reported_at <= obj.reported_at <= completed_at


def _drop_takedown_duplicates(
    parsed: list[tuple[int, Any]],
    key: Callable[[Any], Any],
    known: Callable[[list[Any]], set[Any]],
    report: ImportReport,
) -> list[Any]:
    """Only an open takedown of the same normalised URL (or one whose report covers the row's
    report moment: the same takedown imported again) is a duplicate. A row reported after the
    URL's earlier takedown was completed is a new takedown, linked to the latest earlier one
    (`earlier`; for an earlier one in the same file, _link_returns does it once stored)."""
    urls = sorted({obj.normalised_url for _n, obj in parsed})
    by_url: dict[str, list[tuple[_Known, int | None]]] = {}
    for chunk in _chunks(urls, 500):
        stored = PhishingTakedown.objects.filter(normalised_url__in=chunk).values_list(
            "normalised_url", "pk", "reported_at", "completed_at"
        )
        for url, pk, reported_at, completed_at in stored:
            by_url.setdefault(url, []).append(((pk, reported_at, completed_at), None))
    fresh: list[Any] = []
    for number, obj in sorted(parsed, key=lambda item: (item[1].reported_at, item[0])):
        seen = by_url.setdefault(obj.normalised_url, [])
        covering = next((row for entry, row in seen if _covers(entry, obj)), 0)
        if covering is None:
            report.duplicates.append(RowProblem(number, "al geregistreerd, overgeslagen / already registered, skipped"))
            continue
        if covering:
            report.duplicates.append(
                RowProblem(number, f"dubbel met rij {covering}, overgeslagen / duplicate of row {covering}, skipped")
            )
            continue
        earlier = [entry for entry, _row in seen if entry[0] is not None and entry[2] and entry[2] <= obj.reported_at]
        if earlier:
            obj.earlier_id = max(earlier, key=lambda entry: (entry[2], entry[0]))[0]
        seen.append(((None, obj.reported_at, obj.completed_at), number))
        fresh.append(obj)
    report.duplicates.sort(key=lambda problem: problem.row)
    return fresh


def _link_returns(report: ImportReport, fresh: list[Any]) -> None:
    """A returning URL whose earlier takedown came in with the same file: link it now that both
    are stored."""
    counts: dict[str, int] = {}
    for obj in fresh:
        counts[obj.normalised_url] = counts.get(obj.normalised_url, 0) + 1
    repeated = [url for url, n in counts.items() if n > 1]
    if not repeated or report.batch is None:
        return
    for chunk in _chunks(repeated, 500):
        unlinked = PhishingTakedown.objects.filter(
            import_batch=report.batch, normalised_url__in=chunk, earlier__isnull=True
        )
        for takedown in unlinked:
            earlier = takedown.find_earlier()
            if earlier is not None:
                PhishingTakedown.objects.filter(pk=takedown.pk).update(earlier=earlier)


# --- fraud removals ----------------------------------------------------------------


def parse_fraud_removal(
    values: list[Any], positions: dict[str, int], clock: Clock | None = None
) -> FraudAccountRemoval:
    """One row -> an unsaved removal. The account number is pseudonymised here and goes no further."""
    try:
        pseudonym = pseudonymise_account(_text(_cell(values, positions, "account_number")))
    except ValueError:
        raise ValueError("ongeldig accountnummer (6 tot 12 cijfers)") from None
    reason = _text(_cell(values, positions, "reason")).lower()
    if reason not in FRAUD_REASONS:
        raise ValueError(f"onbekende redencode ‘{reason}’ (toegestaan: {', '.join(FraudReason.values)})")
    return FraudAccountRemoval(
        pseudonym=pseudonym,
        reason=reason,
        removed_at=parse_moment(_cell(values, positions, "removed_at"), "removed_at", clock),
        victim_informed=parse_bool(_cell(values, positions, "victim_informed"), "victim_informed"),
        new_digid_requested=parse_bool(_cell(values, positions, "new_digid_requested"), "new_digid_requested"),
    )


def import_fraud_removals(content: bytes, file_name: str, actor: Any = None) -> ImportReport:
    """Validate every row, then import all of them or none. Raises ImportRefused."""
    return _import(
        content,
        file_name,
        actor,
        kind=ImportKind.FRAUD_REMOVALS,
        columns=(FRAUD_COLUMNS, FRAUD_REQUIRED),
        parse=parse_fraud_removal,
        key=lambda obj: (obj.pseudonym, obj.removed_at),
        known=_known_removals,
        history=lambda obj: {
            "pseudonym": obj.pseudonym,
            "reason": obj.reason,
            "removed_at": obj.removed_at.isoformat(),
        },
    )


def _known_removals(keys: list[Any]) -> set[Any]:
    """(pseudonym, removed_at) of the stored removals of the file's accounts: on PostgreSQL
    in one query (`= ANY(array)`, served by the pseudonym index) whatever the file's size."""
    pseudonyms = sorted({pseudonym for pseudonym, _at in keys})
    if connection.vendor == "postgresql":
        if not pseudonyms:
            return set()
        # One text parameter rather than an array of 20,000 quoted strings (a pseudonym is
        # hexadecimal, never a comma); the planner folds the split and uses the index.
        table = FraudAccountRemoval._meta.db_table
        sql = f"SELECT pseudonym, removed_at FROM {table} WHERE pseudonym = ANY(string_to_array(%s, ','))"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [",".join(pseudonyms)])
            return set(cursor.fetchall())
    found: set[Any] = set()
    for chunk in _chunks(pseudonyms, 500):
        found.update(FraudAccountRemoval.objects.filter(pseudonym__in=chunk).values_list("pseudonym", "removed_at"))
    return found


# --- the shared importer -----------------------------------------------------------


def _import(
    content: bytes,
    file_name: str,
    actor: Any,
    *,
    kind: str,
    columns: tuple[dict[str, str], tuple[str, ...]],
    parse: Callable[[list[Any], dict[str, int], Clock], models.Model],
    key: Callable[[Any], Any],
    known: Callable[[list[Any]], set[Any]],
    history: Callable[[Any], dict[str, Any]],
    drop: Callable[..., list[Any]] | None = None,
) -> ImportReport:
    report = ImportReport(kind=kind)
    try:
        header, rows = read_rows(content, file_name, columns[0])
        positions = _columns(header, *columns)
    except ValidationError as error:
        report.errors.append(RowProblem(1, " ".join(error.messages)))
        raise ImportRefused(report) from None
    try:
        parsed = _parse_all(rows, positions, parse, report)
    except ValidationError as error:  # a line the reader itself could not read
        report.errors.append(RowProblem(report.rows + 2, " ".join(error.messages)))
        raise ImportRefused(report) from None
    if report.errors:
        raise ImportRefused(report)
    fresh = (drop or _drop_duplicates)(parsed, key, known, report)
    with transaction.atomic():
        _store(fresh, file_name, content, actor, history, report)
        if kind == ImportKind.TAKEDOWNS:
            _link_returns(report, fresh)
    return report


def _parse_all(
    rows: Iterable[tuple[int, list[Any]]],
    positions: dict[str, int],
    parse: Callable[[list[Any], dict[str, int], Clock], models.Model],
    report: ImportReport,
) -> list[tuple[int, Any]]:
    parsed: list[tuple[int, Any]] = []
    clock = Clock.now()
    for number, values in rows:
        report.rows += 1
        try:
            parsed.append((number, parse(values, positions, clock)))
        except ValueError as error:
            report.errors.append(RowProblem(number, str(error)))
    return parsed


def _drop_duplicates(
    parsed: list[tuple[int, Any]],
    key: Callable[[Any], Any],
    known: Callable[[list[Any]], set[Any]],
    report: ImportReport,
) -> list[Any]:
    keys = [key(obj) for _n, obj in parsed]
    in_database = known(keys)
    first_row: dict[Any, int] = {}
    fresh: list[Any] = []
    for (number, obj), k in zip(parsed, keys, strict=True):
        if k in in_database:
            report.duplicates.append(RowProblem(number, "al geregistreerd, overgeslagen"))
        elif k in first_row:
            report.duplicates.append(RowProblem(number, f"dubbel met rij {first_row[k]}, overgeslagen"))
        else:
            first_row[k] = number
            fresh.append(obj)
    return fresh


def _store(
    objects: list[Any],
    file_name: str,
    content: bytes,
    actor: Any,
    history: Callable[[Any], dict[str, Any]],
    report: ImportReport,
) -> None:
    """One transaction: the batch record, the rows in batches (bulk_create), and the
    history of the whole batch at once: the file itself kept as evidence (private storage,
    under its SHA-256), one history record on the batch naming the file's SHA-256, the row
    count, the rows' keys and primary keys, and one summary event. Each imported row
    points to its batch (`import_batch`), so its history page can say which file created it
    (see `ImportAdminMixin.history_view`); there is no history row per imported row."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    batch_size = settings.INCIDENTS_IMPORT_BATCH_SIZE
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=report.kind,
            file_name=Path(file_name).name[:255],
            sha256=sha256,
            imported_by=user,
            rows=report.rows,
            created=len(objects),
            duplicates=len(report.duplicates),
        )
        keys: list[Any] = []
        pks: list[Any] = []
        for chunk in _chunks(objects, batch_size):
            model = type(chunk[0])
            for obj in chunk:
                obj.import_batch_id = batch.pk
            created = model.objects.bulk_create(chunk)
            pks += [obj.pk for obj in created]
            keys += [[str(value) for value in history(obj).values()] for obj in created]
        evidence = _keep_file(content, sha256, batch.file_name)
        record_bulk_change(
            ImportBatch,
            {
                batch.pk: {
                    "file": [None, batch.file_name],
                    "sha256": [None, sha256],
                    "evidence": [None, evidence],
                    "rows": [None, report.rows],
                    "created": [None, len(objects)],
                    "object_ids": [None, _json(pks)],
                    "key_fields": [None, _json(list(history(objects[0]).keys()) if objects else [])],
                    "keys": [None, _json(keys)],
                }
            },
            action=LogEntry.Action.CREATE,
            actor=user,
        )
        log_event(
            batch,
            f"import.{report.kind}",
            actor=user,
            file=batch.file_name,
            sha256=sha256,
            evidence=evidence,
            rows=report.rows,
            created=len(objects),
            duplicates=len(report.duplicates),
        )
    report.created = len(objects)
    report.batch = batch


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _keep_file(content: bytes, sha256: str, file_name: str) -> str:
    """The imported file, kept as evidence in the private (default) storage under its hash;
    the same file imported twice is kept once. Returns its storage name."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = f"imports/{sha256}/{Path(file_name).name or 'import'}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


IMPORTERS: dict[str, Callable[[bytes, str, Any], ImportReport]] = {
    ImportKind.TAKEDOWNS: import_takedowns,
    ImportKind.FRAUD_REMOVALS: import_fraud_removals,
}


def import_file(kind: str, handle: IO[bytes], file_name: str, actor: Any = None) -> ImportReport:
    content = handle.read()
    if len(content) > settings.INCIDENTS_IMPORT_MAX_BYTES:
        report = ImportReport(kind=kind)
        report.errors.append(RowProblem(0, "bestand is te groot"))
        raise ImportRefused(report)
    with channel("import"):
        return IMPORTERS[kind](content, file_name, actor)
