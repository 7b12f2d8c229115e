import codecs
import csv
import io

import pytest
from openpyxl import load_workbook

from reports.access import log_access
from reports.models import AccessLog


def rows_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode()), delimiter=";"))  # the nl dialect


def test_format_csv_on_a_list_exports_every_filtered_row_unpaginated(api_as, auditor, many_services, services):
    many_services(60)  # more than one page of 50
    response = api_as(auditor).get("/api/v1/services/?format=csv&domain=standaarden")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:3] == ["ID", "Naam", "Code"]  # the serializer's Dutch labels
    assert len(rows) == 1 + 60
    assert {row[3] for row in rows[1:]} == {"standaarden"}


def test_format_xlsx_on_a_list_opens_in_openpyxl(api_as, auditor, services):
    response = api_as(auditor).get("/api/v1/services/?format=xlsx&domain=toegang")
    assert response.status_code == 200
    assert response.streaming  # the services list streams its exports (ExportListMixin)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Naam"
    assert sorted(r[1] for r in rows[1:]) == ["DigiD", "eHerkenning"]


def test_a_list_with_the_export_mixin_streams_with_its_filters(api_as, auditor, administrator):
    log_access(administrator, "download", name="bewijs.pdf", sha256="ab" * 32)
    log_access(administrator, "export", name="organisation.service", format="csv", rows=3)
    response = api_as(auditor).get("/api/v1/access-log/?format=csv&action=download")
    assert response.status_code == 200
    assert response.streaming
    rows = rows_of(response)
    assert rows[0][:3] == ["ID", "Tijdstip", "Gebruiker"]
    assert len(rows) == 2
    assert rows[1][5] == "bewijs.pdf"


def test_an_api_export_is_logged(api_as, auditor, services):
    api_as(auditor).get("/api/v1/services/?format=csv&domain=toegang")
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.model, entry.format, entry.row_count) == (auditor, "organisation.service", "csv", 2)
    assert entry.filters == {"domain": ["toegang"]}


def test_an_export_without_permission_is_refused_as_json(api_as, employee):
    response = api_as(employee).get("/api/v1/access-log/?format=csv")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert not AccessLog.objects.filter(action="export").exists()


def test_a_detail_in_csv_is_a_one_row_table(api_as, auditor, services):
    response = api_as(auditor).get(f"/api/v1/services/{services[0].pk}/?format=csv")
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0][1] == "name" and rows[1][1] == "DigiD"


@pytest.mark.parametrize("count", [2, 40])
def test_the_streamed_api_export_runs_a_fixed_number_of_queries(count, api_as, auditor, django_assert_num_queries):
    for n in range(count):
        log_access(auditor, "export", name=f"lijst {n}")
    client = api_as(auditor)
    # the user's own and group permissions (2), count, access log insert, the rows (one chunked query)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/access-log/?format=csv")
        b"".join(response.streaming_content)
