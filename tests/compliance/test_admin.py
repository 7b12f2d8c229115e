import pytest

from compliance.controls import accept_check, submit_check
from compliance.models import CheckStatus, ControlCheck, Evidence
from core.models import Reminder

from .conftest import PDF_BYTES, stored_files, upload
from .factories import make_rows

# Where each model's admin lives since the platform and the organisation left compliance.
APP_OF = {
    "department": "organisation",
    "person": "organisation",
    "service": "organisation",
    "availability": "organisation",
    "event": "core",
    "reminder": "core",
}


def changelist_url(model):
    return f"/admin/{APP_OF.get(model, 'compliance')}/{model}/"


# Query counts of every compliance changelist, the same for a few rows and for many.
# Every list starts with the same five: session, user, COUNT for the paginator, COUNT of
# all rows (beside the search box), the page of rows (list_select_related joins and the
# roll-up annotations included). Then what the filters and date hierarchy read:
BASE = 5
CHANGELISTS = {
    "department": BASE,
    "person": BASE + 3,  # departments (filter), date hierarchy: MIN/MAX, distinct days
    "service": BASE,
    "availability": BASE + 3,  # services (filter), date hierarchy: MIN/MAX, distinct days
    "followupaction": BASE + 3,  # content types (filter), date hierarchy: MIN/MAX, distinct days
    "event": BASE + 4,  # content types, date hierarchy (2), distinct event names
    "framework": BASE,
    "requirement": BASE + 2,  # frameworks (filter), distinct depths
    "applicability": BASE + 1,  # frameworks (filter)
    "control": BASE + 1,  # services (filter)
    "controlcheck": BASE + 2,  # date hierarchy: MIN/MAX, distinct years
    "evidence": BASE,
    "policy": BASE + 3,  # date hierarchy (2), distinct review cycles
    "reminder": BASE + 4,  # content types, date hierarchy (2), distinct sources
}


@pytest.fixture
def superuser(make_user):
    return make_user(None, is_superuser=True, is_staff=True)


