"""Benchmarks of compliance: the reminder sweep over open checks and the check lists."""

from __future__ import annotations

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
