"""Attack on personal data: search and filter the fraud register by a raw DigiD account
number, export what was found, then look for that number anywhere Waarborg keeps things.

Before: the search found nothing (it compared the number with the pseudonyms) and the
access log kept `?q=731945862` for seven years. Now the number is turned into its keyed
pseudonym (the same HMAC as on import) before anything reads the query: the search finds
the removal, and no table, log line or answer holds the number as it was typed."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, datetime

import pytest
from django.db import connection

from incidents.models import FraudAccountRemoval
from incidents.pseudonyms import NO_MATCH, pseudonymise_account, pseudonymise_query
from reports.models import AccessLog, ExportJob

pytestmark = pytest.mark.django_db

RAW = "731945862"
SPACED = "731 945 862"
OTHER = "123456789"


@pytest.fixture
def removal(api_as, security_officer):  # type: ignore[no-untyped-def]
    """Registered through the API the way a user would: the number goes in, once."""
    response = api_as(security_officer).post(
        "/api/v1/fraud-account-removals/",
        {"account_number": RAW, "reason": "phishing", "removed_at": "2024-05-01T10:00:00+02:00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    FraudAccountRemoval.objects.create(
        pseudonym=pseudonymise_account(OTHER), reason="phishing", removed_at=datetime(2024, 5, 2, 10, tzinfo=UTC)
    )
    return FraudAccountRemoval.objects.get(pseudonym=pseudonymise_account(RAW))


def database_rows_holding(*needles: str) -> list[str]:
    """Every table of the database, every row, as text: which tables hold a needle."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = repr(row)
                if any(needle in text for needle in needles):
                    found.append(f"{table}: {text[:200]}")
    return found


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))  # the nl dialect


def test_searching_filtering_and_exporting_by_account_number_finds_the_removal_and_keeps_no_number(
    removal, client_as, api_as, security_officer, caplog, settings, tmp_path, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    settings.MEDIA_ROOT = tmp_path
    pseudonym = removal.pseudonym
    admin, api = client_as(security_officer), api_as(security_officer)
    answers: list[bytes] = []

    def get(client, url):  # type: ignore[no-untyped-def]
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        answers.append(content)
        return content

    # the admin: the search box and the pseudonym filter take the number
    page = get(admin, f"/admin/incidents/fraudaccountremoval/?q={RAW}")
    assert pseudonym[:16].encode() in page and pseudonymise_account(OTHER)[:16].encode() not in page
    for query in (f"q={RAW}", f"q={SPACED}", f"pseudonym={RAW}", f"pseudonym__exact={RAW}"):
        rows = csv_rows(get(admin, f"/admin/incidents/fraudaccountremoval/export/?{query}&_format=csv"))
        assert len(rows) == 2 and pseudonym in rows[1], query
    get(admin, f"/admin/incidents/fraudaccountremoval/export/?pseudonym__in={RAW},{OTHER}&_format=xlsx")

    # the API: ?search= and ?pseudonym=, as a list and as exports
    listed = json.loads(get(api, f"/api/v1/fraud-account-removals/?search={RAW}"))
    assert [r["pseudonym"] for r in listed["results"]] == [pseudonym]
    listed = json.loads(get(api, f"/api/v1/fraud-account-removals/?pseudonym={RAW}"))
    assert [r["pseudonym"] for r in listed["results"]] == [pseudonym]
    rows = csv_rows(get(api, f"/api/v1/fraud-account-removals/?search={RAW}&format=csv"))
    assert len(rows) == 2 and pseudonym in rows[1]
    get(api, f"/api/v1/fraud-account-removals/?pseudonym={RAW}&format=jsonl")

    # a large export becomes a background job that keeps its filters
    settings.EXPORT_ASYNC_THRESHOLD = 0
    with django_capture_on_commit_callbacks(execute=True):
        admin.get(f"/admin/incidents/fraudaccountremoval/export/?q={RAW}&_format=csv")
        api.get(f"/api/v1/fraud-account-removals/?pseudonym={RAW}&format=csv")
    assert ExportJob.objects.count() == 2
    assert all(job.status == "done" and job.rows_total == 1 for job in ExportJob.objects.all())

    # the access log shows what was looked up: the pseudonym
    logged = [entry.filters for entry in AccessLog.objects.filter(action="export")]
    assert any(filters.get("q") == [pseudonym] for filters in logged)
    assert any(filters.get("pseudonym") == [pseudonym] for filters in logged)
    assert any(filters.get("search") == [pseudonym] for filters in logged)

    # ...and nothing anywhere holds the number as it was typed
    assert database_rows_holding(RAW, SPACED) == []
    assert RAW not in caplog.text and SPACED not in caplog.text
    assert not [a for a in answers if RAW.encode() in a or SPACED.encode() in a]


def test_a_search_that_is_no_account_number_finds_nothing_and_is_not_kept(removal, client_as, security_officer):
    typed = f"x{RAW}"
    response = client_as(security_officer).get(f"/admin/incidents/fraudaccountremoval/export/?q={typed}&_format=csv")
    assert len(csv_rows(b"".join(response.streaming_content))) == 1  # only the header
    assert AccessLog.objects.get().filters["q"] == [NO_MATCH]
    assert database_rows_holding(RAW) == []


def test_a_pseudonym_still_finds_its_removal(removal, api_as, security_officer):
    response = api_as(security_officer).get(f"/api/v1/fraud-account-removals/?search={removal.pseudonym.upper()}")
    assert [r["id"] for r in response.json()["results"]] == [removal.pk]


def test_the_query_rewrite_touches_only_the_account_parameters(rf):
    query = rf.get("/", {"q": RAW, "reason": RAW, "pseudonym__in": f"{RAW},{OTHER}", "search": ""}).GET
    safe = pseudonymise_query(query)
    assert safe["q"] == pseudonymise_account(RAW) and safe["reason"] == RAW and safe["search"] == ""
    assert safe["pseudonym__in"] == f"{pseudonymise_account(RAW)},{pseudonymise_account(OTHER)}"


def test_exports_filtered_by_account_number_leave_the_number_in_no_table(removal, client_as, api_as, security_officer):
    """The storage half of the attack on its own: whatever the search finds, the access log
    (kept for seven years) must not learn the number."""
    client_as(security_officer).get(f"/admin/incidents/fraudaccountremoval/export/?q={RAW}&_format=csv")
    client_as(security_officer).get(f"/admin/incidents/fraudaccountremoval/export/?pseudonym={RAW}&_format=xlsx")
    api_as(security_officer).get(f"/api/v1/fraud-account-removals/?search={RAW}&format=csv")
    api_as(security_officer).get(f"/api/v1/fraud-account-removals/?pseudonym={RAW}&format=csv")
    assert AccessLog.objects.filter(action="export").count() == 4
    assert database_rows_holding(RAW) == []
