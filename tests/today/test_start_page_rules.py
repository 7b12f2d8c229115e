"""The start page's rules, tried as an insider: a reviewer is never offered their own work,
nobody sees a line on a list they may not open or another person's checks, a count cannot
be steered from the query string, and dates read as Amsterdam time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from compliance.controls import submit_check
from compliance.evidence import add_evidence
from compliance.models import CheckResult, CheckStatus, Control
from reports.today import when

REVIEW = "Ingediende controles die op uw beoordeling wachten"
OVERDUE_MINE = "Mijn achterstallige controles"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def lines(client, user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {line.label: line for section in response.context["sections"] for line in section.lines}


def control_of(owner, code: str = "LR-900") -> Control:  # type: ignore[no-untyped-def]
    return Control.objects.create(
        code=code,
        title="Kwartaalreview",
        frequency="quarterly",
        owner=owner,
        test_method="Lijst",
        start_date=date(2021, 1, 1),
    )


def submitted_check(control: Control, submitter, uploader=None):  # type: ignore[no-untyped-def]
    check = control.checks.filter(status=CheckStatus.OPEN).order_by("period_start").first()
    add_evidence(check, uploader or submitter, upload=SimpleUploadedFile("verslag.txt", b"bevindingen\n"))
    return submit_check(check, submitter, CheckResult.EFFECTIVE, "Werkt.")


def test_a_reviewer_is_never_offered_a_check_they_submitted_or_added_evidence_to(client, make_user):
    first = make_user(roles.SECURITY_OFFICER, username="officer1")
    second = make_user(roles.SECURITY_OFFICER, username="officer2")
    own = submitted_check(control_of(first), first)  # first submitted it
    helped = submitted_check(control_of(first, "LR-901"), first, uploader=second)  # second added evidence

    first_review = lines(client, first)[REVIEW]
    assert first_review.count == 0 and not first_review.rows
    second_review = lines(client, second)[REVIEW]
    assert second_review.count == 1
    assert [row.url for row in second_review.rows] == [own.get_absolute_url()]
    assert helped.get_absolute_url() not in {row.url for row in second_review.rows}
    # the linked list says the same
    client.force_login(first)
    assert client.get("/admin/compliance/controlcheck/?review=1").context["cl"].result_count == 0


def test_an_employee_counts_only_their_own_checks_and_gets_no_admin_lines(client, employee, make_user):
    other = make_user(roles.EMPLOYEE, username="colleague")
    control_of(other, "LR-902")  # overdue checks of someone else
    mine = control_of(employee, "LR-903")
    overdue_mine = mine.checks.filter(due_date__lt=timezone.localdate()).count()
    assert overdue_mine > 0

    found = lines(client, employee)
    assert found[OVERDUE_MINE].count == overdue_mine
    client.force_login(employee)
    page = client.get("/")
    assert [section.role for section in page.context["sections"]] == [roles.EMPLOYEE]
    assert "/admin/" not in page.content.decode()
    assert all(row.url.startswith("/checks/") for row in found[OVERDUE_MINE].rows)


def test_the_query_string_does_not_change_the_counts(client, employee):
    control_of(employee, "LR-904")
    plain = lines(client, employee)[OVERDUE_MINE].count
    client.force_login(employee)
    steered = client.get("/?overdue=false&status=accepted&mine=0&review=1")
    counts = {line.label: line.count for section in steered.context["sections"] for line in section.lines}
    assert counts[OVERDUE_MINE] == plain > 0


@pytest.mark.parametrize(
    ("role", "forbidden"),
    [
        (roles.PRIVACY_OFFICER, ["Als security officer", "Als beheerder", "/admin/incidents/", "/admin/auth/user/"]),
        (roles.SECURITY_OFFICER, ["Als privacyfunctionaris", "/admin/privacy/databreach/", "/admin/auth/user/"]),
        (roles.WORKSHOP_COORDINATOR, ["Als auditor", "/admin/compliance/", "/admin/privacy/dpia/"]),
        (roles.AUDITOR, ["Als beheerder", "/admin/auth/user/", "/admin/axes/"]),
        (roles.ADMINISTRATOR, ["Als security officer", "/admin/compliance/", "/admin/incidents/"]),
    ],
)
def test_a_role_sees_no_section_or_line_of_another_role(client, make_user, role, forbidden):
    client.force_login(make_user(role))
    page = client.get("/").content.decode()
    for text in forbidden:
        assert text not in page, (role, text)


def test_a_line_on_a_list_the_user_may_not_open_is_left_out(client, make_user):
    """A security officer whose role lost the right to see follow-up actions keeps the
    section but not that line (its count would be of a list they cannot open)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    officer = make_user(roles.SECURITY_OFFICER, username="limited")
    assert any(label.startswith("Actiepunten") for label in lines(client, officer))
    Group.objects.get(name=roles.SECURITY_OFFICER).permissions.remove(
        *Permission.objects.filter(codename__in=["view_followupaction", "change_followupaction"])
    )
    officer = get_user_model().objects.get(pk=officer.pk)  # a fresh permission cache
    labels = set(lines(client, officer))
    assert not any(label.startswith("Actiepunten") for label in labels)
    assert REVIEW in labels


def test_dates_are_amsterdam_time_in_dutch():
    assert when(datetime(2026, 11, 30, 9, 38, tzinfo=UTC)) == "30 november 2026 10:38"
    assert when(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "1 juli 2026 10:05"
    assert when(date(2026, 3, 9)) == "9 maart 2026"
    assert when(None) == "—"


def test_a_running_breach_clock_counts_down_and_a_passed_one_says_so(client, privacy_officer):
    from privacy.models import DataBreach

    now = timezone.now()
    for reference, hours_ago in (("dl-t-1", 70), ("dl-t-2", 80)):
        DataBreach.objects.create(
            reference=reference,
            title=f"Lek {reference}",
            aware_at=now - timedelta(hours=hours_ago),
            nature="x",
            recorded_by=privacy_officer,
        )
    line = lines(client, privacy_officer)["Datalekken waarvan de 72-uursklok loopt"]
    assert line.count == 2 and line.urgent
    # most urgent first: the one whose deadline passed, then the one with two hours left
    assert line.rows[0].text.startswith("DL-T-2") and "termijn verstreken" in line.rows[0].detail
    assert line.rows[1].text.startswith("DL-T-1") and "nog 1 uur" in line.rows[1].detail
