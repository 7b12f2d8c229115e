"""Tamper evidence for the change history: a SHA-256 hash chain over the history
records, in the order they were sealed.

Records are sealed by a periodic task shortly after they are written (not at write time,
so that writing history never waits on a global lock). The chain is extended under a lock,
one batch at a time; any record not yet sealed (including one committed late by a long
transaction) joins the chain at its end.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import connection, transaction

from .models import HistorySeal

GENESIS = "0" * 64
BATCH = 2000


def entry_digest(entry: LogEntry, previous_hash: str) -> str:
    """The hash of one history record chained to the hash before it."""
    content = {
        "id": entry.pk,
        "content_type": entry.content_type_id,
        "object_pk": entry.object_pk,
        "object_repr": entry.object_repr,
        "action": entry.action,
        "changes": entry.changes,
        "changes_text": entry.changes_text,
        "actor": entry.actor_id,
        "timestamp": entry.timestamp.isoformat(),
        "additional_data": entry.additional_data,
    }
    payload = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}:{payload}".encode()).hexdigest()


def _lock_chain() -> None:
    """Only one sealer extends the chain at a time (PostgreSQL: a transaction-level advisory
    lock; SQLite serialises writing transactions already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x57A4B0])


def seal_history(batch: int = BATCH) -> int:
    """Seal every history record not sealed yet; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            last = HistorySeal.objects.order_by("-sequence").first()
            sequence, previous = (last.sequence, last.hash) if last else (0, GENESIS)
            entries = list(LogEntry.objects.filter(seal__isnull=True).order_by("pk")[:batch])
            seals = []
            for entry in entries:
                sequence += 1
                digest = entry_digest(entry, previous)
                seals.append(HistorySeal(sequence=sequence, entry=entry, previous_hash=previous, hash=digest))
                previous = digest
            HistorySeal.objects.bulk_create(seals)
        sealed += len(seals)
        if len(entries) < batch:
            return sealed


@dataclass(frozen=True)
class Break:
    sequence: int
    entry_id: int | None
    reason: str


def verify_history() -> tuple[int, Break | None]:
    """Walk the chain; return (number of links checked, the first break or None)."""
    previous = GENESIS
    expected_sequence = 1
    checked = 0
    seals = HistorySeal.objects.select_related("entry").order_by("sequence")
    for seal in seals.iterator(chunk_size=BATCH):
        if seal.sequence != expected_sequence:
            return checked, Break(expected_sequence, None, "a seal is missing")
        if seal.previous_hash != previous:
            return checked, Break(seal.sequence, seal.entry_id, "the link to the previous seal is broken")
        if entry_digest(seal.entry, previous) != seal.hash:
            return checked, Break(seal.sequence, seal.entry_id, "the history record was changed after it was sealed")
        previous = seal.hash
        expected_sequence += 1
        checked += 1
    return checked, None
