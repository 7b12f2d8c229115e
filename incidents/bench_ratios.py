"""`make bench` ratios of the two large registers, each against the database alone:

- search: the API's `?search=` and the admin's `?q=` on takedowns, the removals searched
  by account number — the ORM query the list runs against the indexed SELECT by hand,
  and the whole request beside it (its fixed cost is the floor of the request's ratio);
- export: the CSV export of every takedown (API) and every removal (admin), the path a
  background job takes, against ``COPY (SELECT …) TO STDOUT``; XLSX against a bare
  write-only workbook of the same tuples;
- import: 20,000 fraud removals from CSV against a bare bulk_create of the same rows.

The tables are filled with ``generate_series`` in SQL (1,000,000 rows by default,
`--rows N`; `--huge` adds the 10,000,000-row search). PostgreSQL only: on SQLite the
cases say "alleen PostgreSQL".
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from core.bench import POSTGRESQL_ONLY, Ratio, huge, interleaved, on_postgresql, register_bench, rows_for
from core.models import Event

from .models import FraudAccountRemoval, ImportBatch, PhishingTakedown
from .pseudonyms import pseudonymise_account

START = timezone.make_aware(datetime(2021, 1, 1))
ACCOUNT = "123456789"
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TAKEDOWN_COLUMNS = (
    "id, url, normalised_url, kind, abused_brand, reported_at, outcome, taken_down_at, completed_at, "
    "earlier_id, hosting_provider, import_batch_id"
)
REMOVAL_COLUMNS = "id, pseudonym, reason, removed_at, victim_informed, new_digid_requested, import_batch_id"


class SinkFile:
    """A binary file that only counts what is written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def _empty_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE incidents_phishingtakedown, incidents_fraudaccountremoval")


def fill(n: int) -> None:
    """`n` takedowns and `n` removals, in SQL (one statement each), then ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO incidents_phishingtakedown
                (url, normalised_url, kind, abused_brand, reported_at, outcome, completed_at, hosting_provider)
            SELECT 'https://bench-' || i || '.example.com/login', 'bench-' || i || '.example.com/login',
                   'website', 'DigiD', %s::timestamptz + i * interval '30 seconds', 'never_visible',
                   %s::timestamptz + i * interval '30 seconds', 'Hoster ' || (i %% 997)
            FROM generate_series(1, %s) AS i
            """,
            [START, START, n],
        )
        cursor.execute(
            """
            INSERT INTO incidents_fraudaccountremoval
                (pseudonym, reason, removed_at, victim_informed, new_digid_requested)
            SELECT md5(i::text) || md5((-i)::text), 'phishing', %s::timestamptz + i * interval '30 seconds',
                   i %% 2 = 0, false
            FROM generate_series(1, %s) AS i
            """,
            [START, n],
        )
    FraudAccountRemoval.objects.create(pseudonym=pseudonymise_account(ACCOUNT), reason="phishing", removed_at=START)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_phishingtakedown")
        cursor.execute("ANALYZE incidents_fraudaccountremoval")


def _raw(sql: str, params: list[Any]) -> Any:
    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _request(client: Any, url: str) -> Any:
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return run


def _skipped(case: str, whats: list[str], goal: float | None) -> list[Ratio]:
    return [Ratio(case, what, goal=goal, skipped=POSTGRESQL_ONLY) for what in whats]


