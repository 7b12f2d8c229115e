from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from incidents import services
from incidents.choices import CalamityLevel, Category, Status, TakedownOutcome
from incidents.models import DDoSAttack, FraudAccountRemoval, MisuseInvestigation, PhishingTakedown
from incidents.pseudonyms import pseudonymise_account
from incidents.stats import annual_figures, monthly_counts


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def fill(year: int, n: int, make_incident, user) -> None:  # type: ignore[no-untyped-def]
    """n of each kind inside `year` and one of each just outside it."""
    for i in range(n):
        at = local(year, 1 + i % 12, 10, 12)
        incident = make_incident(status=Status.CLOSED, started_at=at, detected_at=at, resolved_at=at, closed_at=at)
        services.declare_calamity(incident, CalamityLevel.OPERATIONAL, "reden", user, at=at, late_reason="logboek")
        DDoSAttack.objects.create(started_at=at, vector="syn_flood", peak_gbps=Decimal(i + 1))
        PhishingTakedown.objects.create(
            url=f"https://digid-{year}-{i}.example.com", reported_at=at, outcome="taken_offline", taken_down_at=at
        )
        MisuseInvestigation.objects.create(
            chain_partner="UWV", partner_reference=f"{year}-{i}", subject="x", opened_on=at.date()
        )
        FraudAccountRemoval.objects.create(
            pseudonym=pseudonymise_account(f"{year}{i:05d}"), reason="other", removed_at=at
        )


def test_the_year_counts_what_happened_in_it_in_amsterdam_time(make_incident, security_officer):
    inside, outside = local(2021, 12, 31, 23, 30), local(2022, 1, 1, 0, 30)
    make_incident(
        status=Status.CLOSED,
        started_at=inside - timedelta(days=2),
        detected_at=inside - timedelta(days=2),
        closed_at=inside,
        resolved_at=inside,
    )
    make_incident(status=Status.CLOSED, started_at=inside, detected_at=inside, resolved_at=inside, closed_at=outside)
    make_incident(status=Status.RESOLVED, started_at=inside, detected_at=inside, resolved_at=inside)  # not closed
    PhishingTakedown.objects.create(
        url="https://a.example.com", reported_at=inside, outcome=TakedownOutcome.NEVER_VISIBLE
    )
    PhishingTakedown.objects.create(
        url="https://b.example.com", reported_at=inside, outcome=TakedownOutcome.TAKEN_OFFLINE, taken_down_at=outside
    )
    PhishingTakedown.objects.create(
        url="https://c.example.com", reported_at=inside, outcome=TakedownOutcome.STILL_ONLINE
    )
    MisuseInvestigation.objects.create(
        chain_partner="SVB", partner_reference="1", subject="x", opened_on=date(2021, 12, 31)
    )
    FraudAccountRemoval.objects.create(pseudonym=pseudonymise_account("111111111"), reason="other", removed_at=inside)
    FraudAccountRemoval.objects.create(pseudonym=pseudonymise_account("111111111"), reason="other", removed_at=outside)
    figures = annual_figures(2021)
    assert figures == {
        "incidents_handled": 1,
        "calamities": 0,
        "ddos_attacks": 0,
        "phishing_takedowns": 1,
        "misuse_investigations": 1,
        "fraud_account_removals": 1,
    }
    assert annual_figures(2022)["phishing_takedowns"] == 1
    assert annual_figures(2022)["incidents_handled"] == 1


@pytest.mark.parametrize("n", [2, 12])
def test_the_annual_figures_take_six_queries_whatever_the_volume(
    make_incident, security_officer, django_assert_num_queries, n
):
    fill(2021, n, make_incident, security_officer)
    fill(2020, 1, make_incident, security_officer)
    # one COUNT each: incidents closed, calamities, DDoS, takedowns, investigations, removals
    with django_assert_num_queries(6):
        figures = annual_figures(2021)
    assert set(figures.values()) == {n}


@pytest.mark.parametrize("n", [2, 12])
def test_the_monthly_counts_take_seven_queries_whatever_the_volume(
    make_incident, security_officer, django_assert_num_queries, n
):
    fill(2021, n, make_incident, security_officer)
    # incidents started per month and category, incidents closed, calamities, DDoS,
    # takedowns, investigations, removals: one grouped query each
    with django_assert_num_queries(7):
        months = monthly_counts(2021)
    assert len(months) == 12
    assert sum(m["incidents_handled"] for m in months) == n
    assert sum(m["incidents_by_category"][Category.OUTAGE] for m in months) == n
    assert max(m["ddos_peak_gbps"] for m in months) == float(n)
    assert [m["fraud_account_removals"] for m in months] == [1] * n + [0] * (12 - n)


def test_the_statistics_endpoints_return_the_figures(make_incident, security_officer, auditor, employee, api_as):
    fill(2021, 3, make_incident, security_officer)
    annual = api_as(auditor).get("/api/v1/incidents/stats/annual/?year=2021")
    assert annual.status_code == 200
    assert annual.json() == {"year": 2021, **annual_figures(2021)}
    monthly = api_as(security_officer).get("/api/v1/incidents/stats/monthly/?year=2021").json()
    assert monthly["year"] == 2021 and monthly["months"][2]["incidents_handled"] == 1
    assert api_as(security_officer).get("/api/v1/incidents/stats/monthly/?year=abc").status_code == 400
    assert api_as(employee).get("/api/v1/incidents/stats/annual/?year=2021").status_code == 403
