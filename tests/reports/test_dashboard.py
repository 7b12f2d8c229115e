import json
import re
from datetime import date

import pytest
import time_machine

from compliance.models import FollowUpAction
from reports import annual, charts

# privacy.workshops.completion_per_department: people with their department and user, their
# attended sessions (2)
QUERIES_WORKSHOP_COMPLETION = 2
ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
MAY_SEE = {"security_officer", "privacy_officer", "auditor", "administrator"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_dashboard(role, request, client_as):
    response = client_as(request.getfixturevalue(role)).get("/dashboard/")
    assert response.status_code == (200 if role in MAY_SEE else 403)


def test_anonymous_users_are_sent_to_log_in(client, db):
    assert client.get("/dashboard/").status_code == 302


@time_machine.travel("2021-09-15 10:00 +02:00", tick=False)
def test_the_dashboard_charts_come_as_json_data_with_a_table_and_no_inline_script(client_as, auditor, services):
    from tests.reports.conftest import add_months

    add_months(services[0], 2021, ["99.9", "99.7", "99.8"])
    for due, status in [(date(2021, 8, 1), "open"), (date(2021, 8, 20), "in_progress"), (date(2021, 10, 1), "open")]:
        FollowUpAction.objects.create(title="actie", owner=auditor, due_date=due, status=status)
    FollowUpAction.objects.create(title="klaar", owner=auditor, due_date=date(2021, 8, 1), status="cancelled")
    html = client_as(auditor).get("/dashboard/").content.decode()
    # availability, open actions, the three monthly charts (twelve months, even when empty),
    # workshop completion of the auditor's department; no overdue checks, no breach clocks
    assert html.count("<canvas data-chart=") == 6
    assert html.count('<script id="chart-') == 6
    assert html.count("Niets te tonen.") == 2
    assert html.count('<details class="chart__table">') == 6
    # scripts only from files (Chart.js from node_modules, the project's charts.js); JSON data only
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('type="application/json"' in attrs or "src=" in attrs for attrs in scripts)
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert 'src="/static/reports/charts.js"' in html
    assert "style=" not in html
    # the table beside the open-actions chart: two overdue in August, one upcoming in October
    assert re.search(r"aug 2021</th><td class=\"num\">2</td><td class=\"num\">0</td>", html)
    assert re.search(r"okt 2021</th><td class=\"num\">0</td><td class=\"num\">1</td>", html)


def test_chart_data_is_escaped_json_never_markup(client_as, auditor):
    from django.template import Context, Template

    chart = annual.ChartData("</script><b>titel</b>", ["<script>"], [("reeks & co", [3.0])])
    html = Template("{% load reports_charts %}{% chart c %}").render(Context({"c": chart}))
    assert "<script>" not in html and "</script><b>" not in html
    assert "&lt;b&gt;titel&lt;/b&gt;" in html and "reeks &amp; co" in html
    data = re.search(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S)
    assert data
    spec = json.loads(data.group(2))
    assert spec["title"] == "</script><b>titel</b>" and spec["labels"] == ["<script>"]
    assert f'data-chart="{data.group(1)}"' in html


def test_availability_shows_the_band_that_differs_and_draws_the_norm_as_a_line():
    chart = annual.ChartData(
        "t",
        ["DigiD", "Digipoort"],
        [("gerealiseerd", [99.78, 99.8]), ("norm", [99.5, 99.7])],
        unit="%",
        axis_title="beschikbaarheid (%)",
        line_series=("norm",),
    )
    spec = charts.chart_spec(chart)
    assert 99.0 < spec["min"] < 99.5 and 99.8 < spec["max"] <= 100.0
    assert [s["kind"] for s in spec["series"]] == ["bar", "line"]
    assert spec["axisTitle"] == "beschikbaarheid (%)" and spec["unit"] == "%"


def test_counts_start_at_zero_and_negative_hours_stay_visible():
    counts = annual.ChartData("t", ["jan", "feb"], [("a", [1, 2])])
    assert charts.value_range(counts) == (0.0, None)
    hours = annual.ChartData("t", ["dl-1"], [("uren over", [-5.5])], unit=" u")
    assert charts.value_range(hours) == (-5.5, None)


@pytest.mark.parametrize("count", [2, 40])
@time_machine.travel("2021-09-15 10:00 +02:00", tick=False)
def test_the_dashboard_runs_a_fixed_number_of_queries(count, client_as, auditor, services, django_assert_num_queries):
    from tests.reports.conftest import add_months

    for service in services:
        add_months(service, 2021, ["99.9"] * 8)
    FollowUpAction.objects.bulk_create(
        FollowUpAction(title=f"actie {n}", owner=auditor, due_date=date(2021, 1 + n % 12, 1)) for n in range(count)
    )
    client = client_as(auditor)
    # session, user, the user's own and group permissions (2), availability months, open
    # actions per month, overdue checks per owner, monthly counts (7), open breach clocks,
    # workshop completion per department (QUERIES_WORKSHOP_COMPLETION)
    with django_assert_num_queries(4 + 1 + 1 + 1 + 7 + 1 + QUERIES_WORKSHOP_COMPLETION):
        assert client.get("/dashboard/").status_code == 200
