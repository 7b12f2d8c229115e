from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from privacy.models import DPIA, DataBreach, Registration
from privacy.models.workshops import AMSTERDAM

from .test_access_and_queries import populate  # noqa: F401  (fixture)

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]
REGISTER = {"privacy_officer", "auditor"}
WORKSHOPS = {"privacy_officer", "workshop_coordinator", "auditor"}

# changelist -> (roles that may see it, queries)
# Every changelist: session, user, then the user's and group permissions (2), the
# admin's own permission checks being cached from there on.
CHANGELISTS = {
    # count (filtered), count (all), page
    "category": (REGISTER, 7),
    # counts, date hierarchy (2), page (owner joined)
    "processingactivity": (REGISTER, 9),
    "purpose": (REGISTER, 7),
    "processor": (REGISTER, 7),
    "transfer": (REGISTER, 7),
    "questionnaire": (REGISTER, 7),
    # counts, page, the questionnaire filter's choices
    "question": (REGISTER, 8),
    "selfassessment": (REGISTER, 8),
    "answer": (REGISTER, 7),
    # counts, page, risks (prefetch for the AP-consultation column)
    "dpia": (REGISTER, 8),
    "dpiarisk": (REGISTER, 7),
    "dpiatransition": (REGISTER, 7),
    # counts, date hierarchy (2), page
    "databreach": (REGISTER, 9),
    "workshopseries": (WORKSHOPS, 7),
    # counts, date hierarchy (2), page (seats annotated), the series filter's choices
    "workshopsession": (WORKSHOPS, 10),
    # counts, page, the series filter's choices
    "registration": (WORKSHOPS, 8),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", list(CHANGELISTS))
def test_changelist_access_per_role(client, request, role, model):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(f"/admin/privacy/{model}/")
    readers, _q = CHANGELISTS[model]
    if role == "employee":  # not staff: sent to the login page
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in readers else 403)


