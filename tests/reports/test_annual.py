import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.demo import load_all
from reports import annual
from reports.models import AccessLog

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
MAY_READ = {"security_officer", "privacy_officer", "auditor"}


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_all()


@pytest.fixture
def demo_auditor(demo):  # type: ignore[no-untyped-def]
    from organisation.demo import demo_user

    return demo_user("auditor")


def command_json(year: int) -> dict:
    out = io.StringIO()
    call_command("annual_report", "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


def test_digid_availability_2021_is_99_78_against_a_norm_of_99_50(demo):
    report = annual.annual_report(2021)
    assert {"service": "DigiD", "norm": 99.5, "achieved": 99.78, "met": True} in report["availability"]
    previous = report["previous_year"]["availability"]
    assert {"service": "DigiD", "norm": 99.5, "achieved": 99.74, "met": True} in previous


def test_a_service_without_a_norm_or_without_months_is_left_out(demo):
    services = [item["service"] for item in annual.annual_report(2021)["availability"]]
    assert services == ["DigiD"]


def test_the_report_has_exactly_the_contract_keys(demo):
    report = annual.annual_report(2021)
    assert list(report) == [*annual.CONTRACT_KEYS, "previous_year"]
    assert list(report["previous_year"]) == list(annual.CONTRACT_KEYS)


def test_the_command_writes_json_to_standard_output_with_the_previous_year(demo):
    report = command_json(2021)
    assert report["year"] == 2021 and report["previous_year"]["year"] == 2020
    assert report == json.loads(json.dumps(annual.annual_report(2021)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "json"])
def test_the_command_writes_every_format_to_a_file(fmt, demo, tmp_path):
    target = tmp_path / f"jaarverslag.{fmt}"
    call_command("annual_report", "--year", "2021", "--format", fmt, "--output", str(target))
    data = Path(target).read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        assert rows[0] == ("kenmerk", "omschrijving", "2021", "2020")
        assert ("availability", "Beschikbaarheid DigiD (norm 99.50%)", 99.78, 99.74) in rows
    elif fmt == "csv":
        # Dutch Excel by default: semicolons and decimal commas
        assert "availability;Beschikbaarheid DigiD (norm 99.50%);99,78;99,74" in data.decode("utf-8-sig")
    else:
        assert json.loads(data)["availability"][0]["achieved"] == 99.78


def test_the_command_writes_the_machine_dialect_on_request(demo, tmp_path):
    target = tmp_path / "jaarverslag.csv"
    call_command("annual_report", "--year", "2021", "--format", "csv", "--dialect", "rfc4180", "--output", str(target))
    assert "availability,Beschikbaarheid DigiD (norm 99.50%),99.78,99.74" in target.read_text("utf-8-sig")


def test_the_command_refuses_an_impossible_year(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Ongeldig jaar"):
        call_command("annual_report", "--year", "21")


def test_the_api_gives_the_same_json_as_the_command(demo, api_as, demo_auditor):
    response = api_as(demo_auditor).get("/api/v1/reports/annual/2021/")
    assert response.status_code == 200
    assert response.json() == command_json(2021)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_annual_report_in_the_api(role, request, api_as):
    response = api_as(request.getfixturevalue(role)).get("/api/v1/reports/annual/2021/")
    assert response.status_code == (200 if role in MAY_READ else 403)


def test_anonymous_users_get_no_annual_report(client, db):
    assert client.get("/api/v1/reports/annual/2021/").status_code in (401, 403)
    assert client.get("/reports/annual/2021/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_report_page(role, request, client_as):
    response = client_as(request.getfixturevalue(role)).get("/reports/annual/2021/")
    assert response.status_code == (200 if role in MAY_READ else 403)


def test_the_page_shows_each_figure_beside_last_year_and_links_to_its_records(demo, client_as, demo_auditor):
    client = client_as(demo_auditor)
    html = client.get("/reports/annual/2021/").content.decode()
    assert "99.78 %" in html or "99,78 %" in html
    assert "99,74 %" in html or "99.74 %" in html
    from organisation.models import Service

    digid = annual.availability_link(2021, Service.objects.get(slug="digid").pk)
    assert digid.replace("&", "&amp;") in html
    # the link lands on the twelve months of DigiD in 2021
    listing = client.get(digid)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 12


def test_every_download_of_the_report_is_logged(demo, client_as, demo_auditor):
    client = client_as(demo_auditor)
    response = client.get("/reports/annual/2021/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    entry = AccessLog.objects.get()
    assert (entry.action, entry.name, entry.format, entry.filters) == (
        "export",
        "reports.annual_report",
        "pdf",
        {"year": 2021},
    )


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_volume(demo):
    from django.db import connection

    from organisation.models import Availability, Service
    from tests.reports.conftest import add_months

    with CaptureQueriesContext(connection) as few:
        annual.annual_report(2021)
    for n in range(20):
        extra = Service.objects.create(
            name=f"Dienst {n}", slug=f"dienst-{n}", domain="standaarden", availability_norm="99"
        )
        add_months(extra, 2021, ["99.5"] * 12)
    assert Availability.objects.count() > 200
    with CaptureQueriesContext(connection) as many:
        annual.annual_report(2021)
    assert len(few) == len(many)
    # per year: six incident counts, six privacy queries, one for the checks, one for availability
    assert len(many) == 2 * (6 + 6 + 1 + 1)


@pytest.mark.parametrize("extra_services", [0, 15])
def test_the_report_page_runs_a_fixed_number_of_queries(
    extra_services, demo, client_as, demo_auditor, django_assert_num_queries
):
    from organisation.models import Service
    from tests.reports.conftest import add_months

    for n in range(extra_services):
        extra = Service.objects.create(
            name=f"Dienst {n}", slug=f"dienst-{n}", domain="standaarden", availability_norm="99"
        )
        add_months(extra, 2021, ["99.5"] * 12)
    client = client_as(demo_auditor)
    # session, user, the user's own and group permissions (2), the figures of 2021 and 2020
    # (2 x 13: six incident counts, six privacy queries, one for the checks), availability
    # 2021 and 2020, the services' keys for the links, the monthly counts of the charts (7)
    with django_assert_num_queries(4 + 26 + 2 + 1 + 7):
        assert client.get("/reports/annual/2021/").status_code == 200


@pytest.mark.parametrize("year", [0, 10000])
def test_an_impossible_year_has_no_report(api_as, auditor, client_as, year):
    assert api_as(auditor).get(f"/api/v1/reports/annual/{year}/").status_code == 404
    assert client_as(auditor).get(f"/reports/annual/{year}/").status_code == 404
