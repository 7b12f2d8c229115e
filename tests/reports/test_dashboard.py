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
def test_the_dashboard_charts_availability_and_open_actions_without_scripts(client_as, auditor, services):
    from tests.reports.conftest import add_months

    add_months(services[0], 2021, ["99.9", "99.7", "99.8"])
    for due, status in [(date(2021, 8, 1), "open"), (date(2021, 8, 20), "in_progress"), (date(2021, 10, 1), "open")]:
        FollowUpAction.objects.create(title="actie", owner=auditor, due_date=due, status=status)
    FollowUpAction.objects.create(title="klaar", owner=auditor, due_date=date(2021, 8, 1), status="cancelled")
    html = client_as(auditor).get("/dashboard/").content.decode()
    # availability, open actions, the three monthly charts (twelve months, even when empty),
    # workshop completion of the auditor's department; no overdue checks, no breach clocks
    assert html.count('<svg class="chart" role="img"') == 6
    assert html.count("Niets te tonen.") == 2
    assert "<title id=" in html and "<table>" in html
    assert "<script" not in html and "style=" not in html
    # the table beside the open-actions chart: two overdue in August, one upcoming in October
    assert re.search(r"aug 2021</th><td class=\"num\">2</td><td class=\"num\">0</td>", html)
    assert re.search(r"okt 2021</th><td class=\"num\">0</td><td class=\"num\">1</td>", html)


def test_a_chart_escapes_its_labels_and_has_a_title():
    chart = annual.ChartData("<b>titel</b>", ["<script>"], [("reeks & co", [3.0])])
    svg = str(charts.bar_chart(chart))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;titel&lt;/b&gt;" in svg and "reeks &amp; co" in svg
    assert 'class="bar series-0"' in svg


def test_a_percentage_chart_shows_the_range_that_differs():
    chart = annual.ChartData("t", ["DigiD"], [("gerealiseerd", [99.78]), ("norm", [99.5])], unit="%")
    svg = str(charts.bar_chart(chart))
    assert ">98%<" in svg and ">100%<" in svg


def test_a_line_chart_draws_one_line_per_series():
    chart = annual.ChartData("t", ["jan", "feb", "mrt"], [("a", [1, 2, 3]), ("b", [3, 2, 1])])
    assert str(charts.line_chart(chart)).count("<polyline") == 2


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
