"""The 2021 report of the demo data: the seed's figures, and every figure's link lands on
exactly the records it counts."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import stats as incident_stats
from incidents.choices import ExerciseKind
from incidents.models import Exercise
from organisation.demo import demo_user
from reports import annual, charts


@pytest.fixture
def demo_auditor(demo_2021):  # type: ignore[no-untyped-def]
    return demo_user("auditor")


def command_json(year: int) -> dict:
    out = io.StringIO()
    call_command("annual_report", "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


def test_every_figure_of_2021_and_2020_links_to_a_list_of_exactly_the_records_it_counts(client_as, demo_auditor):
    client = client_as(demo_auditor)
    report = annual.annual_report(2021)
    for year, figures in ((2021, report), (2020, report["previous_year"])):
        for key in annual.FIGURE_KEYS:
            url = annual.figure_link(key, year, demo_auditor)
            assert url, key
            response = client.get(url)
            assert response.status_code == 200, (key, url)
            assert response.context["cl"].result_count == figures[key], (key, year)


def test_the_report_page_links_each_figure_to_its_list(client_as, demo_auditor):
    html = client_as(demo_auditor).get("/reports/annual/2021/").content.decode()
    for key in annual.FIGURE_KEYS:
        assert annual.figure_link(key, 2021).replace("&", "&amp;") in html, key
    assert '<a href="/admin/incidents/calamity/?calamities=2021">21</a>' in html


def test_a_user_sees_no_link_to_a_list_they_may_not_open(client_as, demo_2021):
    privacy_officer = demo_user("privacy")
    html = client_as(privacy_officer).get("/reports/annual/2021/").content.decode()
    assert "/admin/incidents/calamity/" not in html
    assert "/admin/privacy/dpia/?dpias=2021" in html


def test_the_2021_report_reproduces_the_seed(demo_2021):
    report = annual.annual_report(2021)
    assert report["incidents_handled"] == 236
    assert report["calamities"] == 21
    assert report["phishing_takedowns"] > 4000
    assert 590 <= report["misuse_investigations"] <= 599
    assert report["fraud_account_removals"] == 15069
    assert report["processing_registrations"] == 33
    assert report["self_assessments"] == 11
    assert report["dpias"] == 5
    assert {"service": "DigiD", "norm": 99.5, "achieved": 99.78, "met": True} in report["availability"]
    # 2020 beside it, smaller
    assert 0 < report["previous_year"]["incidents_handled"] < 236


def test_the_ddos_attacks_of_2021_peak_in_july_and_august(demo_2021):
    incidents_chart, ddos_chart, takedowns_chart = annual.monthly_charts(2021)
    attacks = ddos_chart.series[0][1]
    assert len(attacks) == 12 and sum(attacks) == annual.annual_report(2021)["ddos_attacks"]
    two_highest = sorted(range(12), key=lambda month: attacks[month], reverse=True)[:2]
    assert sorted(two_highest) == [6, 7]  # July and August
    assert min(attacks[6], attacks[7]) > max(attacks[m] for m in range(12) if m not in (6, 7))
    assert sum(takedowns_chart.series[0][1]) == annual.annual_report(2021)["phishing_takedowns"]
    assert sum(incidents_chart.series[1][1]) == 21


def test_the_2021_exercises_are_an_announced_anti_ddos_test_in_a_maintenance_window_and_isidoor(demo_2021):
    anti_ddos = Exercise.objects.get(kind=ExerciseKind.ANTI_DDOS, held_on__year=2021)
    assert anti_ddos.in_maintenance_window and anti_ddos.announced_in_advance
    isidoor = Exercise.objects.get(kind=ExerciseKind.ISIDOOR, held_on__year=2021)
    assert anti_ddos.lessons.exists() and isidoor.lessons.exists()


def _page_figures(html: str) -> dict[str, int]:
    found = {}
    for key, cell in re.findall(
        r'<tr id="figure-([a-z_]+)">\s*<th scope="row">[^<]*</th>\s*<td class="num">(.*?)</td>', html
    ):
        found[key] = int(re.sub(r"<[^>]+>|[.\s]", "", cell))
    return found


def test_the_command_the_api_and_the_page_show_the_same_numbers(demo_2021, api_as, client_as, demo_auditor):
    from_command = command_json(2021)
    from_api = api_as(demo_auditor).get("/api/v1/reports/annual/2021/").json()
    assert from_api == from_command
    page = _page_figures(client_as(demo_auditor).get("/reports/annual/2021/").content.decode())
    assert page == {key: from_command[key] for key in annual.FIGURE_KEYS}
    assert page["calamities"] == 21 and page["fraud_account_removals"] == 15069


def test_the_report_runs_the_same_queries_for_the_demo_and_for_more_rows(demo_2021):
    from django.db import connection

    from incidents.models import Calamity, FraudAccountRemoval, Incident

    with CaptureQueriesContext(connection) as few:
        first = annual.annual_report(2021)
    # more of the year's records: removals copied, incidents closed
    removals = list(FraudAccountRemoval.objects.filter(incident_stats.figure_q("fraud_account_removals", 2021))[:500])
    for removal in removals:
        removal.pk = None
        removal.removed_at = removal.removed_at + timedelta(minutes=1)
    FraudAccountRemoval.objects.bulk_create(removals)
    # (the demo's open incidents are this year's: closing them in 2021 would precede their start)
    Incident.objects.filter(closed_at__isnull=True, started_at__year__lte=2021).update(
        closed_at=timezone.make_aware(timezone.datetime(2021, 6, 1))
    )
    with CaptureQueriesContext(connection) as many:
        second = annual.annual_report(2021)
    assert second["fraud_account_removals"] == first["fraud_account_removals"] + 500
    assert second["incidents_handled"] >= first["incidents_handled"]
    assert Calamity.objects.exists()
    assert len(few) == len(many) == 2 * (6 + 6 + 1 + 1)


def test_the_dashboard_of_2021_shows_the_ddos_peaks_and_links_to_other_years(client_as, demo_auditor):
    html = client_as(demo_auditor).get("/dashboard/?year=2021").content.decode()
    assert "DDoS-aanvallen per maand in 2021" in html
    attacks = annual.monthly_charts(2021)[1].series[0][1]
    assert f'jul</th><td class="num">{charts.value_text(attacks[6])}</td>' in html
    assert f'aug</th><td class="num">{charts.value_text(attacks[7])}</td>' in html
    assert 'href="?year=2020"' in html and 'href="?year=2022"' in html
    # no inline code (CSP): scripts are files, chart data is JSON that nothing executes
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="' in tag or 'type="application/json"' in tag for tag in scripts)
    assert "style=" not in html


def test_the_dashboard_refuses_an_impossible_year(client_as, demo_auditor):
    assert client_as(demo_auditor).get("/dashboard/?year=abc").status_code == 404
    assert client_as(demo_auditor).get("/dashboard/?year=10000").status_code == 404


def test_the_pdf_report_has_the_monthly_charts(demo_2021):
    from reports.pdf import annual_report_pdf

    titles = [chart.title for chart in annual.report_charts(2021)]
    assert titles[:3] == [
        "Incidenten en calamiteiten per maand in 2021",
        "DDoS-aanvallen per maand in 2021",
        "Phishingsites offline gehaald per maand in 2021",
    ]
    assert annual_report_pdf(annual.annual_report(2021)).startswith(b"%PDF")
