"""Roll-up of checks to controls and services, computed in the list's own query
(annotations), never with a query per row."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from compliance.models import FAILED_RESULTS, Control, ControlCheck
from compliance.models.controls import last_accepted_result, state_case
from organisation.models import Service


def controls_with_state(queryset: QuerySet[Control], today: date) -> QuerySet[Control]:
    """Annotate `last_result` and `state` on each control."""
    return queryset.with_state(today)  # type: ignore[attr-defined]


def services_with_state(queryset: QuerySet[Service], today: date) -> QuerySet[Service]:
    """Annotate `state` on each service from the active controls that cover it."""
    checks = ControlCheck.objects.filter(control__services=OuterRef("pk"), control__active=True)
    failed_controls = (
        Control.objects.filter(services=OuterRef("pk"), active=True)
        .annotate(last_result=last_accepted_result())
        .filter(last_result__in=FAILED_RESULTS)
    )
    return queryset.annotate(state=state_case(Exists(checks.overdue(today)), Exists(failed_controls), Exists(checks)))
