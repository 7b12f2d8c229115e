from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisatie")

    def ready(self) -> None:
        from accounts import roles
        from core.history import track_app
        from organisation import demo, reminders  # noqa: F401  (they register themselves)

        track_app(self)
        roles.grant(roles.SECURITY_OFFICER, self.label, ["service", "availability"])
        roles.grant(roles.SECURITY_OFFICER, self.label, ["person", "department"], ["view"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["service", "person", "department"], ["view"])
        roles.grant(roles.WORKSHOP_COORDINATOR, self.label, ["person", "department"], ["view"])
        roles.grant(roles.EMPLOYEE, self.label, ["service"], ["view"])
        roles.grant(roles.ADMINISTRATOR, self.label, ["person", "department"])
        roles.auditor_reads(self.label)
        register_picker_labels()


def person_label(person: object) -> str:
    """A person as pickers show them: full name and department, never the user name."""
    user = person.user  # type: ignore[attr-defined]
    name = user.get_full_name() or user.get_username()
    return f"{name} ({person.department.name})"  # type: ignore[attr-defined]


def full_name(user: object) -> str:
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]


def user_label(user: object) -> str:
    name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
    person = getattr(user, "person", None)
    return f"{name} ({person.department.name})" if person is not None else name


def register_picker_labels() -> None:
    from django.contrib.auth import get_user_model

    from core.pickers import register_label
    from organisation.models import Person

    # Only active accounts are offered; a former owner still shows on the record itself.
    register_label(
        get_user_model(),
        user_label,
        select_related=["person__department"],
        ordering=["last_name", "first_name", "username"],
        filter={"is_active": True},
        column=full_name,
    )
    register_label(
        Person,
        person_label,
        select_related=["user", "department"],
        ordering=["user__last_name", "user__first_name"],
        filter={"user__is_active": True},
    )