def _count_changelist(client, model, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(changelist_url(model))
    assert response.status_code == 200, model
    return len(captured.captured_queries)


@pytest.mark.parametrize("model", sorted(CHANGELISTS))
def test_every_changelist_costs_the_same_queries_for_few_and_many_rows(
    model, superuser, client_as, django_assert_max_num_queries
):
    client = client_as(superuser)
    make_rows(model, 3, superuser)
    few = _count_changelist(client, model, django_assert_max_num_queries)
    make_rows(model, 27, superuser)
    many = _count_changelist(client, model, django_assert_max_num_queries)
    assert few == many == CHANGELISTS[model]


@pytest.mark.parametrize(
    "role_fixture, status",
    [
        ("security_officer", 200),
        ("auditor", 200),
        ("privacy_officer", 403),
        ("workshop_coordinator", 403),
        ("administrator", 403),
    ],
)
@pytest.mark.parametrize("model", ["framework", "control", "controlcheck", "evidence", "policy", "reminder"])
def test_compliance_changelists_per_role(request, client_as, role_fixture, status, model):
    user = request.getfixturevalue(role_fixture)
    assert client_as(user).get(changelist_url(model)).status_code == status


def test_employees_have_no_admin(client_as, employee):
    assert client_as(employee).get("/admin/compliance/controlcheck/").status_code == 302


def test_my_checks_and_overdue_filters(client_as, security_officer, make_control, make_user):
    mine = make_control(owner=security_officer, code="MIJN-1")
    make_control(owner=make_user(), code="ANDER-1")
    client = client_as(security_officer)

    body = client.get("/admin/compliance/controlcheck/?mine=1").content.decode()
    assert "MIJN-1" in body and "ANDER-1" not in body
    overdue = client.get("/admin/compliance/controlcheck/?overdue=1")
    shown = {c.pk for c in overdue.context["cl"].result_list}
    assert shown == set(ControlCheck.objects.overdue().values_list("pk", flat=True))
    assert shown and all(c.control_id for c in overdue.context["cl"].result_list)
    assert mine.checks.exists()


def test_bulk_accept_enforces_four_eyes(client_as, security_officer, make_user, make_control):
    other_officer = make_user("Security officer")
    control = make_control(owner=security_officer)
    first, second = control.checks.order_by("period_start")[:2]
    submit_check(first, security_officer, "effective", "ok")
    submit_check(second, other_officer, "effective", "ok")

    response = client_as(security_officer).post(
        "/admin/compliance/controlcheck/",
        {"action": "accept_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert ControlCheck.objects.get(pk=first.pk).status == CheckStatus.SUBMITTED  # own submission refused
    assert ControlCheck.objects.get(pk=second.pk).status == CheckStatus.ACCEPTED
    assert "niet de indiener" in response.content.decode()


def test_bulk_assign_to_me_takes_open_checks(client_as, security_officer, make_control, make_user):
    control = make_control(owner=make_user())
    pks = list(control.checks.values_list("pk", flat=True)[:2])
    client_as(security_officer).post(
        "/admin/compliance/controlcheck/", {"action": "assign_to_me", "_selected_action": pks}
    )
    assert set(ControlCheck.objects.filter(pk__in=pks).values_list("owner", flat=True)) == {security_officer.pk}


def _change_form_data(check):
    return {
        "due_date": check.due_date.isoformat(),
        "owner": check.owner_id,
        "evidence_owner": "",
        "test_method": check.test_method,
        "result": "",
        "conclusion": "",
        "review_note": "",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
    }


def test_evidence_is_uploaded_inline_on_the_check(client_as, security_officer, make_control, _private_media):
    check = make_control(owner=security_officer).checks.first()
    data = _change_form_data(check) | {"evidence-0-upload": upload("rapport.pdf", PDF_BYTES), "evidence-0-note": ""}

    response = client_as(security_officer).post(f"/admin/compliance/controlcheck/{check.pk}/change/", data)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.check_obj == check and len(evidence.sha256) == 64
    assert len(stored_files(_private_media)) == 1


def test_a_bad_inline_upload_is_refused_and_stores_nothing(client_as, security_officer, make_control, _private_media):
    check = make_control(owner=security_officer).checks.first()
    data = _change_form_data(check) | {"evidence-0-upload": upload("rapport.pdf", b"geen pdf")}

    response = client_as(security_officer).post(f"/admin/compliance/controlcheck/{check.pk}/change/", data)

    assert response.status_code == 200 and "past niet bij de extensie" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(_private_media) == []


def test_an_accepted_check_is_read_only_in_the_admin(client_as, security_officer, employee, make_control):
    check = make_control(owner=employee).checks.first()
    accept_check(submit_check(check, employee, "effective", "ok"), security_officer)
    client = client_as(security_officer)

    page = client.get(f"/admin/compliance/controlcheck/{check.pk}/change/")
    assert page.status_code == 200 and 'name="conclusion"' not in page.content.decode()
    client.post(f"/admin/compliance/controlcheck/{check.pk}/change/", _change_form_data(check) | {"conclusion": "x"})
    assert ControlCheck.objects.get(pk=check.pk).conclusion == "ok"
    assert client.post(f"/admin/compliance/controlcheck/{check.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_reminder_admin_shows_every_reminder_and_changes_nothing(client_as, security_officer):
    make_rows("reminder", 2, security_officer)
    client = client_as(security_officer)
    response = client.get("/admin/core/reminder/")
    assert len(response.context["cl"].result_list) == 2
    reminder = Reminder.objects.first()
    assert client.get("/admin/core/reminder/add/").status_code == 403
    client.post(f"/admin/core/reminder/{reminder.pk}/change/", {"stage": "x"})
    assert Reminder.objects.get(pk=reminder.pk).stage == "due"


def test_control_and_service_lists_show_their_state(client_as, security_officer, make_control, service):
    make_control(owner=security_officer, services=[service])
    client = client_as(security_officer)
    assert "Achterstallig" in client.get("/admin/compliance/control/").content.decode()
    assert "Achterstallig" in client.get("/admin/organisation/service/").content.decode()


def test_a_policy_document_goes_through_the_evidence_checks(client_as, security_officer, _private_media):
    client = client_as(security_officer)
    data = {"title": "IB-beleid", "owner": security_officer.pk, "review_cycle_months": 12, "active": "on"}
    bad = client.post("/admin/compliance/policy/add/", data | {"upload": upload("beleid.pdf", b"tekst")})
    assert bad.status_code == 200 and stored_files(_private_media) == []
    good = client.post("/admin/compliance/policy/add/", data | {"upload": upload("beleid.pdf", PDF_BYTES)})
    assert good.status_code == 302
    from compliance.models import Policy

    policy = Policy.objects.get()
    assert policy.document_name == "beleid.pdf" and len(policy.document_sha256) == 64
    response = client.get(f"/policies/{policy.pk}/document/")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_policy_action_records_a_review_today(client_as, security_officer):
    import time_machine

    from compliance.models import Policy

    policy = Policy.objects.create(title="IB-beleid", owner=security_officer, review_cycle_months=12)
    with time_machine.travel("2021-03-15 10:00 +01:00", tick=False):
        client_as(security_officer).post(
            "/admin/compliance/policy/", {"action": "mark_reviewed_today", "_selected_action": [policy.pk]}
        )
    policy.refresh_from_db()
    assert str(policy.last_reviewed) == "2021-03-15" and str(policy.next_review) == "2022-03-15"


def test_the_replaces_choice_lists_only_the_evidence_of_the_same_check(
    client_as, security_officer, make_control, _private_media
):
    from compliance.evidence import add_evidence

    first, other = make_control(owner=security_officer).checks.all()[:2]
    mine = add_evidence(first, security_officer, note="eigen bewijs")
    theirs = add_evidence(other, security_officer, note="bewijs van een andere controle")

    page = client_as(security_officer).get(f"/admin/compliance/controlcheck/{first.pk}/change/")
    choices = page.context["inline_admin_formsets"][0].formset.empty_form.fields["supersedes"].queryset
    assert list(choices) == [mine]
    html = page.content.decode()
    assert f'<option value="{mine.pk}">' in html and f'<option value="{theirs.pk}">' not in html


def test_a_crafted_post_replacing_evidence_of_another_check_is_refused(
    client_as, security_officer, make_control, _private_media
):
    from compliance.evidence import add_evidence

    first, other = make_control(owner=security_officer).checks.all()[:2]
    theirs = add_evidence(other, security_officer, note="bewijs van een andere controle")
    data = _change_form_data(first) | {"evidence-0-note": "vervangt ander bewijs", "evidence-0-supersedes": theirs.pk}

    response = client_as(security_officer).post(f"/admin/compliance/controlcheck/{first.pk}/change/", data)

    assert response.status_code == 200
    assert "Kies bij Vervangt bewijs van deze controle" in response.content.decode()
    assert list(Evidence.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert not Evidence.objects.filter(supersedes=theirs).exists()


def test_the_inline_evidence_shows_a_short_hash_with_the_whole_hash_to_copy(
    client_as, security_officer, make_control, _private_media
):
    from compliance.evidence import add_evidence

    check = make_control(owner=security_officer).checks.first()
    evidence = add_evidence(check, security_officer, upload=upload("rapport.pdf", PDF_BYTES))

    html = client_as(security_officer).get(f"/admin/compliance/controlcheck/{check.pk}/change/").content.decode()

    assert (
        f'<code class="hash" title="{evidence.sha256}" data-short="{evidence.sha256[:12]}">{evidence.sha256}</code>'
        in html
    )
