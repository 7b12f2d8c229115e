"""Every picker (admin autocomplete field) answers to each role that may edit its record, shows
people by full name and department, and refuses everyone else; the user admin stays the
Beheerder's."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.models import Framework, Requirement
from incidents.models import Exercise, Incident
from organisation.models import Service
from privacy.models import (
    DPIA,
    ProcessingActivity,
    Questionnaire,
    SelfAssessment,
    WorkshopSeries,
    WorkshopSession,
)
from tests.conftest import ROLE_FIXTURES

URL = "/admin/autocomplete/"


def pickers() -> list[tuple[Any, str]]:
    """(model, field name) of every autocomplete field of every registered admin and its inlines."""
    found = set()
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            found.add((model, name))
        for inline in model_admin.inlines:
            for name in getattr(inline, "autocomplete_fields", ()):
                found.add((inline.model, name))
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1]))


PICKERS = pickers()


@pytest.fixture
def targets(db, make_user) -> None:  # type: ignore[no-untyped-def]
    """At least one record of every model a picker points at."""
    owner = make_user(None, first_name="Olga", last_name="Eigenaar")
    framework = Framework.objects.create(urn="urn:test:fw", ref_id="fw", name="Kader")
    Requirement.objects.create(framework=framework, urn="urn:test:r1", ref_id="R.1", position=1)
    service = Service.objects.create(name="DigiD", slug="digid", domain=Service.Domain.ACCESS)
    now = timezone.now()
    Incident.objects.create(
        title="Storing",
        category="storing",
        severity="middel",
        detection_source="eigen_monitoring",
        started_at=now,
        detected_at=now,
    )
    Exercise.objects.create(
        name="Oefening", kind=Exercise._meta.get_field("kind").choices[0][0], held_on=date(2021, 1, 1)
    )
    activity = ProcessingActivity.objects.create(
        code="vw-1",
        name="Inloggen",
        controller_contact="Logius",
        dpo_contact="FG",
        registered_on=date(2021, 1, 1),
        owner=owner,
    )
    questionnaire = Questionnaire.objects.get(slug="pre-scan-dpia")
    SelfAssessment.objects.create(
        questionnaire=questionnaire, service=service, assessor=owner, started_on=date(2021, 1, 1)
    )
    DPIA.objects.create(title="DPIA", owner=owner, activity=activity)
    series = WorkshopSeries.objects.create(
        name="Onboarding",
        slug="onboarding",
        kind=WorkshopSeries.Kind.ONBOARDING,
        first_start=datetime(2021, 1, 11, 10, tzinfo=timezone.get_current_timezone()),
        recurrence="FREQ=MONTHLY",
        duration_minutes=60,
        location="Den Haag",
        capacity=5,
        organizer=owner,
    )
    WorkshopSession.objects.create(
        series=series,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
        capacity=5,
        location="Den Haag",
    )


def may_edit(user: Any, model: Any) -> bool:
    opts = model._meta
    return user.is_staff and (
        user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


def ask(client: Any, model: Any, field: str, term: str = "") -> Any:
    opts = model._meta
    return client.get(
        URL, {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field, "term": term}
    )


def test_the_admin_has_pickers_to_check() -> None:
    targets = {model._meta.get_field(name).related_model._meta.label for model, name in PICKERS}
    assert {"auth.User", "organisation.Person", "incidents.Incident", "organisation.Service"} <= targets
    assert len(PICKERS) >= 40


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_every_picker_answers_its_editors_and_refuses_the_rest(role, request, client, targets) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    client.force_login(user)
    for model, field in PICKERS:
        response = ask(client, model, field)
        where = f"{role}: {model._meta.label}.{field}"
        if may_edit(user, model):
            assert response.status_code == 200, where
            assert response.json()["results"], where
        elif user.is_staff:
            assert response.status_code == 403, where
        else:
            # not an admin user at all: the admin sends them to its login page
            assert response.status_code == 302, where
            assert "/admin/login/" in response["Location"], where


def test_each_picker_has_a_role_that_may_use_it(db, request) -> None:  # type: ignore[no-untyped-def]
    users = [request.getfixturevalue(role) for role in ROLE_FIXTURES]
    orphans = [f"{m._meta.label}.{f}" for m, f in PICKERS if not any(may_edit(u, m) for u in users)]
    assert orphans == []


def test_people_are_shown_by_full_name_and_department(client, privacy_officer, make_user, department) -> None:  # type: ignore[no-untyped-def]
    colleague = make_user(None, username="jdevries", first_name="Jan", last_name="de Vries")
    client.force_login(privacy_officer)
    results = ask(client, ProcessingActivity, "owner", "Vries").json()["results"]
    assert results == [{"id": str(colleague.pk), "text": f"Jan de Vries ({department.name})"}]
    assert "jdevries" not in str(ask(client, ProcessingActivity, "owner").json())


def test_pickers_search_by_name_and_leave_out_inactive_accounts(client, security_officer, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(None, first_name="Anna", last_name="Actief")
    make_user(None, first_name="Vera", last_name="Vertrokken", is_active=False)
    client.force_login(security_officer)
    texts = [r["text"] for r in ask(client, Incident, "owner").json()["results"]]
    assert any(text.startswith("Anna Actief") for text in texts)
    assert not any("Vertrokken" in text for text in texts)
    texts = [r["text"] for r in ask(client, Incident, "owner", "Actief").json()["results"]]
    assert len(texts) == 1


def test_the_selected_person_on_a_form_shows_by_name(client, privacy_officer, department, targets) -> None:  # type: ignore[no-untyped-def]
    activity = ProcessingActivity.objects.get(code="vw-1")
    client.force_login(privacy_officer)
    page = client.get(f"/admin/privacy/processingactivity/{activity.pk}/change/").content.decode()
    assert f"Olga Eigenaar ({department.name})" in page


def test_a_picker_lists_no_more_than_a_page(client, security_officer, make_user) -> None:  # type: ignore[no-untyped-def]
    for n in range(25):
        make_user(None, first_name="Massa", last_name=f"Persoon {n:02d}")
    client.force_login(security_officer)
    body = ask(client, Incident, "owner", "Massa").json()
    assert len(body["results"]) == 20
    assert body["pagination"]["more"] is True


def test_a_crafted_field_that_is_no_picker_is_refused(client, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    """The privacy officer may edit breaches, but `recorded_by` is no picker: no user list through it."""
    client.force_login(privacy_officer)
    assert (
        client.get(URL, {"app_label": "privacy", "model_name": "databreach", "field_name": "recorded_by"}).status_code
        == 403
    )
    assert (
        client.get(URL, {"app_label": "privacy", "model_name": "databreach", "field_name": "nope"}).status_code == 403
    )
    assert client.get(URL, {"app_label": "auth", "model_name": "user", "field_name": "groups"}).status_code == 403
    assert client.get(URL, {"app_label": "privacy"}).status_code == 403


def test_a_picker_on_someone_elses_record_is_refused(client, privacy_officer, auditor) -> None:  # type: ignore[no-untyped-def]
    """Owners of controls are the security officer's to pick; viewing everything is not editing."""
    client.force_login(privacy_officer)
    assert ask(client, get_model("compliance.Control"), "owner").status_code == 403
    client.force_login(auditor)
    assert ask(client, ProcessingActivity, "owner").status_code == 403
    assert ask(client, get_model("organisation.Service"), "owner").status_code == 403


def get_model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


@pytest.mark.parametrize("role", [r for r in ROLE_FIXTURES if r != "administrator"])
def test_only_the_beheerder_opens_the_user_admin(role, request, client) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    other = get_user_model().objects.exclude(pk=user.pk).first() or user
    client.force_login(user)
    for url in ["/admin/auth/user/", f"/admin/auth/user/{other.pk}/change/", "/admin/auth/user/add/"]:
        assert client.get(url).status_code in (302, 403), (role, url)


def test_the_beheerder_still_opens_the_user_admin(client, administrator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(administrator)
    assert client.get("/admin/auth/user/").status_code == 200
