"""Roll-up of checks to controls and services, computed in the list's own query
(annotations), never with a query per row."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from .models import FAILED_RESULTS, CheckStatus, Control, ControlCheck, ControlState, Service


def _last_accepted_result(control_ref: str = "pk") -> Subquery:
    latest = (
        ControlCheck.objects.filter(control=OuterRef(control_ref), status=CheckStatus.ACCEPTED)
        .order_by("-period_end", "-pk")
        .values("result")[:1]
    )
    return Subquery(latest, output_field=CharField())


def _state(has_overdue: Exists, failed_condition: object, has_checks: Exists) -> Case:
    return Case(
        When(has_overdue, then=Value(ControlState.OVERDUE)),
        When(failed_condition, then=Value(ControlState.FAILED)),  # type: ignore[arg-type]
        When(~has_checks, then=Value(ControlState.NONE)),
        default=Value(ControlState.ON_TRACK),
        output_field=CharField(),
    )


def controls_with_state(queryset: QuerySet[Control], today: date) -> QuerySet[Control]:
    """Annotate `last_result` and `state` on each control."""
    checks = ControlCheck.objects.filter(control=OuterRef("pk"))
    annotated = queryset.annotate(last_result=_last_accepted_result())

    return annotated.annotate(
        state=_state(Exists(checks.overdue(today)), Q(last_result__in=FAILED_RESULTS), Exists(checks))
    )


def services_with_state(queryset: QuerySet[Service], today: date) -> QuerySet[Service]:
    """Annotate `state` on each service from the active controls that cover it."""
    checks = ControlCheck.objects.filter(control__services=OuterRef("pk"), control__active=True)
    failed_controls = (
        Control.objects.filter(services=OuterRef("pk"), active=True)
        .annotate(last_result=_last_accepted_result())
        .filter(last_result__in=FAILED_RESULTS)
    )
    return queryset.annotate(state=_state(Exists(checks.overdue(today)), Exists(failed_controls), Exists(checks)))
