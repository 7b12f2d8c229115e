from datetime import datetime

import time_machine
from auditlog.models import LogEntry
from django.apps import apps

from organisation import demo as core_demo
from privacy import demo
from privacy.models.workshops import AMSTERDAM
from privacy.stats import annual_figures

LOADERS = [
    core_demo.load_organisation,
    core_demo.load_services,
    demo.load_staff_and_categories,
    demo.load_register,
    demo.load_self_assessments,
    demo.load_dpias,
    demo.load_breaches,
    demo.load_workshops,
]


def load() -> None:
    for loader in LOADERS:
        loader()


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in apps.get_app_config("privacy").get_models()}
    counts["history"] = LogEntry.objects.count()
    return counts


@time_machine.travel(datetime(2022, 2, 1, 9, tzinfo=AMSTERDAM), tick=False)
def test_the_demo_gives_the_2021_figures_and_a_second_load_changes_nothing(db):
    load()
    figures = annual_figures(2021)
    assert figures["processing_registrations"] == 33
    assert figures["self_assessments"] == 11
    assert figures["dpias"] == 5
    assert figures["data_breaches"] == 4
    assert figures["data_breaches_reported_late"] == 1
    assert figures["workshop_sessions"] == 10  # six onboarding, four AVG
    assert figures["workshop_attendees"] > 25
    smaller = annual_figures(2020)
    assert 0 < smaller["processing_registrations"] < 33
    assert smaller["dpias"] == 1
    before = snapshot()
    load()
    assert snapshot() == before


def test_the_demo_late_breach_carries_its_reason_and_the_unreported_one_its_reasons(db):
    load()
    from privacy.models import DataBreach

    late = DataBreach.objects.reported_late().get()
    assert late.late_reason
    assert (
        DataBreach.objects.filter(aware_at__year=2021, not_reported_decided_at__isnull=False)
        .exclude(not_reported_reasons="")
        .count()
        == 1
    )
