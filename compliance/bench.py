"""Benchmarks of compliance: the reminder sweep over open checks and the check lists."""

from __future__ import annotations

from typing import Any

from core.bench import Measure, measure, register_bench


def _bench_data(checks: int) -> tuple[list[int], list[int]]:
    """`checks` open checks, all due today, spread over controls and owners (bulk)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from compliance.models import Control, ControlCheck
    from organisation.models import Department, Person

    User = get_user_model()
    department, _created = Department.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    owners = User.objects.bulk_create(
        [User(username=f"bench-{n}", email=f"bench-{n}@bench.example") for n in range(max(checks // 200, 1))]
    )
    Person.objects.bulk_create([Person(user=u, department=department, start_date="2020-01-01") for u in owners])
    per_control = 50
    controls = Control.objects.bulk_create(
        [
            Control(
                code=f"BENCH-{n}", title="Bench", owner=owners[n % len(owners)], frequency="monthly", test_method="-"
            )
            for n in range(max(checks // per_control, 1))
        ]
    )
    today = timezone.localdate()
    rows = []
    for control in controls:
        for k in range(per_control):
            end = today - timedelta(days=31 * k)
            rows.append(
                ControlCheck(
                    control=control,
                    period_start=end - timedelta(days=27),
                    period_end=end,
                    due_date=end,
                    owner_id=control.owner_id,
                )
            )
    ControlCheck.objects.bulk_create(rows[:checks], batch_size=2000)
    return [u.pk for u in owners], [c.pk for c in controls]


def _bench_cleanup(owner_ids: list[int], control_ids: list[int]) -> None:
    from django.contrib.auth import get_user_model

    from compliance.models import ControlCheck
    from core.models import Reminder

    Reminder.objects.filter(recipient__in=owner_ids).delete()
    ControlCheck.objects.filter(control__in=control_ids)._raw_delete(ControlCheck.objects.db)  # type: ignore[attr-defined]
    from compliance.models import Control
    from organisation.models import Person

    Control.objects.filter(pk__in=control_ids).delete()
    Person.objects.filter(user__in=owner_ids).delete()
    get_user_model().objects.filter(pk__in=owner_ids).delete()


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_reminder")


@register_bench("compliance.reminder_sweep")
def bench_reminder_sweep(scale: float) -> list[Measure]:
    from django.test.utils import override_settings
    from django.utils import timezone

    from core.reminders import collect, deliver

    checks = int(100_000 * scale)
    owners, controls = _bench_data(checks)
    results = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            now = timezone.now()
            with measure() as insert:
                collect(now)
            with measure() as send:
                emails = deliver(now)
            _analyze()  # the steady state: autovacuum has seen the 100,000 new reminders
            with measure() as again:
                collect(now)
                deliver(now)
        batches = max(1, -(-len(owners) // 100))
        results = [
            Measure("compliance.reminder_sweep", f"open checks ({len(owners)} owners)", checks, "rows"),
            Measure("compliance.reminder_sweep", "collect: time", insert.seconds, "s"),
            Measure("compliance.reminder_sweep", "collect: queries", insert.queries, "queries"),
            Measure("compliance.reminder_sweep", "deliver: time", send.seconds, "s"),
            Measure("compliance.reminder_sweep", "deliver: queries", send.queries, "queries"),
            Measure(
                "compliance.reminder_sweep",
                "deliver: queries per batch of 100 owners",
                send.queries / batches,
                "queries",
            ),
            Measure("compliance.reminder_sweep", "digest e-mails sent", emails, "mails"),
            Measure("compliance.reminder_sweep", "second sweep (nothing new): time", again.seconds, "s"),
            Measure("compliance.reminder_sweep", "second sweep: queries", again.queries, "queries"),
        ]
    finally:
        _bench_cleanup(owners, controls)
    return results


@register_bench("compliance.check_lists")
def bench_check_lists(scale: float) -> list[Measure]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from rest_framework.test import APIClient

    results: list[Measure] = []
    admin_user = get_user_model().objects.create_superuser("bench-admin", "bench-admin@bench.example", None)
    # The admin page links static files; measure without a collected manifest.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        for checks in (10, int(100_000 * scale)):
            owners, controls = _bench_data(checks)
            try:
                client = Client()
                client.force_login(admin_user)
                api = APIClient()
                api.force_authenticate(admin_user)
                targets = (
                    ("admin /admin/compliance/controlcheck/", client, "/admin/compliance/controlcheck/"),
                    ("API /api/v1/checks/", api, "/api/v1/checks/"),
                    ("API /api/v1/checks/?overdue=true", api, "/api/v1/checks/?overdue=true"),
                )
                for label, http, url in targets:
                    with override_settings(STORAGES=plain_static), measure() as timing:
                        http.get(url)
                    what = f"{label} {checks} rows"
                    results.append(Measure("compliance.check_lists", f"{what}: time", timing.seconds, "s"))
                    results.append(Measure("compliance.check_lists", f"{what}: queries", timing.queries, "queries"))
            finally:
                _bench_cleanup(owners, controls)
    finally:
        admin_user.delete()
    return results


# --- the sweep against the hand-written SQL doing the same recording --------------------

SWEEP_RATIO_CASE = "compliance.sweep_ratio"


def _sweep_sql(now: Any, today: Any, window: Any) -> tuple[str, list[Any], str, list[Any]]:
    """The recording by hand: one INSERT … SELECT … ON CONFLICT DO NOTHING of a reminder per
    due check (its stage computed in SQL: before, due or overdue), then one UPDATE marking
    them sent. Portable SQL; only the date → moment cast differs per database."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from compliance.models import CheckStatus, Control, ControlCheck
    from core.models import Reminder

    ops = connection.ops
    due = "CAST(c.due_date AS timestamp)" if connection.vendor == "postgresql" else "c.due_date || ' 00:00:00'"
    check_table, control_table, reminder_table = (
        ControlCheck._meta.db_table,
        Control._meta.db_table,
        Reminder._meta.db_table,
    )
    insert = (
        f"INSERT INTO {reminder_table} (recipient_id, item_type_id, item_id, stage, escalation, due, title, url, "  # noqa: S608
        "kind, source, created_at, attempts, last_error) "
        "SELECT c.owner_id, %s, c.id, "
        "CASE WHEN c.due_date < %s THEN 'overdue' WHEN c.due_date = %s THEN 'due' ELSE 'before' END, "
        f"%s, {due}, ctl.code || ' ' || ctl.title, '/checks/' || c.id || '/', 'Periodieke controles', "
        "'compliance.checks', %s, 0, '' "
        f"FROM {check_table} c JOIN {control_table} ctl ON ctl.id = c.control_id "
        "WHERE c.status IN (%s, %s) AND c.due_date <= %s AND ctl.active = %s AND c.owner_id IS NOT NULL "
        "ON CONFLICT DO NOTHING"
    )
    insert_params = [
        ContentType.objects.get_for_model(ControlCheck).pk,
        ops.adapt_datefield_value(today),
        ops.adapt_datefield_value(today),
        False,
        ops.adapt_datetimefield_value(now),
        CheckStatus.OPEN,
        CheckStatus.REJECTED,
        ops.adapt_datefield_value(window),
        True,
    ]
    update = f"UPDATE {reminder_table} SET sent_at = %s WHERE sent_at IS NULL AND source = %s"  # noqa: S608
    update_params = [ops.adapt_datetimefield_value(now), "compliance.checks"]
    return insert, insert_params, update, update_params


