import pytest
from auditlog.models import LogEntry
from django.apps import apps

from compliance.models import FollowUpAction
from core.demo import load_all
from core.models import Event
from incidents import services
from incidents.choices import CalamityLevel, ExerciseKind
from incidents.models import Exercise
from incidents.stats import annual_figures, monthly_counts


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_all()


def _counts() -> dict[str, int]:
    models = [*apps.get_app_config("incidents").get_models(), FollowUpAction, Event, LogEntry]
    return {model._meta.label: model.objects.count() for model in models}


def test_the_demo_reads_2021_as_the_annual_report_does_and_a_second_load_changes_nothing(demo):
    figures = annual_figures(2021)
    assert figures["incidents_handled"] == 236
    assert figures["calamities"] == 21
    assert 4000 < figures["phishing_takedowns"] < 4200
    assert 590 <= figures["misuse_investigations"] <= 599
    assert figures["fraud_account_removals"] == 15069
    before = _counts()
    load_all()
    assert _counts() == before
    assert annual_figures(2021) == figures


def test_the_demo_has_the_ddos_record_months_a_smaller_2020_and_both_exercises_of_2021(demo):
    _ddos_peaks_in_july_and_august()
    _a_believable_smaller_2020()
    _both_exercises_with_lessons_and_follow_up_actions()


def _ddos_peaks_in_july_and_august() -> None:
    months = monthly_counts(2021)
    assert all(m["ddos_attacks"] > 0 for m in months)
    others = [m for m in months if m["month"] not in (7, 8)]
    for record in (months[6], months[7]):
        assert record["ddos_attacks"] > max(m["ddos_attacks"] for m in others)
        assert record["ddos_total_peak_gbps"] > max(m["ddos_total_peak_gbps"] for m in others)
        assert record["ddos_peak_gbps"] > max(m["ddos_peak_gbps"] for m in others)


def _a_believable_smaller_2020() -> None:
    figures_2020, figures_2021 = annual_figures(2020), annual_figures(2021)
    assert all(0 < figures_2020[key] < figures_2021[key] for key in figures_2021)


def _both_exercises_with_lessons_and_follow_up_actions() -> None:
    anti_ddos = Exercise.objects.get(kind=ExerciseKind.ANTI_DDOS, held_on__year=2021)
    assert anti_ddos.in_maintenance_window and anti_ddos.announced_in_advance
    isidoor = Exercise.objects.get(kind=ExerciseKind.ISIDOOR, held_on__year=2021)
    assert isidoor.levels_reached == list(CalamityLevel.values)
    for exercise in (anti_ddos, isidoor):
        lessons = list(exercise.lessons.all())
        assert lessons
        assert all(services.actions_of(lesson).exists() for lesson in lessons)