@pytest.mark.parametrize("model", list(CHANGELISTS))
def test_changelist_queries_do_not_grow_with_rows(client, auditor, populate, model):  # noqa: F811
    _readers, expected = CHANGELISTS[model]
    client.force_login(auditor)
    populate(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/admin/privacy/{model}/").status_code == 200
    populate(4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/admin/privacy/{model}/").status_code == 200
    assert len(few) == len(many) == expected, [q["sql"][:100] for q in many.captured_queries]


def test_the_register_changelist_links_to_the_exports(client, auditor):
    client.force_login(auditor)
    content = client.get("/admin/privacy/processingactivity/").content.decode()
    for fmt in ("xlsx", "csv", "pdf"):
        assert f"/api/v1/privacy/processing-activities/export/{fmt}/" in content


def test_the_auditor_cannot_change_anything_in_the_admin(client, auditor, make_breach):
    breach = make_breach()
    client.force_login(auditor)
    response = client.post(f"/admin/privacy/databreach/{breach.pk}/change/", {"title": "x"})
    assert response.status_code == 403


def _dpia_form(dpia, **extra):
    data = {
        "title": dpia.title,
        "activity": dpia.activity_id,
        "owner": dpia.owner_id,
        "risks-TOTAL_FORMS": "0",
        "risks-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_the_admin_refuses_a_decision_without_dpo_advice(client, privacy_officer, make_dpia):
    dpia = make_dpia()
    client.force_login(privacy_officer)
    url = f"/admin/privacy/dpia/{dpia.pk}/change/"
    response = client.post(url, _dpia_form(dpia, step="decide", step_decision="proceed"))
    assert response.status_code == 200
    assert "advies van de FG" in response.content.decode()
    dpia.refresh_from_db()
    assert dpia.status == DPIA.Status.DRAFT


def test_the_admin_runs_the_dpia_workflow_to_a_decision(client, privacy_officer, make_dpia):
    dpia = make_dpia()
    client.force_login(privacy_officer)
    url = f"/admin/privacy/dpia/{dpia.pk}/change/"
    assert client.post(url, _dpia_form(dpia, step="to_review")).status_code == 302
    assert client.post(url, _dpia_form(dpia, step="advice", step_text="Akkoord met maatregelen")).status_code == 302
    assert client.post(url, _dpia_form(dpia, step="decide", step_decision="proceed_with_measures")).status_code == 302
    dpia.refresh_from_db()
    assert (dpia.status, dpia.decided_by) == (DPIA.Status.DECIDED, privacy_officer)
    assert dpia.transitions.count() == 3


def test_the_dpia_change_page_shows_all_seventeen_sections_and_the_pdf_link(client, privacy_officer, make_dpia):
    dpia = make_dpia()
    client.force_login(privacy_officer)
    content = client.get(f"/admin/privacy/dpia/{dpia.pk}/change/").content.decode()
    assert content.count('name="s') >= 17
    assert "17. Maatregelen" in content
    assert f"/api/v1/privacy/dpias/{dpia.pk}/pdf/" in content


AWARE = datetime(2021, 5, 20, 16, tzinfo=AMSTERDAM)


@time_machine.travel(AWARE + timedelta(hours=70, minutes=30), tick=False)
def test_the_breach_changelist_shows_the_countdown(client, privacy_officer, make_breach):
    make_breach(aware_at=AWARE)
    client.force_login(privacy_officer)
    assert "nog 1 u 30 min" in client.get("/admin/privacy/databreach/").content.decode()


def _breach_form(breach, **extra):
    data = {
        "reference": breach.reference,
        "title": breach.title,
        "report_type": "provisional",
        "aware_at_0": timezone.localtime(breach.aware_at).strftime("%d-%m-%Y"),
        "aware_at_1": timezone.localtime(breach.aware_at).strftime("%H:%M:%S"),
        "nature": breach.nature,
        "risk": "risk",
    }
    data.update(extra)
    return data


def test_the_admin_refuses_a_report_before_aware_and_changes_nothing(client, privacy_officer, make_breach):
    breach = make_breach(aware_at=AWARE)
    client.force_login(privacy_officer)
    response = client.post(
        f"/admin/privacy/databreach/{breach.pk}/change/",
        _breach_form(breach, report_at_0="19-05-2021", report_at_1="10:00:00", report_reference="AP-1"),
    )
    assert response.status_code == 200
    assert "bekend worden" in response.content.decode()
    breach.refresh_from_db()
    assert breach.reported_to_ap_at is None


def test_the_admin_records_a_late_report_with_its_reason(client, privacy_officer, make_breach):
    breach = make_breach(aware_at=AWARE)
    client.force_login(privacy_officer)
    url = f"/admin/privacy/databreach/{breach.pk}/change/"
    report = {"report_at_0": "25-05-2021", "report_at_1": "10:00:00", "report_reference": "AP-1"}
    assert client.post(url, _breach_form(breach, **report)).status_code == 200  # no reason: refused
    response = client.post(url, _breach_form(breach, **report, report_late_reason="Omvang pas later bekend"))
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.reported_late and breach.late_reason == "Omvang pas later bekend"


def test_the_coordinator_marks_attendance_in_bulk(client, workshop_coordinator, make_session, make_user):
    past = make_session(starts_at=timezone.now() - timedelta(days=2))
    registrations = [Registration.objects.create(session=past, user=make_user(roles.EMPLOYEE)) for _ in range(2)]
    client.force_login(workshop_coordinator)
    response = client.post(
        "/admin/privacy/registration/",
        {"action": "mark_attended", "_selected_action": [r.pk for r in registrations]},
    )
    assert response.status_code == 302
    assert set(Registration.objects.values_list("attendance", flat=True)) == {"attended"}


def test_the_admin_add_form_refuses_a_full_session(client, workshop_coordinator, session, make_user):
    for _ in range(session.capacity):
        Registration.objects.create(session=session, user=make_user(None))
    client.force_login(workshop_coordinator)
    late = make_user(roles.EMPLOYEE)
    response = client.post("/admin/privacy/registration/add/", {"session": session.pk, "user": late.pk})
    assert response.status_code == 200
    assert "vol" in response.content.decode()
    assert not Registration.objects.filter(user=late).exists()
    assert get_user_model().objects.filter(pk=late.pk).exists()


def test_breach_status_column_for_a_decision_not_to_report(make_breach):
    from privacy import breaches
    from privacy.admin import DataBreachAdmin

    breach = breaches.decide_not_to_report(make_breach(aware_at=AWARE), "Versleuteld")
    assert DataBreachAdmin(DataBreach, None).clock(breach) == "niet gemeld (besluit)"


@pytest.mark.parametrize("model", list(CHANGELISTS))
def test_every_add_and_change_page_renders(client, make_user, populate, model):  # noqa: F811
    from django.apps import apps

    populate(1)
    user = make_user(roles.PRIVACY_OFFICER)
    user.groups.add(Group.objects.get(name=roles.WORKSHOP_COORDINATOR))
    client.force_login(user)
    obj = apps.get_model("privacy", model).objects.first()
    if model != "dpiatransition":
        assert client.get(f"/admin/privacy/{model}/add/").status_code == 200
    assert client.get(f"/admin/privacy/{model}/{obj.pk}/change/").status_code == 200


def test_every_privacy_model_has_an_admin_an_endpoint_and_a_filterset():
    from django.apps import apps
    from django.contrib import admin as django_admin

    from privacy import filters
    from privacy.api import views

    viewset_models = {
        getattr(view, "queryset", None).model
        for view in vars(views).values()
        if isinstance(view, type) and getattr(view, "queryset", None) is not None
    }
    filter_models = {
        f._meta.model
        for f in vars(filters).values()
        if isinstance(f, type) and hasattr(f, "_meta") and getattr(f._meta, "model", None)
    }
    for model in apps.get_app_config("privacy").get_models():
        assert model in django_admin.site._registry, model
        assert model in viewset_models, model
        assert model in filter_models, model
