"""The start page ("Vandaag") on the demo world: for every demo person, every count on their start page is the
number of rows of the list it links to, opened as them; one section per role they hold; Dutch
text without raw codes or "None"; a fixed number of queries however many rows there are."""

from __future__ import annotations

import html as html_module
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from core import formatting
from organisation.demo import demo_user

DEMO_PEOPLE = {
    "security": {roles.EMPLOYEE, roles.SECURITY_OFFICER},
    "directeur": {roles.EMPLOYEE, roles.SECURITY_OFFICER},
    "privacy": {roles.EMPLOYEE, roles.PRIVACY_OFFICER},
    "workshops": {roles.EMPLOYEE, roles.WORKSHOP_COORDINATOR},
    "auditor": {roles.EMPLOYEE, roles.AUDITOR},
    "medewerker": {roles.EMPLOYEE},
    "teamleider": {roles.EMPLOYEE},
    "beheerder": {roles.EMPLOYEE, roles.ADMINISTRATOR},
}
RAW_CODES = ["in_review", "dpo_advice", "follow_up", "not_effective", "partly_effective", "taken_offline", "None"]


def list_rows(response) -> int:  # type: ignore[no-untyped-def]
    """The number of rows the linked list shows (all its pages)."""
    context = response.context
    if "cl" in context:
        return context["cl"].result_count
    if "rows" in context and "paginator" in context:  # the history of all changes
        return context["paginator"].count
    if "checks" in context:  # Mijn controles
        return context["filter"].qs.count()
    if "upcoming" in context:  # Mijn inschrijvingen
        return len(context["upcoming"])
    if "overdue" in context:  # Voortgang AVG-workshops
        return len(context["overdue"])
    if "sessions" in context:  # the workshop calendar
        return len(context["sessions"])
    raise AssertionError(f"no list on {response.request['PATH_INFO']}")


def shapes(queries: CaptureQueriesContext) -> Counter[str]:
    """The queries with their numbers blanked: what differs when the counts differ."""
    return Counter(re.sub(r"\d+", "N", query["sql"])[:200] for query in queries.captured_queries)


def visible_text(page: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("username", sorted(DEMO_PEOPLE))
def test_every_count_on_the_start_page_is_the_number_of_rows_of_the_list_it_links_to(client, demo_2021, username):
    client.force_login(demo_user(username))
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    counted = 0
    for section in response.context["sections"]:
        for line in section.lines:
            if line.count is None:
                continue
            listed = client.get(line.url)
            assert listed.status_code == 200, (username, line.label, line.url)
            assert list_rows(listed) == line.count, (username, line.label, line.url)
            assert f'href="{html_module.escape(line.url)}"' in page
            assert f">{line.count_text}</a>" in page and line.count_text == formatting.number(line.count)
            if line.url == "/workshops/voortgang/":  # one row per department: their sum is the count
                assert sum(int(row.detail.split()[0]) for row in line.rows) == line.count
            else:
                assert len(line.rows) == min(line.count, line.top)
            counted += 1
    assert counted >= 2


@pytest.mark.parametrize(("username", "held"), sorted(DEMO_PEOPLE.items()))
def test_one_section_per_role_the_person_holds(client, demo_2021, username, held):
    client.force_login(demo_user(username))
    sections = client.get("/").context["sections"]
    assert {section.role for section in sections} == held
    assert len(sections) == len(held)


def test_a_person_with_several_roles_sees_each_roles_section(client, demo_2021):
    user = demo_user("teamleider")
    user.groups.add(Group.objects.get(name=roles.PRIVACY_OFFICER), Group.objects.get(name=roles.AUDITOR))
    user.is_staff = True
    user.save()
    client.force_login(user)
    page = client.get("/")
    assert [s.role for s in page.context["sections"]] == [roles.EMPLOYEE, roles.PRIVACY_OFFICER, roles.AUDITOR]
    assert "Als privacyfunctionaris" in page.content.decode() and "Als auditor" in page.content.decode()


@pytest.mark.parametrize("username", sorted(DEMO_PEOPLE))
def test_the_page_is_dutch_without_raw_codes_or_none(client, demo_2021, username):
    client.force_login(demo_user(username))
    text = visible_text(client.get("/").content.decode())
    assert "Vandaag" in text
    for code in RAW_CODES:
        assert code not in text, (username, code)


def test_the_demo_gives_each_role_something_to_do_today(client, demo_2021):
    """The demo world is alive: each role's main line has work in it, most urgent first."""

    def lines(username):  # type: ignore[no-untyped-def]
        client.force_login(demo_user(username))
        return {line.label: line for section in client.get("/").context["sections"] for line in section.lines}

    security = lines("security")
    assert security["Ingediende controles die op uw beoordeling wachten"].count > 0
    incidents = security["Open incidenten, ernstigste en oudste eerst"]
    assert incidents.count > 0 and incidents.rows
    privacy = lines("privacy")
    breaches = privacy["Datalekken waarvan de 72-uursklok loopt"]
    assert breaches.count >= 1 and "nog " in breaches.rows[0].detail
    assert privacy["DPIA's die wachten op uw advies"].count >= 1
    assert privacy["DPIA's die wachten op een besluit"].count >= 1
    workshops = lines("workshops")
    assert workshops["Komende sessies"].count >= 1
    assert "plaatsen bezet" in workshops["Komende sessies"].rows[0].detail
    medewerker = lines("medewerker")
    assert medewerker["Mijn komende inschrijvingen"].count >= 1
    assert medewerker["Mijn achterstallige controles"].count < 10
    beheerder = lines("beheerder")
    assert beheerder["Gebruikers zonder tweede factor (verplicht voor hun rol)"].count > 0


def test_a_breach_deadline_is_shown_in_amsterdam_time(client, demo_2021):
    from privacy.models import DataBreach

    breach = (
        DataBreach.objects.filter(reported_to_ap_at=None, not_reported_decided_at=None).order_by("aware_at").first()
    )
    client.force_login(demo_user("privacy"))
    page = client.get("/").content.decode()
    local = timezone.localtime(breach.deadline)
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M}" in page


