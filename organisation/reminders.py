"""Escalations of reminders go to the recipient's manager, as the organisation records it."""

from typing import Any

from core.reminders import register_manager_lookup
from organisation.models import Person


@register_manager_lookup
def managers_of(user_ids: list[int]) -> dict[int, Any]:
    people = Person.objects.filter(user_id__in=user_ids, manager__isnull=False).select_related("manager__user")
    return {person.user_id: person.manager.user for person in people}  # type: ignore[union-attr]
