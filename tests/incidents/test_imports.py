import hashlib
import hmac
import io
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from core.models import Event
from incidents import stats
from incidents.choices import ImportKind
from incidents.imports import ImportRefused, import_fraud_removals, import_takedowns
from incidents.models import FraudAccountRemoval, ImportBatch, PhishingTakedown
from incidents.pseudonyms import pseudonymise_account

FIXTURES = Path(__file__).parent / "fixtures"
TAKEDOWNS_CSV = (FIXTURES / "takedowns.csv").read_bytes()
FRAUD_CSV = (FIXTURES / "fraud_removals.csv").read_bytes()


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_takedowns_import_from_csv_and_duplicates_in_the_file_are_skipped_and_reported(db, security_officer):
    report = import_takedowns(TAKEDOWNS_CSV, "takedowns.csv", security_officer)
    assert (report.rows, report.created) == (5, 4)
    assert [(d.row, "rij 2" in d.message) for d in report.duplicates] == [(3, True)]
    assert PhishingTakedown.objects.count() == 4
    app = PhishingTakedown.objects.get(kind="app")
    assert app.outcome == "taken_offline" and app.completed_at == app.taken_down_at
    assert PhishingTakedown.objects.filter(completed_at__isnull=False).count() == 3


def test_a_second_import_of_the_same_file_stores_nothing_twice(db, security_officer):
    import_takedowns(TAKEDOWNS_CSV, "takedowns.csv", security_officer)
    again = import_takedowns(TAKEDOWNS_CSV, "takedowns.csv", security_officer)
    assert again.created == 0
    assert len(again.duplicates) == 5
    assert all("al geregistreerd" in d.message or "dubbel met rij" in d.message for d in again.duplicates)
    assert PhishingTakedown.objects.count() == 4


def test_an_import_records_a_batch_one_history_record_for_the_file_and_one_summary_event(db, security_officer):
    report = import_takedowns(TAKEDOWNS_CSV, "takedowns.csv", security_officer)
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.rows, batch.created, batch.duplicates) == (ImportKind.TAKEDOWNS, 5, 4, 1)
    assert batch.imported_by == security_officer and batch.sha256 == hashlib.sha256(TAKEDOWNS_CSV).hexdigest()
    assert report.batch == batch
    # no history row per imported row: one for the batch, naming the file, its hash, the rows' keys
    assert not LogEntry.objects.filter(content_type__model="phishingtakedown").exists()
    entries = LogEntry.objects.filter(content_type__model="importbatch", object_pk=str(batch.pk))
    [entry] = [e for e in entries if "keys" in (e.changes_dict or {})]
    assert entry.action == LogEntry.Action.CREATE and entry.actor == security_officer
    assert entry.changes_dict["sha256"][1] == batch.sha256 and entry.changes_dict["rows"][1] == "5"
    takedowns = PhishingTakedown.objects.order_by("pk")
    assert json.loads(entry.changes_dict["object_ids"][1]) == [t.pk for t in takedowns]
    assert [key[0] for key in json.loads(entry.changes_dict["keys"][1])] == [t.normalised_url for t in takedowns]
    assert {t.import_batch_id for t in takedowns} == {batch.pk}
    # the file itself is kept as evidence, under its hash
    with default_storage.open(entry.changes_dict["evidence"][1], "rb") as kept:
        assert kept.read() == TAKEDOWNS_CSV
    event = Event.objects.get(name="import.takedowns")
    assert event.data["created"] == 4 and event.data["duplicates"] == 1 and event.data["sha256"] == batch.sha256


