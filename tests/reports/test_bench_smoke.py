from django.db import connection

from core.models import Event
from reports.bench import CASE, csv_export


def test_the_export_benchmark_runs_at_a_tiny_scale_and_cleans_up(db):
    measures = csv_export(0.00002)  # 20 rows
    sizes = {m.what: m.value for m in measures if m.what.endswith("queries")}
    # one query (SQLite), or on PostgreSQL the COPY in a savepoint with the session's time zone
    # set and put back (five, inside a test's transaction); the same for 2 rows and for 20
    flat = 5 if connection.vendor == "postgresql" else 1
    assert sizes == {"stream 2 rows: queries": flat, "stream 20 rows: queries": flat}
    assert all(m.case == CASE for m in measures)
    assert not Event.objects.filter(name="bench.export").exists()


def _ratio_rows(results, case):
    from core.bench import Ratio

    return [r for r in results if isinstance(r, Ratio) and r.case == case]


def test_the_sweep_ratio_runs_on_a_few_checks_and_cleans_up(db):
    from compliance.bench import bench_sweep_ratio
    from compliance.models import ControlCheck
    from core.bench import configure
    from core.models import Reminder

    configure(rows=20, repeat=1)
    try:
        results = bench_sweep_ratio(1.0)
    finally:
        configure()
    (row,) = _ratio_rows(results, "compliance")
    assert "20 checks due" in row.what
    assert row.waarborg > 0 and row.baseline > 0
    assert row.ratio == row.waarborg / row.baseline and row.goal == 3.0
    counts = {m.what: m.value for m in results if not hasattr(m, "waarborg")}
    assert counts["sweep of 20 checks due: check reminders"] == 20
    assert counts["hand-written SQL, 20 checks: reminders sent"] == 20
    assert counts["sweep of 20 checks due: queries"] > 0
    assert not ControlCheck.objects.exists() and not Reminder.objects.exists()


def test_the_annual_report_ratio_runs_on_tiny_years_and_cleans_up(db):
    from core.bench import configure
    from incidents.models import FraudAccountRemoval, PhishingTakedown
    from reports.bench import annual_ratio

    configure(repeat=1)
    try:
        results = annual_ratio(0.00001)  # ten rows of each register per year
    finally:
        configure()
    one_year, ten_years = _ratio_rows(results, "reports")
    assert one_year.what.startswith("annual report of one year, 400 rows") and one_year.goal == 1.0
    assert ten_years.what.startswith("annual reports of all ten years, 400 rows") and ten_years.goal is None
    for row in (one_year, ten_years):
        assert row.waarborg > 0 and row.baseline > 0 and isinstance(row.ratio, float)
    assert not FraudAccountRemoval.objects.exists() and not PhishingTakedown.objects.exists()


def test_the_hand_written_group_by_counts_what_the_report_counts(db):
    from django.db import connection

    from reports.annual import annual_report
    from reports.bench import _fill_years, _group_by_sql, _remove_years

    _fill_years(range(2020, 2022), 0.00001)
    try:
        counted = {}
        with connection.cursor() as cursor:
            for key, (sql, params) in zip(
                ["incidents_handled", "calamities", "ddos_attacks", "phishing_takedowns", "misuse_investigations",
                 "fraud_account_removals"],
                _group_by_sql(range(2020, 2022)),
                strict=True,
            ):  # fmt: skip
                cursor.execute(sql, params)
                counted[key] = dict(cursor.fetchall())
        report = annual_report(2021)
        for key, per_year in counted.items():
            assert per_year.get(2021, 0) == report[key], key
            assert per_year.get(2020, 0) == report["previous_year"][key], key
        assert report["fraud_account_removals"] == 10
    finally:
        _remove_years()


def test_the_import_ratio_runs_on_its_own_and_cleans_up(transactional_db):
    # transactional: the case empties the tables with TRUNCATE, which PostgreSQL refuses
    # inside a transaction that still has deferred foreign-key checks pending.
    from core.bench import POSTGRESQL_ONLY, configure, on_postgresql
    from incidents.bench_ratios import bench_import_ratio
    from incidents.models import FraudAccountRemoval, ImportBatch

    configure(repeat=1)
    try:
        results = bench_import_ratio(0.001)  # 100 rows, without the million-row fill
    finally:
        configure()
    (row,) = _ratio_rows(results, "incidents")
    assert row.goal == 2.0
    if not on_postgresql():
        assert row.skipped == POSTGRESQL_ONLY
        return
    assert row.what == "import of 100 fraud removals (vs bare bulk_create)"
    assert row.waarborg > 0 and row.baseline > 0
    assert not FraudAccountRemoval.objects.exists() and not ImportBatch.objects.exists()
