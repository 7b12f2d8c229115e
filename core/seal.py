"""Tamper evidence for the change history: a keyed hash chain over the history records, in
the order they were sealed, anchored outside the database.

Each seal is an HMAC-SHA256, under `settings.HISTORY_KEY` (never stored in the database), of
every column of its history record, every column of the seal itself (including when it was
sealed) and the hash of the seal before it. Whoever holds only the database can therefore not
recompute the chain after changing a record; and since every seal run writes the head of the
chain to anchors outside the database (core/anchors.py), not even the holder of the key
can cut off or rewrite the chain before the newest anchor unnoticed.

Records are sealed by a periodic task shortly after they are written (not at write time,
so that writing history never waits on a global lock). The chain is extended under a lock,
one batch at a time; any record not yet sealed (including one committed late by a long
transaction) joins the chain at its end. `audit_history` also reports records left unsealed
longer than `HISTORY_SEAL_DELAY_MINUTES` and records whose time or id is out of order (a
record inserted later and back-dated).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .anchors import Anchor, Head, anchor_head, read_anchors
from .models import HistorySeal

GENESIS = "0" * 64
BATCH = 2000
SCHEME = 2  # 1 was an unkeyed SHA-256 over some of the columns


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_content(entry: LogEntry) -> dict[str, Any]:
    """Every column of a history record, by column name. NULL columns are left out, so that a
    column added by a later django-auditlog (NULL in old records) leaves old seals valid;
    a value written into a NULL column, or a value set to NULL, still changes the content."""
    content = {}
    for model_field in LogEntry._meta.concrete_fields:
        value = getattr(entry, model_field.attname)
        if value is not None:
            content[model_field.column] = _canonical(value)
    return content


def seal_digest(seal: HistorySeal, entry: LogEntry, key: str | None = None) -> str:
    """The HMAC of one link: every column of the seal (but its hash) and of its record."""
    payload = {
        "scheme": SCHEME,
        "seal": {
            "id": seal.pk,
            "sequence": seal.sequence,
            "entry_id": seal.entry_id,
            "previous_hash": seal.previous_hash,
            "sealed_at": _canonical(seal.sealed_at),
        },
        "entry": entry_content(entry),
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    secret = (settings.HISTORY_KEY if key is None else key).encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    """Only one sealer extends the chain at a time (PostgreSQL: a transaction-level advisory
    lock; SQLite serialises writing transactions already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x57A4B0])


def chain_head() -> Head | None:
    last = HistorySeal.objects.order_by("-sequence").first()
    return Head(last.sequence, last.hash, last.sealed_at) if last else None