def _search_ratios(case: str, n: int, user: Any) -> list[Ratio]:
    api, admin = APIClient(), Client()
    api.force_authenticate(user)
    admin.force_login(user)
    term = f"bench-{n // 2}.example"
    like = f"%{term.upper()}%"
    pseudonym = pseudonymise_account(ACCOUNT)
    page = "ORDER BY reported_at DESC, id DESC LIMIT 51"
    takedowns_sql = (
        f"SELECT {TAKEDOWN_COLUMNS} FROM incidents_phishingtakedown "  # noqa: S608
        "WHERE UPPER(normalised_url::text) LIKE %s OR UPPER(hosting_provider::text) LIKE %s " + page
    )
    prefix_sql = (
        f"SELECT {TAKEDOWN_COLUMNS} FROM incidents_phishingtakedown "  # noqa: S608
        "WHERE UPPER(normalised_url::text) LIKE %s " + page
    )
    removals_sql = (
        f"SELECT {REMOVAL_COLUMNS} FROM incidents_fraudaccountremoval "  # noqa: S608
        "WHERE pseudonym = %s ORDER BY removed_at DESC, id DESC LIMIT 51"
    )

    def orm_takedowns() -> int:
        query = Q(normalised_url__icontains=term) | Q(hosting_provider__icontains=term)
        return len(PhishingTakedown.objects.filter(query).order_by("-reported_at", "-id")[:51])

    def orm_prefix() -> int:
        return len(
            PhishingTakedown.objects.filter(normalised_url__istartswith=term).order_by("-reported_at", "-id")[:51]
        )

    def orm_removals() -> int:
        return len(FraudAccountRemoval.objects.filter(pseudonym=pseudonym).order_by("-removed_at", "-id")[:51])

    cases = [
        ("API ?search= takedowns: query", orm_takedowns, _raw(takedowns_sql, [like, like]), 3.0),
        ("admin ?q= takedowns: query", orm_prefix, _raw(prefix_sql, [f"{term.upper()}%"]), 3.0),
        ("admin ?q= removals by account: query", orm_removals, _raw(removals_sql, [pseudonym]), 3.0),
        (
            "API ?search= takedowns: request",
            _request(api, f"/api/v1/phishing-takedowns/?search={term}"),
            _raw(takedowns_sql, [like, like]),
            None,
        ),
        (
            "API ?search= removals by account: request",
            _request(api, f"/api/v1/fraud-account-removals/?search={ACCOUNT}"),
            _raw(removals_sql, [pseudonym]),
            None,
        ),
        (
            "admin ?q= takedowns: request",
            _request(admin, f"/admin/incidents/phishingtakedown/?q={term}"),
            _raw(prefix_sql, [f"{term.upper()}%"]),
            None,
        ),
        (
            "admin ?q= removals: request",
            _request(admin, f"/admin/incidents/fraudaccountremoval/?q={ACCOUNT}"),
            _raw(removals_sql, [pseudonym]),
            None,
        ),
    ]
    results = []
    for what, ours, theirs, goal in cases:
        waarborg, baseline = interleaved(ours, theirs)
        results.append(Ratio(case, f"{what} at {n:,} rows", waarborg, baseline, goal))
    return results


def _copy(sql: str) -> Any:
    def run() -> int:
        size = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # type: ignore[attr-defined]
            for data in copy:
                size += len(data)
        return size

    return run


