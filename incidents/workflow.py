"""The incident workflow: the one table of allowed status transitions and the one
function that enforces it. Incident.save() and Incident.clean() call it, so the admin,
the API, the SOC intake and the shell can never move an incident another way."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Status

# A new incident is triaged by the SOC supplier or goes straight to the own specialists;
# nothing is closed before it has been resolved; a resolved incident may be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.TRIAGE, Status.FOLLOW_UP}),
    Status.TRIAGE: frozenset({Status.FOLLOW_UP, Status.RESOLVED}),
    Status.FOLLOW_UP: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.FOLLOW_UP}),
    Status.CLOSED: frozenset(),
}
# Where an incident may start: new, or in triage when the SOC supplier reports it.
INITIAL_STATUSES = frozenset({Status.NEW, Status.TRIAGE})
OPEN_STATUSES = frozenset({Status.NEW, Status.TRIAGE, Status.FOLLOW_UP, Status.RESOLVED})


def allowed_next(status: str) -> list[str]:
    """The statuses an incident in `status` may move to, in workflow order."""
    return [s for s in Status.values if s in TRANSITIONS.get(status, frozenset())]


def ensure_transition_allowed(old: str | None, new: str) -> None:
    """Refuse a status change that the table does not allow (`old` None: a new incident)."""
    if old is None:
        if new not in INITIAL_STATUSES:
            raise ValidationError(
                {"status": _("Een incident begint als ‘nieuw’ of ‘triage’, niet als ‘%(new)s’.")},
                code="invalid_initial_status",
                params={"new": Status(new).label},
            )
        return
    if old == new:
        return
    if new not in TRANSITIONS.get(old, frozenset()):
        allowed = ", ".join(str(Status(s).label) for s in allowed_next(old)) or _("geen")
        raise ValidationError(
            {
                "status": _(
                    "Statuswijziging van ‘%(old)s’ naar ‘%(new)s’ is niet toegestaan (toegestaan: %(allowed)s)."
                )
                % {"old": Status(old).label, "new": Status(new).label, "allowed": allowed}
            },
            code="invalid_transition",
        )
