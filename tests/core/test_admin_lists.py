"""Admin changelists cost the same number of queries for a few rows and for many."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import FollowUpAction
from core.models import log_event
from organisation.models import Availability, Service


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_services(n, owner):
    Service.objects.bulk_create(
        Service(name=f"Dienst {i}-{n}", slug=f"dienst-{i}-{n}", domain="toegang", owner=owner) for i in range(n)
    )


def add_availability(n, owner):
    service = Service.objects.create(name=f"Beschikbaar {n}", slug=f"beschikbaar-{n}", domain="toegang")
    Availability.objects.bulk_create(
        Availability(service=service, month=date(2000 + i // 12, i % 12 + 1, 1), achieved=99) for i in range(n)
    )


def add_actions(n, owner):
    FollowUpAction.objects.bulk_create(
        FollowUpAction(title=f"Actie {i}", owner=owner.user, due_date=date(2021, 1, 1) + timedelta(days=i))
        for i in range(n)
    )


def add_events(n, owner):
    for _ in range(n):
        log_event(owner, "test.event", actor=owner.user)


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [
        ("/admin/organisation/service/", add_services),
        ("/admin/organisation/availability/", add_availability),
        ("/admin/compliance/followupaction/", add_actions),
        ("/admin/core/event/", add_events),
    ],
)
def test_a_changelist_costs_the_same_queries_for_3_and_30_rows(client_as, auditor, url, add_rows):
    client = client_as(auditor)
    add_rows(3, auditor.person)
    few = queries_for(client, url)
    add_rows(27, auditor.person)
    many = queries_for(client, url)
    assert few == many


def test_the_people_changelist_costs_the_same_queries_for_3_and_30_people(client_as, auditor, make_user):
    client = client_as(auditor)
    manager = make_user(None)
    for _ in range(2):
        make_user(None, manager=manager)
    few = queries_for(client, "/admin/organisation/person/")
    for _ in range(27):
        make_user(None, manager=manager)
    assert queries_for(client, "/admin/organisation/person/") == few


def test_the_service_changelist_is_pinned(client_as, auditor, django_assert_num_queries):
    client = client_as(auditor)
    add_services(10, auditor.person)
    # session, user, user permissions, group permissions, filtered count, total count,
    # the page of services with their owners (one join)
    with django_assert_num_queries(7):
        assert client.get("/admin/organisation/service/").status_code == 200