def seal_history(batch: int = BATCH, anchor: bool = True) -> int:
    """Seal every history record not sealed yet, then write the head of the chain to the
    anchors; returns how many records were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            last = HistorySeal.objects.order_by("-sequence").first()
            sequence, previous = (last.sequence, last.hash) if last else (0, GENESIS)
            entries = list(LogEntry.objects.filter(seal__isnull=True).order_by("pk")[:batch])
            now = timezone.now()
            seals = []
            for entry in entries:
                sequence += 1
                # the seal's id is its sequence number, so that every column of it is hashed
                seal = HistorySeal(id=sequence, sequence=sequence, entry=entry, previous_hash=previous, sealed_at=now)
                seal.hash = seal_digest(seal, entry)
                seals.append(seal)
                previous = seal.hash
            HistorySeal.objects.bulk_create(seals)
        sealed += len(seals)
        if len(entries) < batch:
            break
    if anchor:
        anchor_head(chain_head())
    return sealed


@dataclass(frozen=True)
class Break:
    sequence: int
    entry_id: int | None
    reason: str


@dataclass
class Report:
    """What `audit_history` found: links checked, the first break of the chain, and every
    other finding (anchors, unsealed and out-of-order records), each a sentence."""

    checked: int = 0
    broken: Break | None = None
    findings: list[str] = field(default_factory=list)
    anchors_compared: int = 0

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.findings


def _ids(ids: list[int], total: int) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (f" and {total - 10} more" if total > 10 else "")


def audit_history(extra_anchors: Iterable[Anchor] = ()) -> Report:
    """Walk the chain and compare it with the anchors; see the module docstring."""
    report = Report()
    delay = timedelta(minutes=settings.HISTORY_SEAL_DELAY_MINUTES)
    now = timezone.now()
    stored, problems, anchored_somewhere = read_anchors()
    report.findings.extend(problems)
    # per sequence number: each hash anchored for it (and one place it was read), and the
    # latest time an anchor recorded it as the head; repeated anchors of a quiet chain collapse
    anchors: dict[int, dict[str, str]] = {}
    anchored_at: dict[int, datetime] = {}
    for anchor in [*stored, *extra_anchors]:
        anchors.setdefault(anchor.sequence, {}).setdefault(anchor.hash, anchor.source)
        if anchor.anchored_at:
            anchored_at[anchor.sequence] = max(anchored_at.get(anchor.sequence, anchor.anchored_at), anchor.anchored_at)
    latest_anchor = max(anchors, default=0)
    # walking the chain: the latest time an anchor recorded a head before the current seal
    times = sorted(anchored_at.items())
    next_time, anchored_before = 0, None

    previous, expected, head = GENESIS, 1, 0
    newest_time: datetime | None = None
    highest_id = 0
    seen_anchored: set[int] = set()
    out_of_order: list[int] = []
    back_dated: list[int] = []
    rewritten: dict[int, str] = {}
    first_unanchored: HistorySeal | None = None
    seals = HistorySeal.objects.select_related("entry").order_by("sequence")
    for seal in seals.iterator(chunk_size=BATCH):
        entry = seal.entry
        if report.broken is None:
            if seal.sequence != expected:
                report.broken = Break(expected, None, "a seal is missing")
            elif seal.previous_hash != previous:
                report.broken = Break(seal.sequence, seal.entry_id, "the link to the previous seal is broken")
            elif seal_digest(seal, entry) != seal.hash:
                report.broken = Break(
                    seal.sequence, seal.entry_id, "the history record or its seal was changed after it was sealed"
                )
            else:
                report.checked += 1
        previous, expected, head = seal.hash, seal.sequence + 1, seal.sequence

        for anchored_hash, source in anchors.get(seal.sequence, {}).items():
            seen_anchored.add(seal.sequence)
            report.anchors_compared += 1
            if anchored_hash != seal.hash:
                rewritten.setdefault(seal.sequence, source)
        while next_time < len(times) and times[next_time][0] < seal.sequence:
            moment = times[next_time][1]
            anchored_before = moment if anchored_before is None else max(anchored_before, moment)
            next_time += 1
        if anchored_before is not None and entry.timestamp < anchored_before - delay:
            back_dated.append(entry.pk)
        if seal.sequence > latest_anchor and first_unanchored is None:
            first_unanchored = seal

        # A record sealed in its turn is at most a few minutes older than the newest record
        # sealed before it, and was not sealed long after it was written unless it also came
        # in id order; a record dated after its own seal was dated by hand.
        late = seal.sealed_at - entry.timestamp > delay
        if (
            (newest_time is not None and entry.timestamp < newest_time - delay)
            or (entry.pk < highest_id and late)
            or entry.timestamp > seal.sealed_at + delay
        ):
            out_of_order.append(entry.pk)
        newest_time = entry.timestamp if newest_time is None else max(newest_time, entry.timestamp)
        highest_id = max(highest_id, entry.pk)

    if out_of_order:
        report.findings.append(
            f"History records out of time or id order (inserted later, back- or forward-dated): "
            f"{_ids(out_of_order, len(out_of_order))}."
        )
    if back_dated:
        report.findings.append(
            f"History records dated before an anchor whose head did not include them (inserted later, "
            f"back-dated): {_ids(back_dated, len(back_dated))}."
        )
    if rewritten:
        first = min(rewritten)
        report.findings.append(
            f"Seal(s) {_ids(sorted(rewritten), len(rewritten))} differ from their anchors (first: {rewritten[first]}): "
            f"the chain was rewritten."
        )
    unseen = sorted(set(anchors) - seen_anchored)
    beyond = [sequence for sequence in unseen if sequence > head]
    if beyond:
        sources = ", ".join(anchors[beyond[-1]].values())
        report.findings.append(
            f"The chain ends at seal {head}, but an anchor ({sources}) records seal {beyond[-1]}: "
            f"the newest history was removed (truncated tail)."
        )
    within = [sequence for sequence in unseen if sequence <= head]
    if within:
        report.findings.append(f"Seal(s) recorded by an anchor are missing: {_ids(within, len(within))}.")
    if anchored_somewhere and first_unanchored is not None and first_unanchored.sealed_at < now - delay:
        report.findings.append(
            f"Seals {first_unanchored.sequence} to {head} are not anchored outside the database "
            f"(the newest anchor records seal {latest_anchor})."
        )
    unsealed = LogEntry.objects.filter(seal__isnull=True, timestamp__lt=now - delay).order_by("pk")
    count = unsealed.count()
    if count:
        report.findings.append(
            f"{count} history record(s) older than {settings.HISTORY_SEAL_DELAY_MINUTES} minutes are not sealed: "
            f"{_ids(list(unsealed.values_list('pk', flat=True)[:10]), count)}."
        )
    return report


def verify_history() -> tuple[int, Break | None]:
    """Walk the chain; return (number of links checked, the first break or None)."""
    report = audit_history()
    return report.checked, report.broken
