"""The reminder engine's public interface.

Every app that has things falling due registers a *source*: a function that, given
the current time, yields `DueItem`s. The engine (the sweep) turns each item into
reminder stages, records each reminder before it is sent, and sends one digest
e-mail per person per sweep. The core never imports the apps that register here.

    from core.reminders import DueItem, register_source

    @register_source("privacy.breach_deadline")
    def breach_deadlines(now):
        for breach in DataBreach.objects.open_deadlines():
            yield DueItem(obj=breach, recipient=user, due=breach.deadline, ...)
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, models, router
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import formatting


@dataclass(frozen=True)
class Stage:
    """One reminder moment: `code` is unique per item (e.g. "before-14", "due",
    "overdue-1", "escalate", "h24"); it goes out once `at` has passed."""

    code: str
    at: datetime
    label: str = ""
    escalation: bool = False


class ItemRef(NamedTuple):
    """What the engine needs to know of an item: its model and primary key. A source that
    reads tuples (a sweep reads every check falling due) passes this instead of a model
    instance, which costs several microseconds per item to build."""

    model: type[models.Model]
    pk: Any


@dataclass(frozen=True)
class DueItem:
    obj: models.Model | ItemRef
    recipient: Any  # a User with an e-mail address
    due: date | datetime
    title: str
    url: str = ""
    kind: str = ""  # shown as the heading the item is grouped under in the digest
    # Custom stages (e.g. a breach's 24/48/66 hours); empty: the engine's default stages.
    stages: Sequence[Stage] = field(default_factory=tuple)
    # Escalate to the recipient's manager when overdue (default stages only).
    escalate: bool = True
    # When one object falls due again and again (a person's yearly workshop duty), a name for
    # this occurrence ("avg-2022-03-01"): it keeps each occurrence's stages apart, so that the
    # second year's reminders are not taken for the first year's.
    occurrence: str = ""


Source = Callable[[datetime], Iterable[DueItem]]
_sources: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    """Decorator: register a source of due items under a unique name."""

    def decorator(func: Source) -> Source:
        _sources[name] = func
        return func

    return decorator


def sources() -> dict[str, Source]:
    return dict(_sources)


# --- the engine ------------------------------------------------------------------------
#
# A sweep works like healthchecks' sendalerts:
#   1. ask every source what falls due; for each item take only the latest stage that
#      has passed (and, when overdue long enough, the escalation to the manager) and
#      insert a Reminder row for it: insert-or-ignore on the unique constraint
#      (recipient, item, stage), so a stage is recorded once, however many sweeps run;
#   2. claim the unsent rows of a batch of recipients with one conditional UPDATE
#      (only rows whose claim is empty or expired), so two sweeps never hold the same row;
#      a sweep goes through the recipients once, in order, batch after batch;
#   3. send one digest e-mail per recipient and mark its rows sent right after. A failed
#      send leaves the rows unsent with attempts + 1 and an exponential back-off; a
#      worker that dies after claiming leaves a claim that expires, and the next sweep
#      sends those rows. The one window left: a worker killed after the SMTP server has
#      accepted a digest and before its UPDATE commits; that digest goes out again once
#      the claim expires (a duplicate, never a loss). On PostgreSQL the mark's COMMIT does
#      not wait for the WAL flush (REMINDER_SYNCHRONOUS_COMMIT): visible at once, so a killed
#      worker still never resends; only a crash of the database server itself right after
#      a mark can lose it, which is the same duplicate. The claim expiry must be longer than
#      a batch takes to send (REMINDER_BATCH_RECIPIENTS × the SMTP timeout at worst).


logger = logging.getLogger(__name__)

ESCALATION_STAGE = "escalate"
INSERT_BATCH = 1000


def due_datetime(due: date | datetime) -> datetime:
    """A due date means the start of that day, local time."""
    if isinstance(due, datetime):
        return due if timezone.is_aware(due) else timezone.make_aware(due)
    return _start_of(due, timezone.get_current_timezone())


@lru_cache(maxsize=4096)
def _start_of(day: date, zone: tzinfo) -> datetime:
    """Midnight of `day` in `zone`, remembered: a sweep asks it for every item, of a few
    hundred distinct days."""
    return timezone.make_aware(datetime.combine(day, time.min), zone)


def reminder_window(now: datetime | None = None) -> date:
    """Sources need only yield items due on or before this date."""
    today = timezone.localdate(now or timezone.now())
    return today + timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=0) + 1)


def default_stages(due: date | datetime, now: datetime) -> list[Stage]:
    """Before (REMINDER_DAYS_BEFORE), on the day, overdue (REMINDER_DAYS_OVERDUE) then weekly,
    and the escalation after REMINDER_ESCALATE_AFTER_DAYS."""
    at = due_datetime(due)
    stages = [Stage(f"before-{d}", at - timedelta(days=d)) for d in sorted(settings.REMINDER_DAYS_BEFORE, reverse=True)]
    stages.append(Stage("due", at))
    overdue = sorted(settings.REMINDER_DAYS_OVERDUE)
    stages += [Stage(f"overdue-{d}", at + timedelta(days=d)) for d in overdue]
    last = overdue[-1] if overdue else 0
    days_late = (now - at).days
    if days_late >= last + 7:
        weekly = last + (days_late - last) // 7 * 7
        stages.append(Stage(f"overdue-{weekly}", at + timedelta(days=weekly)))
    stages.append(Stage(ESCALATION_STAGE, at + timedelta(days=settings.REMINDER_ESCALATE_AFTER_DAYS), escalation=True))
    return stages


def _latest(stages: Iterable[Stage], now: datetime, escalation: bool) -> Stage | None:
    passed = [s for s in stages if s.escalation == escalation and s.at <= now]
    return max(passed, key=lambda s: s.at) if passed else None


def latest_default_stages(due: date | datetime, now: datetime) -> tuple[Stage | None, Stage | None]:
    """The latest passed reminder stage and the escalation (if passed) among
    `default_stages(due, now)`, computed directly: a sweep of 100,000 items builds two
    stages per item at most instead of a list of seven."""
    before = sorted(settings.REMINDER_DAYS_BEFORE)  # ascending days: descending moments
    overdue = sorted(settings.REMINDER_DAYS_OVERDUE)
    if (before and before[0] <= 0) or (overdue and overdue[0] <= 0):
        stages = default_stages(due, now)  # a stage at the due moment itself: the general rule
        return _latest(stages, now, escalation=False), _latest(stages, now, escalation=True)
    at = due_datetime(due)
    late = now - at
    stage: Stage | None = None
    if late >= timedelta(0):
        days_late = late.days
        last = overdue[-1] if overdue else 0
        if days_late >= last + 7:
            weekly = last + (days_late - last) // 7 * 7
            stage = Stage(f"overdue-{weekly}", at + timedelta(days=weekly))
        else:
            passed = [d for d in overdue if timedelta(days=d) <= late]
            stage = Stage(f"overdue-{passed[-1]}", at + timedelta(days=passed[-1])) if passed else Stage("due", at)
    else:
        early = -late
        for days in before:  # the nearest "before" moment that has passed
            if timedelta(days=days) >= early:
                stage = Stage(f"before-{days}", at - timedelta(days=days))
                break
    escalate_at = at + timedelta(days=settings.REMINDER_ESCALATE_AFTER_DAYS)
    escalation = Stage(ESCALATION_STAGE, escalate_at, escalation=True) if escalate_at <= now else None
    return stage, escalation


ManagerLookup = Callable[[list[int]], dict[int, Any]]
_manager_lookups: list[ManagerLookup] = []


def register_manager_lookup(lookup: ManagerLookup) -> ManagerLookup:
    """The organisation tells the engine who manages whom: `lookup(user_ids)` gives
    {user id: manager user} for the users that have a manager (escalations go there)."""
    if lookup not in _manager_lookups:
        _manager_lookups.append(lookup)
    return lookup


def _managers(user_ids: set[int]) -> dict[int, Any]:
    managers: dict[int, Any] = {}
    ids = list(user_ids)
    for start in range(0, len(ids), INSERT_BATCH):
        for lookup in _manager_lookups:
            managers.update(lookup(ids[start : start + INSERT_BATCH]))
    return managers


def _rows_for(
    name: str, item: DueItem, now: datetime, defaults: dict[Any, tuple[Stage | None, Stage | None]]
) -> Iterator[tuple[Any, Stage, DueItem, str]]:
    if item.stages:
        stage = _latest(item.stages, now, escalation=False)
        escalation = _latest(item.stages, now, escalation=True)
    else:
        # The default stages depend only on the due moment (and `now`, the same for the whole
        # sweep): computed once per distinct due date, of which there are a few hundred.
        if item.due not in defaults:
            defaults[item.due] = latest_default_stages(item.due, now)
        stage, escalation = defaults[item.due]
        if not item.escalate:
            escalation = None
    if item.occurrence:
        stage = replace(stage, code=f"{item.occurrence}/{stage.code}") if stage else None
        escalation = replace(escalation, code=f"{item.occurrence}/{escalation.code}") if escalation else None
    if stage:
        yield item.recipient, stage, item, name
    if escalation:
        yield None, escalation, item, name  # None: the recipient's manager, looked up in bulk


def collect(now: datetime) -> int:
    """Step 1: record the reminders that are due now (insert-or-ignore), streaming the
    sources in chunks of INSERT_BATCH candidates. Returns the number of rows this sweep
    recorded (the database's count of rows each insert-or-ignore actually inserted)."""
    inserted = 0
    managers: dict[int, Any] = {}  # user id -> manager (or None), filled as chunks need them
    defaults: dict[Any, tuple[Stage | None, Stage | None]] = {}  # due -> its latest default stages
    for name, source in sources().items():
        chunk: list[tuple[Any, Stage, DueItem, str]] = []
        for item in source(now):
            chunk.extend(_rows_for(name, item, now, defaults))
            if len(chunk) >= INSERT_BATCH:
                inserted += _record(chunk, now, managers)
                chunk = []
        if chunk:
            inserted += _record(chunk, now, managers)
    return inserted


Key = tuple[int, int, int, str]  # recipient, item type, item, stage


def _no_flush_wait(connection: Any) -> str:
    """On PostgreSQL (unless REMINDER_SYNCHRONOUS_COMMIT), a FROM item that turns off
    synchronous_commit for the statement's own transaction (set_config(…, true) is SET
    LOCAL): its COMMIT does not wait for the WAL flush. What it writes is visible and kept
    at once, and lost only if the database server itself crashes within a few hundred
    milliseconds, never inconsistently (later commits are lost with it). For the sweep's
    writes that means a re-recording or a duplicate digest, never a loss; waiting costs a
    disk flush per chunk and per e-mail (4 ms and more on a busy disk). Inside the same
    statement, so no extra round trips; "" where it does not apply."""
    if connection.vendor != "postgresql" or settings.REMINDER_SYNCHRONOUS_COMMIT:
        return ""
    return "(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait"


# The columns _record fills; the others are NULL until the row is claimed or sent.
_RECORD_COLUMNS = (
    "recipient_id",
    "item_type_id",
    "item_id",
    "stage",
    "escalation",
    "due",
    "title",
    "url",
    "kind",
    "source",
    "created_at",
    "attempts",
    "last_error",
)


def _record(candidates: list[tuple[Any, Stage, DueItem, str]], now: datetime, managers: dict[int, Any]) -> int:
    """Insert-or-ignore the candidates' rows: a multi-row INSERT … ON CONFLICT DO NOTHING on
    the unique constraint (recipient, item, stage), so a stage recorded by an earlier (or a
    concurrent) sweep is skipped by the database, with no pre-check. The values are plain
    tuples adapted once per distinct value: Django's bulk_create prepares every field of
    every row through the model layer, which was most of a sweep's time. One statement per
    chunk: on PostgreSQL an INSERT … SELECT from the chunk as one JSON array, on SQLite
    multi-row VALUES (as many statements as its 999 parameters per statement need).
    Returns the number of rows inserted."""
    from .models import Reminder

    unknown = {item.recipient.pk for who, _s, item, _n in candidates if who is None} - managers.keys()
    if unknown:
        found = _managers(unknown)
        managers.update({user_id: found.get(user_id) for user_id in unknown})
    connection = connections[router.db_for_write(Reminder)]
    # SQLite stores moments as text (UTC); PostgreSQL gets aware datetimes (as JSON text)
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor != "postgresql" else _iso
    created_at = adapt(now)
    type_ids: dict[type, int] = {}
    due_values: dict[Any, Any] = {}
    rows: dict[Key, tuple[Any, ...]] = {}
    for who, stage, item, name in candidates:
        recipient = who or managers.get(item.recipient.pk)
        if recipient is None or not recipient.email or not recipient.is_active:
            continue
        model = item.obj.model if isinstance(item.obj, ItemRef) else type(item.obj)
        type_id = type_ids.get(model)
        if type_id is None:
            type_id = type_ids[model] = ContentType.objects.get_for_model(model).pk
        key = (recipient.pk, type_id, item.obj.pk, stage.code)
        if item.due not in due_values:
            due_values[item.due] = adapt(due_datetime(item.due))
        title = f"{item.title} ({item.recipient.get_full_name() or item.recipient})" if who is None else item.title
        rows[key] = (
            *key[:3],
            stage.code,
            stage.escalation,
            due_values[item.due],
            title[:255],
            item.url[:500],
            str(item.kind)[:80],
            name[:80],
            created_at,
            0,
            "",
        )
    if not rows:
        return 0
    # In key order: two sweeps inserting the same keys lock them in the same order (no deadlock).
    values = [rows[key] for key in sorted(rows)]
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(map(connection.ops.quote_name, _RECORD_COLUMNS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The whole chunk as one JSON parameter: psycopg would parse a statement of 13,000
            # placeholders again for every chunk, which costs more than the insert itself.
            # jsonb, parsed once per chunk (`json` is parsed again by every ->>, 13 per row).
            no_wait = _no_flush_wait(connection)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {_JSON_ROW} "  # noqa: S608 (names, not values)
                f"FROM jsonb_array_elements(%s::jsonb) AS r{', ' + no_wait if no_wait else ''} "
                "ON CONFLICT DO NOTHING",
                [json.dumps(values)],
            )
            return max(cursor.rowcount, 0)
        inserted = 0
        per_statement = max((connection.features.max_query_params or 65535) // len(_RECORD_COLUMNS), 1)
        placeholders = "(" + ", ".join(["%s"] * len(_RECORD_COLUMNS)) + ")"
        for start in range(0, len(values), per_statement):
            part = values[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names, not values)
                + ", ".join([placeholders] * len(part))
                + " ON CONFLICT DO NOTHING",
                [value for row in part for value in row],
            )
            inserted += max(cursor.rowcount, 0)
    return inserted


# PostgreSQL: each column of _RECORD_COLUMNS from the JSON array `r`, cast from text (strings
# as text, so that an over-long value fails on the column instead of being cut by the cast).
_JSON_CASTS = ("bigint", "bigint", "bigint", "text", "boolean", "timestamptz")
_JSON_CASTS += ("text", "text", "text", "text", "timestamptz", "bigint", "text")
_JSON_ROW = ", ".join(f"(r->>{n})::{cast}" for n, cast in enumerate(_JSON_CASTS))


def _iso(value: datetime) -> str:
    return value.isoformat()  # aware: the offset is in the text (PostgreSQL's JSON rows)


def _claimable(now: datetime) -> Q:
    expired = now - timedelta(seconds=settings.REMINDER_CLAIM_EXPIRY_SECONDS)
    return (
        Q(sent_at__isnull=True)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
    )


class Claimed:
    """A claimed reminder row as the send needs it: the fields the digest shows, read as
    tuples (a model instance per row, with its recipient joined, was most of the claim's
    time). Duck-typed like a Reminder: `pk`, `recipient_id`, `recipient`, `attempts`, …"""

    __slots__ = (
        "absolute_url",
        "attempts",
        "due",
        "due_text",
        "escalation",
        "kind",
        "pk",
        "recipient",
        "recipient_id",
        "title",
        "url",
    )
    FIELDS = ("pk", "recipient_id", "escalation", "kind", "due", "title", "url", "attempts")

    def __init__(self, values: tuple[Any, ...], recipient: Any) -> None:
        self.pk, self.recipient_id, self.escalation, self.kind, self.due, self.title, self.url, self.attempts = values
        self.recipient = recipient


def _claim(now: datetime, after: int | None = None) -> tuple[uuid.UUID, list[Any]] | None:
    """Step 2: claim the unsent rows of the next batch of recipients (those after recipient
    `after`: one sweep goes through the recipients once, in order, so that each batch's
    search starts where the previous one ended instead of stepping again over the index
    entries of the rows it has just sent). None: nothing is left to claim; an empty list:
    another sweep claimed this batch first.
    Four queries: the batch's recipients, the claim UPDATE, the claimed rows, their users."""
    from django.contrib.auth import get_user_model

    from .models import Reminder

    claimable = Reminder.objects.filter(_claimable(now))
    if after is not None:
        claimable = claimable.filter(recipient__gt=after)
    recipients = list(
        claimable.order_by("recipient")
        .values_list("recipient", flat=True)
        .distinct()[: settings.REMINDER_BATCH_RECIPIENTS]
    )
    token = uuid.uuid4()
    if not recipients:
        return None
    claimable.filter(recipient__in=recipients).update(claimed_at=now, claim_token=token)
    values = list(_mine(token, recipients).order_by().values_list(*Claimed.FIELDS))
    if not values:
        return token, []
    users = get_user_model().objects.in_bulk({row[1] for row in values})
    return token, [Claimed(row, users[row[1]]) for row in values]


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _deadline(due: datetime) -> str:
    """ "30 juni 2021", with " 14:00" when the moment is not midnight (local time)."""
    local = timezone.localtime(due)
    text = formatting.day(local)
    return text if local.hour == local.minute == 0 else f"{text} {local:%H:%M}"


def render_digest(recipient: Any, rows: list[Any]) -> EmailMultiAlternatives:
    """One Dutch e-mail listing every item of the recipient, grouped by kind."""
    with translation.override(settings.LANGUAGE_CODE):
        groups: dict[str, list[Any]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: (r.escalation, r.kind, r.due, r.title)):
            groups[_("Escalaties") if row.escalation else (row.kind or _("Overig"))].append(row)
        # A long list helps nobody: the first items of each kind, then how many more.
        limit = settings.REMINDER_DIGEST_MAX_ITEMS
        shown = {kind: {"rows": items[:limit], "more": max(len(items) - limit, 0)} for kind, items in groups.items()}
        for group in shown.values():
            for row in group["rows"]:
                row.absolute_url = _absolute(row.url)
                row.due_text = _deadline(row.due)  # formatted once for both templates
        context = {
            "recipient": recipient,
            "groups": shown,
            "site_url": settings.SITE_URL,
            "my_checks_url": _absolute(reverse("my-checks")),
            "count": len(rows),
        }
        subject = ngettext("Waarborg: %(count)d herinnering", "Waarborg: %(count)d herinneringen", len(rows)) % {
            "count": len(rows)
        }
        message = EmailMultiAlternatives(
            subject,
            render_to_string("core/email/digest.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
        message.attach_alternative(render_to_string("core/email/digest.html", context), "text/html")
    return message


def _send(token: uuid.UUID, rows: list[Any], now: datetime) -> tuple[list[int], dict[int, str]]:
    """Step 3: one digest per recipient, each marked sent as soon as the SMTP server has
    accepted it, so that a worker killed mid-batch leaves only unsent rows behind for the
    next sweep. Returns (recipients sent, {recipient: error})."""
    by_recipient: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_recipient[row.recipient_id].append(row)
    sent: list[int] = []
    failed: dict[int, str] = {}
    connection = get_connection()
    for recipient_id, items in by_recipient.items():
        try:
            message = render_digest(items[0].recipient, items)
            message.connection = connection
            message.send()
        except Exception as exc:  # an SMTP server down, a refused address: retry later
            logger.warning("reminder digest to user %s failed: %s", recipient_id, exc)
            failed[recipient_id] = f"{type(exc).__name__}: {exc}"[:1000]
        else:
            _mark_sent(token, items, recipient_id, now)
            sent.append(recipient_id)
    return sent, failed


def _mine(token: uuid.UUID, recipients: list[int]) -> models.QuerySet:
    """The unsent rows of these recipients that this sweep's claim holds: found through the
    partial index of unsent rows by recipient (a row is only ever read back or marked
    under its claim while unsent), so the claim token needs no index of its own."""
    from .models import Reminder

    return Reminder.objects.filter(sent_at__isnull=True, recipient__in=recipients, claim_token=token)


def _mark_sent(token: uuid.UUID, rows: list[Any], recipient_id: int, now: datetime) -> None:
    """One UPDATE per digest, right after its send: the unsent rows of this recipient under
    this claim, found through the partial index of unsent rows by recipient (before it, the
    index on the token alone read every row of the batch for each e-mail). The token in the
    condition notices a claim that expired and was taken over by another sweep.

    Why not one UPDATE per batch of recipients after all their sends: a worker killed after
    the batch's first sends and before that UPDATE would leave every digest it had already
    sent unmarked, and the next sweep would send them all again (a batch of duplicates
    instead of at most one). Marking each digest right after its send keeps the window in
    which a kill causes a duplicate to this one statement. Its cost was the COMMIT's wait
    for the disk (4 ms or more per e-mail on a busy disk); on PostgreSQL it does not wait
    (see _no_flush_wait: a killed worker still never resends)."""
    from .models import Reminder

    connection = connections[router.db_for_write(Reminder)]
    no_wait = _no_flush_wait(connection)
    if no_wait:  # the same UPDATE as below, with its FROM item
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(Reminder._meta.db_table)} SET sent_at = %s "  # noqa: S608
                f"FROM {no_wait} WHERE sent_at IS NULL AND recipient_id = %s AND claim_token = %s",
                [now, recipient_id, token],
            )
            marked = cursor.rowcount
    else:
        marked = _mine(token, [recipient_id]).update(sent_at=now)
    if not marked:
        # Only when the send took longer than REMINDER_CLAIM_EXPIRY_SECONDS and another
        # sweep took the claim over: it may send this digest a second time.
        logger.warning("reminder claim of user %s expired during the send", recipient_id)


def _back_off(attempts: int) -> timedelta:
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


def _finish(token: uuid.UUID, rows: list[Any], failed: dict[int, str], now: datetime) -> None:
    """Release the rows whose send failed, with one more attempt and a back-off."""
    for recipient_id, error in failed.items():
        attempts = 1 + max(row.attempts for row in rows if row.recipient_id == recipient_id)
        _mine(token, [recipient_id]).update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + _back_off(attempts),
            last_error=error,
            claimed_at=None,
            claim_token=None,
        )


def deliver(now: datetime) -> int:
    """Steps 2 and 3, batch after batch, until nothing is left to claim: one pass over the
    recipients in order (a row that becomes claimable behind the pass, such as a claim that
    expires meanwhile, goes out with the next sweep)."""
    emails = 0
    after: int | None = None  # the last recipient of the batches so far
    for _batch in range(100_000):  # a bound, never reached: each batch claims or ends
        claimed = _claim(now) if after is None else _claim(now, after)
        if claimed is None:
            break
        token, rows = claimed
        if not rows:
            continue  # another sweep took this batch between our two queries
        after = max(row.recipient_id for row in rows)
        sent, failed = _send(token, rows, now)
        _finish(token, rows, failed, now)
        emails += len(sent)
    return emails


def sweep(now: datetime | None = None) -> int:
    """One sweep: record what is due, then send it. Returns the number of e-mails sent.
    `manage.py send_reminders` and the beat task `core.tasks.send_reminders` call this."""
    now = now or timezone.now()
    # Reminders are Dutch, whatever language the calling thread last spoke.
    with translation.override(settings.LANGUAGE_CODE):
        collect(now)
        return deliver(now)
