"""What happens around login and privilege changes: a success clears only that account's
failures; a user who gains a role or a permission loses their API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.http import HttpRequest


@receiver(user_logged_in, dispatch_uid="waarborg-reset-own-failures")
def reset_own_failures(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A successful login clears that account's failed attempts, and only those: failures
    of other accounts from the same address still count (settings: AXES_RESET_ON_SUCCESS is
    off because django-axes would delete every attempt from the address as well)."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()


def revoke_tokens_on_new_privilege(
    sender: object, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A user who gains a role or a permission loses their API tokens: a token was issued on
    what the user was then (a Medewerker's without a second factor), and must not carry the
    new rights past the second factor. They ask for a new one, giving it."""
    from knox.models import AuthToken

    if action != "post_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(...) or permission.user_set.add(...): pk_set are users
        AuthToken.objects.filter(user_id__in=pk_set).delete()
    else:
        AuthToken.objects.filter(user=instance).delete()


for _relation in (get_user_model().groups, get_user_model().user_permissions):
    m2m_changed.connect(
        revoke_tokens_on_new_privilege, sender=_relation.through, dispatch_uid=f"waarborg-revoke-{_relation.field.name}"
    )