@register_bench(SWEEP_RATIO_CASE)
def bench_sweep_ratio(scale: float) -> list[Any]:
    """One reminder sweep (`core.reminders.sweep`, what `manage.py send_reminders` runs, with the
    locmem e-mail backend) over N due checks against the hand-written INSERT … ON CONFLICT DO
    NOTHING and UPDATE; interleaved, the reminders deleted before every run."""
    from django.core import mail
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from core.bench import Ratio, interleaved, rows_for
    from core.models import Reminder
    from core.reminders import reminder_window, sweep

    checks = rows_for(100_000, scale)
    owners, controls = _bench_data(checks)
    if connection.vendor == "postgresql":
        # The steady state: autovacuum has seen the new checks. Without statistics the
        # planner takes the just-filled tables for empty and the sources' IN (SELECT …) runs
        # for minutes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    now = timezone.now()
    insert, insert_params, update, update_params = _sweep_sql(now, timezone.localdate(now), reminder_window(now))

    def reset() -> None:
        queryset = Reminder.objects.filter(recipient__in=owners)
        queryset._raw_delete(queryset.db)  # type: ignore[attr-defined]
        mail.outbox = []

    def waarborg() -> None:
        sweep(now)

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(insert, insert_params)
            cursor.execute(update, update_params)

    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            ours, theirs = interleaved(waarborg, baseline, 3, reset=reset, warm_up=False)
            reset()
            with measure() as one:
                sweep(now)
            mine = Reminder.objects.filter(recipient__in=owners)
            recorded = mine.filter(source="compliance.checks").count()
            everything = mine.count()
            reset()
            baseline()
            by_hand = mine.filter(sent_at=now).count()
            reset()
        return [
            Ratio(
                "compliance",
                f"reminder sweep, {checks:,} checks due",
                ours,
                theirs,
                3.0,
            ),
            Measure(SWEEP_RATIO_CASE, f"sweep of {checks} checks due: queries", one.queries, "queries"),
            Measure(SWEEP_RATIO_CASE, f"sweep of {checks} checks due: check reminders", recorded, "rows"),
            Measure(SWEEP_RATIO_CASE, f"sweep of {checks} checks due: all reminders", everything, "rows"),
            Measure(SWEEP_RATIO_CASE, f"hand-written SQL, {checks} checks: reminders sent", by_hand, "rows"),
        ]
    finally:
        _bench_cleanup(owners, controls)