def test_the_history_page_of_an_imported_row_names_its_import(db, security_officer, client_as):
    import_takedowns(TAKEDOWNS_CSV, "takedowns.csv", security_officer)
    takedown = PhishingTakedown.objects.first()
    batch = ImportBatch.objects.get()
    page = client_as(security_officer).get(f"/admin/incidents/phishingtakedown/{takedown.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Aangemaakt door import takedowns.csv" in text and batch.sha256[:12] in text
    assert f"/admin/incidents/importbatch/{batch.pk}/" in text


def test_one_bad_row_refuses_the_whole_file_naming_each_bad_row_and_its_reason(db, security_officer):
    bad = TAKEDOWNS_CSV + (
        b"geen url;website;DigiD;2021-07-05 10:00;taken_offline;2021-07-05 11:00;\n"
        b"https://digid-ok.example.com/x;website;DigiD;gisteren;never_visible;;\n"
        b"https://digid-ok2.example.com/x;boot;DigiD;2021-07-05 10:00;weg;;\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_takedowns(bad, "takedowns.csv", security_officer)
    errors = {problem.row: problem.message for problem in refused.value.report.errors}
    assert sorted(errors) == [7, 8, 9]
    assert "ongeldige URL" in errors[7] and " / " not in errors[7]
    assert "ongeldige datum" in errors[8]
    assert "onbekend resultaat" in errors[9]
    assert not PhishingTakedown.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not Event.objects.exists()


def test_a_missing_column_is_reported_on_the_header_row(db):
    with pytest.raises(ImportRefused) as refused:
        import_takedowns(b"link;kind\nhttps://x.example.com;website\n", "t.csv")
    assert refused.value.report.errors[0].row == 1
    assert "Kolom ontbreekt" in refused.value.report.errors[0].message


def test_takedowns_and_fraud_removals_import_from_xlsx(db):
    takedowns = xlsx(
        [
            ["URL", "Kind", "Reported at", "Outcome", "Taken down at"],
            ["https://digid-xlsx.example.com/a", "website", "2021-08-01 10:00", "never_visible", None],
        ]
    )
    assert import_takedowns(takedowns, "t.xlsx").created == 1
    from datetime import datetime

    removals = xlsx(
        [
            ["accountnummer", "redencode", "verwijderd_op", "gedupeerde_geinformeerd"],
            [987654321, "phishing", datetime(2021, 8, 2, 9, 30), "ja"],
        ]
    )
    assert import_fraud_removals(removals, "f.xlsx").created == 1
    assert FraudAccountRemoval.objects.get().pseudonym == pseudonymise_account("987654321")


def test_an_import_row_with_an_unknown_reason_code_is_refused_and_nothing_changes(db):
    bad = FRAUD_CSV + b"456789123,999990044,X,verloren,2021-05-05,ja,nee\n"
    with pytest.raises(ImportRefused) as refused:
        import_fraud_removals(bad, "fraud.csv")
    [problem] = refused.value.report.errors
    assert problem.row == 6
    assert "onbekende redencode" in problem.message and "verloren" in problem.message
    assert not FraudAccountRemoval.objects.exists()


def test_after_an_import_no_account_number_and_no_bsn_from_the_file_is_anywhere_in_the_database(db, security_officer):
    import_fraud_removals(FRAUD_CSV, "fraud.csv", security_officer)
    assert FraudAccountRemoval.objects.count() == 4
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    everything = dump.getvalue()
    for secret in ["123456789", "234567891", "345678912", "999990019", "999990020", "999990032", "Jansen"]:
        assert secret not in everything, secret
    assert pseudonymise_account("123456789") in everything  # the dump did include the removals


def test_the_same_account_always_gives_the_same_pseudonym_so_repeat_victims_can_be_counted(db):
    import_fraud_removals(FRAUD_CSV, "fraud.csv")
    pseudonym = pseudonymise_account("123456789")
    assert FraudAccountRemoval.objects.filter(pseudonym=pseudonym).count() == 2
    assert stats.repeat_victims(2021) == 1


def test_the_import_commands_report_success_and_failure(db, tmp_path, security_officer):
    good = tmp_path / "fraud.csv"
    good.write_bytes(FRAUD_CSV)
    out = io.StringIO()
    call_command("import_fraud_removals", str(good), "--user", security_officer.username, stdout=out)
    assert "4 geïmporteerd" in out.getvalue()
    bad = tmp_path / "takedowns.csv"
    bad.write_bytes(TAKEDOWNS_CSV + b"geen url;website;DigiD;2021-07-05;never_visible;;\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Niets geïmporteerd: 1 foute regels"):
        call_command("import_takedowns", str(bad), stderr=err)
    assert "rij 7" in err.getvalue()
    assert not PhishingTakedown.objects.exists()


# --- a URL that returns after its takedown (issue: unique while open) ---------------------

RETURN_HEADER = b"url;kind;abused_brand;reported_at;outcome;taken_down_at;hosting_provider\n"


def test_a_url_that_returns_after_its_completed_takedown_is_a_new_takedown_linked_to_the_earlier(db, security_officer):
    first = RETURN_HEADER + (
        b"https://digid-terug.example.com/;website;DigiD;2018-11-05 10:00;taken_offline;2018-11-06 09:00;\n"
    )
    import_takedowns(first, "2018.csv", security_officer)
    earlier = PhishingTakedown.objects.get()
    returning = RETURN_HEADER + (
        b"http://DIGID-TERUG.example.com;website;DigiD;2019-03-01 08:00;taken_offline;2019-03-02 12:00;\n"
    )
    report = import_takedowns(returning, "2019.csv", security_officer)
    assert (report.created, report.duplicates) == (1, [])
    again = PhishingTakedown.objects.exclude(pk=earlier.pk).get()
    assert again.earlier == earlier
    assert stats.annual_figures(2018)["phishing_takedowns"] == 1
    assert stats.annual_figures(2019)["phishing_takedowns"] == 1


def test_a_return_and_its_earlier_takedown_in_one_file_are_both_stored_and_linked(db, security_officer):
    content = RETURN_HEADER + (
        b"https://digid-twee.example.com/;website;DigiD;2019-02-01 10:00;taken_offline;2019-02-01 12:00;\n"
        b"https://digid-twee.example.com/;website;DigiD;2018-12-30 10:00;never_visible;;\n"
        b"https://digid-twee.example.com/;website;DigiD;2019-02-01 11:00;taken_offline;2019-02-01 12:00;\n"
    )
    report = import_takedowns(content, "history.csv", security_officer)
    assert report.created == 2
    assert [(d.row, "rij 2" in d.message) for d in report.duplicates] == [(4, True)]
    older, newer = PhishingTakedown.objects.order_by("reported_at")
    assert newer.earlier == older and older.earlier is None
    assert stats.annual_figures(2018)["phishing_takedowns"] == 1
    assert stats.annual_figures(2019)["phishing_takedowns"] == 1


def test_an_open_takedown_of_the_same_url_still_makes_the_row_a_skipped_duplicate(db, security_officer):
    url = b"https://digid-open.example.com/"
    import_takedowns(RETURN_HEADER + url + b";website;DigiD;2019-05-01 10:00;still_online;;\n", "a.csv")
    report = import_takedowns(
        RETURN_HEADER + url + b";website;DigiD;2019-06-01 10:00;taken_offline;2019-06-02 10:00;\n",
        "b.csv",
        security_officer,
    )
    assert report.created == 0
    assert [(d.row, "already registered" in d.message) for d in report.duplicates] == [(2, True)]
    assert PhishingTakedown.objects.count() == 1


def _removals_csv(n: int) -> bytes:
    start = datetime(2021, 1, 1)
    lines = ["account_number,bsn,reason_code,removed_at,victim_informed,new_digid_requested"]
    lines += [
        f"{700000000 + i},{100000000 + i},phishing,{start + timedelta(minutes=i):%Y-%m-%d %H:%M},ja,nee"
        for i in range(n)
    ]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("rows", [10, 1500])
def test_the_queries_of_a_fraud_removal_import_do_not_grow_with_its_rows(db, settings, rows):
    settings.INCIDENTS_IMPORT_BATCH_SIZE = 2000
    import_fraud_removals(_removals_csv(3), "warm.csv")  # the content type and the like, cached
    FraudAccountRemoval.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        report = import_fraud_removals(_removals_csv(rows), "many.csv")
    assert report.created == rows and FraudAccountRemoval.objects.count() == rows
    queries = [query["sql"] for query in captured.captured_queries]
    inserts = [sql for sql in queries if sql.startswith('INSERT INTO "incidents_fraudaccountremoval"')]
    # On PostgreSQL the stored removals of the file's accounts are looked up in one query
    # (on SQLite per 500 accounts); then two savepoints and their releases, the batch and its
    # creation record, the batch's history record, the event; and the rows themselves in one
    # INSERT per batch of 2,000 (SQLite splits that by its limit on query parameters).
    lookups = 1 if connection.vendor == "postgresql" else math.ceil(rows / 500)
    assert len(queries) - len(inserts) == 8 + lookups
    if connection.vendor == "postgresql":
        assert len(inserts) == 1


def test_the_pseudonym_is_the_hmac_of_the_purpose_and_the_digits_under_the_key(settings):
    """The pre-keyed HMAC gives exactly the documented pseudonym, under whichever key is set."""
    for key in ("first-key", "second-key", "first-key"):
        settings.PSEUDONYM_KEY = key
        expected = hmac.new(key.encode(), b"digid-account:123456789", hashlib.sha256).hexdigest()
        assert pseudonymise_account("123-456-789") == expected


def test_removals_already_stored_are_skipped_and_reported_and_others_of_the_same_account_imported(db):
    import_fraud_removals(FRAUD_CSV, "fraud.csv")
    later = FRAUD_CSV + b"123456789,999990019,J. Jansen,phishing,2022-02-02 09:00,ja,nee\n"
    again = import_fraud_removals(later, "fraud-2022.csv")
    assert again.created == 1
    assert [d.row for d in again.duplicates] == [2, 3, 4, 5]
    assert all("al geregistreerd" in d.message for d in again.duplicates)
    assert FraudAccountRemoval.objects.filter(pseudonym=pseudonymise_account("123456789")).count() == 3
