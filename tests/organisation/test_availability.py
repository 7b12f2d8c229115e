from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from organisation.models import Availability, Service


def add_months(service, year, values):
    for month, value in enumerate(values, start=1):
        Availability.objects.create(service=service, month=date(year, month, 1), achieved=Decimal(value))


def test_the_year_figure_weights_each_month_by_its_length(service):
    # February (28 days) at 90 % and March (31 days) at 100 %: (28*90 + 31*100) / 59
    Availability.objects.create(service=service, month=date(2021, 2, 1), achieved=Decimal("90"))
    Availability.objects.create(service=service, month=date(2021, 3, 1), achieved=Decimal("100"))
    assert service.availability_for_year(2021) == Decimal("95.25")


def test_a_year_without_measurements_has_no_figure(service):
    assert service.availability_for_year(2019) is None


def test_a_month_is_stored_as_its_first_day(service):
    row = Availability.objects.create(service=service, month=date(2021, 7, 19), achieved=Decimal("99.41"))
    assert row.month == date(2021, 7, 1)


def test_the_database_refuses_a_second_figure_for_the_same_month(service):
    Availability.objects.create(service=service, month=date(2021, 7, 1), achieved=Decimal("99.41"))
    with pytest.raises(IntegrityError):
        Availability.objects.create(service=service, month=date(2021, 7, 1), achieved=Decimal("99.50"))


def test_the_database_refuses_a_percentage_above_one_hundred(service):
    with pytest.raises(IntegrityError):
        Availability.objects.create(service=service, month=date(2021, 7, 1), achieved=Decimal("100.5"))


def test_the_api_refuses_a_percentage_above_one_hundred_and_stores_nothing(api_as, security_officer, service):
    response = api_as(security_officer).post(
        "/api/v1/availability/", {"service": service.pk, "month": "2021-07-01", "achieved": "101"}
    )
    assert response.status_code == 400
    assert "achieved" in response.json()
    assert not Availability.objects.exists()


def test_the_api_gives_the_year_figure_against_the_norm(api_as, auditor, service):
    add_months(service, 2021, ["99.00"] * 12)
    body = api_as(auditor).get(f"/api/v1/services/{service.pk}/availability/", {"year": 2021}).json()
    assert body == {"service": "DigiD", "year": 2021, "norm": 99.5, "achieved": 99.0, "met": False, "months": 12}


def test_the_api_refuses_a_year_that_is_not_a_number(api_as, auditor, service):
    assert api_as(auditor).get(f"/api/v1/services/{service.pk}/availability/", {"year": "x"}).status_code == 400


def test_the_demo_gives_digid_99_78_percent_in_2021_against_99_50(db):
    from organisation.demo import load_organisation, load_services

    load_organisation()
    load_services()
    digid = Service.objects.get(slug="digid")
    assert digid.availability_norm == Decimal("99.50")
    assert digid.availability_for_year(2021) == Decimal("99.78")
    assert digid.availability_for_year(2020) < digid.availability_for_year(2021)
    july, august = (digid.availability_months.get(month=date(2021, m, 1)).achieved for m in (7, 8))
    others = digid.availability_months.filter(month__year=2021).exclude(month__month__in=[7, 8])
    assert max(july, august) < min(row.achieved for row in others)  # the DDoS record months


@pytest.mark.parametrize("year", ["0", "10000", "-5"])
def test_an_impossible_year_is_a_400_and_not_a_crash(api_as, auditor, service, year):
    client = api_as(auditor)
    assert client.get("/api/v1/availability/", {"year": year}).status_code == 400
    assert client.get(f"/api/v1/services/{service.pk}/availability/", {"year": year}).status_code == 400
