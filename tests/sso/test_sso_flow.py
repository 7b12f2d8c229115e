"""Single sign-on end to end: Waarborg's live server, a real OpenID provider (tests/sso/provider.mjs)
and an HTTP client that fills in the provider's forms."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import SSOIdentity
from core.models import Event

User = get_user_model()


def role_names(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(user.groups.values_list("name", flat=True))


def test_first_login_creates_the_user_with_the_mapped_roles(sso, visitor):
    response = visitor.sso_login("sanne", mfa=True)
    assert response.status_code == 200
    assert response.url.rstrip("/") == visitor.base, response.url
    assert visitor.logged_in()
    user = User.objects.get(username="sanne")
    assert role_names(user) == {roles.SECURITY_OFFICER}  # "kantine" is not in the mapping
    assert (user.first_name, user.last_name, user.email) == ("Sanne", "de Vries", "sanne@organisatie.example")
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    identity = SSOIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso.issuer, "sanne")
    event = Event.objects.get(name="auth.sso_login")
    assert event.object_id == user.pk
    assert event.data["second_factor"] == "provider"
    assert event.data["roles"] == [roles.SECURITY_OFFICER]