def _export_ratios(case: str, n: int, user: Any) -> list[Ratio]:
    from openpyxl import Workbook

    from core.admin_export import admin_source
    from core.api.export import api_source

    def api_exporter() -> Any:
        return api_source("incidents.api.views.PhishingTakedownViewSet", user, {})

    def admin_exporter() -> Any:
        return admin_source("incidents.fraudaccountremoval", user, {})

    def csv_of(make: Any) -> Any:
        return lambda: make().write("csv", SinkFile())

    takedowns_copy = (
        f"COPY (SELECT {TAKEDOWN_COLUMNS} FROM incidents_phishingtakedown "  # noqa: S608
        "ORDER BY reported_at DESC, id DESC) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    removals_copy = (
        "COPY (SELECT id, removed_at, pseudonym, reason, victim_informed, new_digid_requested "
        "FROM incidents_fraudaccountremoval ORDER BY removed_at DESC, id DESC) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    results = []
    # A million-row export takes seconds: three interleaved runs, the first of each warms the cache.
    repeat = 3
    waarborg, baseline = interleaved(csv_of(api_exporter), _copy(takedowns_copy), repeat, warm_up=False)
    results.append(Ratio(case, f"CSV export, API takedowns, {n:,} rows", waarborg, baseline, 3.0))
    waarborg, baseline = interleaved(csv_of(admin_exporter), _copy(removals_copy), repeat, warm_up=False)
    results.append(Ratio(case, f"CSV export, admin removals, {n:,} rows", waarborg, baseline, 3.0))

    # XLSX: our writer against a bare write-only workbook of the same tuples (at most 20,000:
    # openpyxl writes some 10,000 rows a second, whatever writes them).
    xlsx_rows = min(n, 20_000)
    exporter = api_exporter()
    exporter.queryset = exporter.queryset[:xlsx_rows]
    tuples = list(exporter.rows())
    headers = exporter.headers()

    class Given(type(exporter)):  # type: ignore[misc]
        def rows(self) -> Any:
            return iter(tuples)

    given = Given(exporter.queryset, exporter.serializer, exporter.identifier, {})

    def bare() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("export")
        sheet.append(headers)
        for row in tuples:
            sheet.append([timezone.localtime(v).replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
        workbook.save(io.BytesIO())

    waarborg, baseline = interleaved(lambda: given.write_xlsx(io.BytesIO()), bare, repeat=3, warm_up=False)
    results.append(
        Ratio(case, f"XLSX, API takedowns, {xlsx_rows:,} rows (vs bare write-only)", waarborg, baseline, 3.0)
    )
    return results


def _import_ratio(case: str, n: int) -> list[Ratio]:
    from .imports import import_fraud_removals

    lines = ["account_number,bsn,reason_code,removed_at,victim_informed,new_digid_requested"]
    for i in range(n):
        lines.append(f"{700000000 + i},{100000000 + i},phishing,{START + timedelta(minutes=i):%Y-%m-%d %H:%M},ja,nee")
    content = "\n".join(lines).encode()
    objects = [(pseudonymise_account(str(700000000 + i)), START + timedelta(minutes=i)) for i in range(n)]
    marks = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (FraudAccountRemoval, ImportBatch, LogEntry, Event)
    }

    def reset() -> None:
        for model, mark in marks.items():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [mark])  # noqa: S608

    def bare() -> None:
        FraudAccountRemoval.objects.bulk_create(
            [
                FraudAccountRemoval(
                    pseudonym=p, reason="phishing", removed_at=at, victim_informed=True, new_digid_requested=False
                )
                for p, at in objects
            ],
            batch_size=5000,
        )

    waarborg, baseline = interleaved(
        lambda: import_fraud_removals(content, "bench.csv"), bare, repeat=3, reset=reset, warm_up=False
    )
    reset()
    return [Ratio(case, f"import of {n:,} fraud removals (vs bare bulk_create)", waarborg, baseline, 2.0)]


@register_bench("incidents.ratios")
def bench_ratios(scale: float) -> list[Ratio]:
    case = "incidents"
    if not on_postgresql():
        return _skipped(
            case,
            ["search (API, admin)", "CSV export (API, admin)", "XLSX export"],
            3.0,
        )
    n = rows_for(1_000_000, scale)
    user = get_user_model().objects.create_superuser("bench-ratios", "bench@waarborg.example", None)
    results: list[Ratio] = []
    try:
        # The bench user is logged in without a second factor (the pages, not the login, are measured).
        with override_settings(STORAGES=PLAIN_STATIC, WAARBORG_REQUIRE_2FA=False, AXES_ENABLED=False):
            _empty_tables()
            fill(n)
            results += _search_ratios(case, n, user)
            results += _export_ratios(case, n, user)
            if huge():
                _empty_tables()
                fill(10_000_000)
                results += _search_ratios(case, 10_000_000, user)
    finally:
        _empty_tables()
        user.delete()
    return results


@register_bench("incidents.import_ratio")
def bench_import_ratio(scale: float) -> list[Ratio]:
    """The import on its own (`manage.py bench --only import_ratio`): into empty tables,
    without the million-row fill of the other ratios."""
    case = "incidents"
    if not on_postgresql():
        return _skipped(case, ["import of fraud removals"], 2.0)
    with override_settings(STORAGES=PLAIN_STATIC):
        _empty_tables()
        try:
            return _import_ratio(case, max(int(20_000 * scale), 100))
        finally:
            _empty_tables()
