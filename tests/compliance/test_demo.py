from compliance.demo import LOGIUS_CONTROLS
from compliance.models import Control, ControlCheck, Evidence, FollowUpAction, Policy, Requirement
from compliance.stats import check_figures
from core.demo import load_all


def _counts():
    models = (Control, ControlCheck, Evidence, FollowUpAction, Policy, Requirement)
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_loads_a_logius_framework_with_a_year_of_checks_and_is_idempotent(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_all()
    first = _counts()
    load_all()

    assert _counts() == first
    assert 25 <= Control.objects.count() == len(LOGIUS_CONTROLS) <= 40
    assert Control.objects.filter(requirements__ref_id="8.02.01", frequency="quarterly").exists()
    assert Control.objects.filter(requirements__ref_id="5.01.02", frequency="yearly").exists()
    figures = check_figures(2021)
    due, on_time, overdue = figures.values()
    assert due == on_time + overdue
    assert figures["control_checks_accepted_on_time"] > figures["control_checks_overdue"] > 0
    assert FollowUpAction.objects.filter(source_type__model="controlcheck").count() > 0
    assert Evidence.objects.filter(check_obj__due_date__year=2021).count() >= figures["control_checks_accepted_on_time"]
    assert ControlCheck.objects.filter(due_date__year=2022).exists()  # the horizon carries on
    assert Policy.objects.count() >= 3
