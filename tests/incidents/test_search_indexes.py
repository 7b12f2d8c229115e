"""The searches of the two large registers are correct everywhere and index-backed on
PostgreSQL: the plan of the query a search runs uses an index, never a sequential scan."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import FraudAccountRemoval, PhishingTakedown
from incidents.pseudonyms import pseudonymise_account

T0 = timezone.make_aware(datetime(2021, 7, 14, 9, 0))
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def registers(db):  # type: ignore[no-untyped-def]
    for i in range(30):
        PhishingTakedown.objects.create(
            url=f"https://digid-{i}.example.com/Login",
            reported_at=T0 + timedelta(minutes=i),
            outcome="still_online",
            hosting_provider="Hoster Zuid" if i % 2 else "Hoster Noord",
        )
        FraudAccountRemoval.objects.create(
            pseudonym=pseudonymise_account(f"{100000000 + i}"), reason="phishing", removed_at=T0 + timedelta(minutes=i)
        )


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [row["id"] for row in response.json()["results"]]


def test_the_takedowns_api_searches_url_and_hosting_provider_case_insensitively(registers, security_officer, api_as):
    client = api_as(security_officer)
    assert len(_ids(client.get("/api/v1/phishing-takedowns/?search=DIGID-1"))) == 11  # 1, 10..19
    assert len(_ids(client.get("/api/v1/phishing-takedowns/?search=login"))) == 30
    assert len(_ids(client.get("/api/v1/phishing-takedowns/?search=zuid"))) == 15
    assert _ids(client.get("/api/v1/phishing-takedowns/?search=nergens")) == []


def test_the_removals_api_finds_an_account_by_its_number_only_exactly(registers, security_officer, api_as):
    client = api_as(security_officer)
    found = client.get("/api/v1/fraud-account-removals/?search=100000007").json()["results"]
    assert [row["pseudonym"] for row in found] == [pseudonymise_account("100000007")]
    assert _ids(client.get("/api/v1/fraud-account-removals/?search=10000000")) == []
    assert _ids(client.get(f"/api/v1/fraud-account-removals/?search={pseudonymise_account('100000003')}")) != []
    assert _ids(client.get("/api/v1/fraud-account-removals/?search=geen-nummer")) == []


def test_the_admin_searches_takedowns_by_url_prefix_and_removals_by_account(registers, security_officer, client_as):
    client = client_as(security_officer)
    page = client.get("/admin/incidents/phishingtakedown/", {"q": "DIGID-2"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 11  # digid-2 and digid-20 … digid-29
    # a prefix search: the middle of a URL is not a match
    assert client.get("/admin/incidents/phishingtakedown/", {"q": "example"}).context["cl"].result_count == 0
    found = client.get("/admin/incidents/fraudaccountremoval/", {"q": "100000005"}).context["cl"]
    assert [r.pseudonym for r in found.result_list] == [pseudonymise_account("100000005")]
    assert client.get("/admin/incidents/fraudaccountremoval/", {"q": "12"}).context["cl"].result_count == 0


# --- the plans, on PostgreSQL ----------------------------------------------------------


def _plans_of(client, url: str, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The EXPLAIN of every query on `table` with a WHERE that the request ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    plans = []
    with connection.cursor() as cursor:
        # The tables are tiny: without these the planner reads them whole, or walks the list's
        # ordering index and filters. Left with bitmap scans, it must find an index that
        # serves the search condition itself.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if f'FROM "{table}"' in sql and "WHERE" in sql and sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(not ON_POSTGRESQL, reason="trigram indexes exist on PostgreSQL only")
@pytest.mark.parametrize(
    ("who", "url", "table", "index"),
    [
        ("api", "/api/v1/phishing-takedowns/?search=digid-1", "incidents_phishingtakedown", "takedown_url_upper_trgm"),
        ("api", "/api/v1/phishing-takedowns/?search=zuid", "incidents_phishingtakedown", "takedown_hosting_upper_trgm"),
        ("admin", "/admin/incidents/phishingtakedown/?q=digid-1", "incidents_phishingtakedown", "takedown_url_upper"),
        ("api", "/api/v1/fraud-account-removals/?search=100000007", "incidents_fraudaccountremoval", "pseudonym"),
        ("admin", "/admin/incidents/fraudaccountremoval/?q=100000007", "incidents_fraudaccountremoval", "pseudonym"),
    ],
)
def test_every_search_of_a_large_register_uses_an_index(
    registers, security_officer, api_as, client_as, who, url, table, index
):  # type: ignore[no-untyped-def]
    client = api_as(security_officer) if who == "api" else client_as(security_officer)
    plans = _plans_of(client, url, table)
    assert plans, "the request ran no search query on the register"
    for plan in plans:  # the admin's list and its capped count alike
        assert "Seq Scan" not in plan, plan
        assert "Index" in plan and index in plan, plan
