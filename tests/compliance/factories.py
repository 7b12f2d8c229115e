"""Row factories for the changelist and API list query-count tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from compliance.evidence import add_evidence
from compliance.models import Applicability, Control, FollowUpAction, Framework, Frequency, Policy, Requirement
from core.models import Reminder, log_event
from organisation.models import Availability, Department, Service

_n = itertools.count(1)


def _framework() -> Framework:
    return Framework.objects.get_or_create(urn="urn:test:fw", defaults={"ref_id": "fw", "name": "Test framework"})[0]


def requirement() -> Requirement:
    n = next(_n)
    return Requirement.objects.create(framework=_framework(), urn=f"urn:test:req:{n}", ref_id=f"R.{n}", position=n)


def service() -> Service:
    n = next(_n)
    return Service.objects.create(name=f"Dienst {n}", slug=f"dienst-{n}", domain=Service.Domain.ACCESS)


def control(owner: Any) -> Control:
    n = next(_n)
    made = Control.objects.create(
        code=f"F-{n:04d}",
        title=f"Maatregel {n}",
        owner=owner,
        evidence_owner=owner,
        frequency=Frequency.YEARLY,
        test_method="Bewijs",
        start_date=date(2021, 1, 1),
    )
    made.services.add(service())
    made.requirements.add(requirement())
    return made


def make_rows(model: str, count: int, owner: Any) -> None:
    """`count` rows of `model` (checks: `count` controls, each with its yearly checks)."""
    makers: dict[str, Callable[[], Any]] = {
        "department": lambda: Department.objects.create(name=f"Afdeling {next(_n)}", code=f"afd-{next(_n)}"),
        "service": service,
        "availability": lambda: Availability.objects.create(service=service(), month=date(2021, 1, 1), achieved=99),
        "followupaction": lambda: FollowUpAction.objects.create(
            title=f"Actie {next(_n)}",
            owner=owner,
            due_date=date(2021, 6, 1),
            source_type=ContentType.objects.get_for_model(Service),
            source_id=1,
        ),
        "event": lambda: log_event(service(), "test.event", actor=owner),
        "framework": lambda: Framework.objects.create(urn=f"urn:test:fw:{next(_n)}", ref_id="x", name="X"),
        "requirement": requirement,
        "applicability": lambda: Applicability.objects.create(
            requirement=requirement(), applicable=False, justification="Geen OT in gebruik"
        ),
        "control": lambda: control(owner),
        "controlcheck": lambda: control(owner),
        "evidence": lambda: add_evidence(control(owner).checks.first(), owner, note="Notitie"),
        "policy": lambda: Policy.objects.create(
            title=f"Beleid {next(_n)}", owner=owner, last_reviewed=date(2021, 1, 1)
        ),
        "reminder": lambda: Reminder.objects.create(
            recipient=owner,
            item_type=ContentType.objects.get_for_model(Service),
            item_id=next(_n),
            stage="due",
            due=timezone.now(),
            title="Iets",
        ),
    }
    if model == "person":
        return  # people come with every user the tests make
    for _ in range(count):
        makers[model]()
