import codecs
import csv
import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import AccessLog

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode()), delimiter=";"))  # the nl dialect


def test_the_export_buttons_carry_the_changelist_filters(client_as, auditor, services):
    response = client_as(auditor).get("/admin/organisation/service/?domain__exact=toegang")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/admin/organisation/service/export/?domain__exact=toegang&amp;_format=csv" in html
    assert "Exporteren (XLSX)" in html


def test_the_admin_export_honours_the_changelist_filters_and_search(client_as, auditor, services):
    url = reverse("admin:organisation_service_export")
    response = client_as(auditor).get(url, {"domain__exact": "toegang", "_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="voorzieningen-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["ID", "naam", "code"]
    assert sorted(row[1] for row in rows[1:]) == ["DigiD", "eHerkenning"]

    searched = csv_rows(client_as(auditor).get(url, {"q": "poort", "_format": "csv"}))
    assert [row[1] for row in searched[1:]] == ["Digipoort"]


def test_the_admin_export_as_xlsx_opens_with_dutch_headers(client_as, auditor, services):
    url = reverse("admin:organisation_service_export")
    response = client_as(auditor).get(url, {"_format": "xlsx", "domain__exact": "gegevensuitwisseling"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "naam", "code", "domein")
    assert rows[1][1] == "Digipoort"
    assert len(rows) == 2


def test_a_bad_filter_exports_nothing_and_says_so(client_as, auditor, services):
    response = client_as(auditor).get(reverse("admin:organisation_service_export"), {"nonsense__exact": "x"})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_every_admin_export_is_logged_with_its_filters_and_row_count(client_as, auditor, services):
    client_as(auditor).get(reverse("admin:organisation_service_export"), {"domain__exact": "toegang", "_format": "csv"})
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.model, entry.format, entry.row_count) == (
        auditor,
        "export",
        "organisation.service",
        "csv",
        2,
    )
    assert entry.filters == {"domain__exact": ["toegang"]}


def test_the_selected_rows_action_exports_only_the_selection(client_as, security_officer, services):
    response = client_as(security_officer).post(
        "/admin/organisation/service/",
        {"action": "export_selected_csv", "_selected_action": [services[2].pk]},
    )
    assert response.status_code == 200
    assert [row[1] for row in csv_rows(response)[1:]] == ["Digipoort"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_export_the_availability_list(role, request, client_as, services):
    user = request.getfixturevalue(role)
    response = client_as(user).get(reverse("admin:organisation_availability_export"))
    # everyone who may view the list in the admin may export it; others never see it
    may_view = role in {"security_officer", "auditor"}
    assert response.status_code == (200 if may_view else 302 if role == "employee" else 403)


@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_export_runs_a_fixed_number_of_queries(
    count, client_as, auditor, many_services, django_assert_num_queries
):
    many_services(count)
    client = client_as(auditor)
    url = reverse("admin:organisation_service_export")
    # session, user, the user's own and group permissions (2), the changelist's paginator
    # count and full count (2), the export's count, access log insert, the rows (one chunked query;
    # on PostgreSQL a COPY in a savepoint with the session's time zone set and put back: 5)
    with django_assert_num_queries(9 + (4 if connection.vendor == "postgresql" else 0)):
        response = client.get(url, {"_format": "csv"})
        b"".join(response.streaming_content)