def test_the_start_page_runs_the_same_queries_for_few_and_for_many_rows(client, demo_2021):
    """A person with every role: the page's query count does not grow with the rows."""
    from compliance.models import CheckStatus, ControlCheck
    from incidents.models import Incident
    from privacy.models import DPIA, DataBreach
    from reports.models import AccessLog

    user = get_user_model().objects.create_user(
        "allroles", password="x", is_staff=True, first_name="Al", last_name="Rol"
    )
    user.groups.set(Group.objects.filter(name__in=roles.ROLES))
    client.force_login(user)
    client.get("/")  # warm the caches a first request fills (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200

    # many more rows on every line
    teamleider = demo_user("teamleider")
    future = ControlCheck.objects.filter(status=CheckStatus.OPEN, due_date__gt=timezone.localdate())
    ControlCheck.objects.filter(pk__in=list(future.values_list("pk", flat=True)[:30])).update(
        status=CheckStatus.SUBMITTED, submitted_by=teamleider, result="effective"
    )
    clones = list(Incident.objects.filter(status="closed")[:20])
    for number, incident in enumerate(clones):
        incident.pk, incident.reference, incident.supplier_reference = None, f"INC-X-{number}", ""
        incident.status, incident.closed_at, incident.resolved_at = "new", None, None
    Incident.objects.bulk_create(clones)
    for number, breach in enumerate(DataBreach.objects.all()[:8]):
        breach.pk, breach.reference = None, f"dl-x-{number}"
        breach.reported_to_ap_at = breach.not_reported_decided_at = None
        breach.aware_at = timezone.now() - timedelta(hours=number)
        DataBreach.objects.bulk_create([breach])
    for number, dpia in enumerate(DPIA.objects.all()[:8]):
        DPIA.objects.filter(pk=dpia.pk).update(status=DPIA.Status.IN_REVIEW if number % 2 else DPIA.Status.DPO_ADVICE)
    AccessLog.objects.bulk_create(AccessLog(username="auditor", action="export", name=f"x{n}") for n in range(12))
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"nofactor{n}", is_staff=True, is_superuser=True) for n in range(12)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.status_code == 200
    assert len(many) == len(few), (shapes(many) - shapes(few), shapes(few) - shapes(many))
    assert len(few) <= 120
