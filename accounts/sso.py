"""Single sign-on with OpenID Connect (mozilla-django-oidc), configured by environment.

Off unless OIDC_ISSUER and OIDC_CLIENT_ID are set (see docs/operations.md). What it adds to the
library:

- The provider's endpoints come from its discovery document, fetched once and cached; the
  document must name the configured issuer.
- The ID token is checked completely: signature (RS256, the provider's JWKS), `iss` (the
  configured issuer), `aud` (our client id; `azp` when there are several), `exp`, `iat`, `nonce`.
  The library checks only the signature and the nonce.
- A person is identified by issuer and `sub` (accounts.models.SSOIdentity), never by user
  name: a login whose name is already a local account's is refused, not matched onto it.
- On every login the role groups are set from the provider's groups (OIDC_ROLE_MAPPING), so a
  role taken away at the provider is gone in Waarborg too. The Beheerder role is never given
  through single sign-on: the Beheerder logs in with a local account. Without any role the login
  is refused with an explanation.
- A role that needs a second factor is satisfied by the provider's `amr`/`acr`
  (OIDC_MFA_AMR / OIDC_MFA_ACR); otherwise Waarborg's own code is asked for after the login.
- Logging out also ends the provider's session (RP-initiated logout).
- Logins and refusals are recorded as events (core.models.Event).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core import checks
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.models import Event, log_event

from . import roles
from .middleware import PROVIDER_MFA_SESSION_KEY
from .models import SSOIdentity

logger = logging.getLogger(__name__)

# What the session remembers of a single sign-on login (the ID token itself is kept by the
# library under "oidc_id_token", for the provider's logout).
SSO_SESSION_KEY = "waarborg_sso"
DISCOVERY_CACHE_SECONDS = 3600
LEEWAY_SECONDS = 60

# Why a login is refused: the page's message (the event records the code).
REFUSALS = {
    "no_role": _("Uw account bij de identiteitsprovider heeft geen groep die een rol in Waarborg geeft."),
    "name_taken": _(
        "Er bestaat al een Waarborg-account met deze gebruikersnaam dat niet via single sign-on inlogt. "
        "Uit veiligheid wordt uw login daar niet aan gekoppeld. Vraag de Beheerder om het te regelen."
    ),
    "inactive": _("Uw Waarborg-account is uitgeschakeld. Neem contact op met de Beheerder."),
    "wrong_issuer": _("Het antwoord komt niet van de ingestelde identiteitsprovider."),
    "wrong_audience": _("Het antwoord van de identiteitsprovider is niet voor Waarborg bedoeld."),
    "invalid_token": _("Het antwoord van de identiteitsprovider is niet geldig."),
    "provider_error": _("De identiteitsprovider is niet bereikbaar of gaf een fout. Probeer het later opnieuw."),
}


class SSORefused(SuspiciousOperation):
    """A single sign-on login that is refused, with the reason as a code from REFUSALS."""

    def __init__(self, reason: str, **data: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.data = data


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", "") and getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def login_label() -> str:
    return str(getattr(settings, "OIDC_LOGIN_LABEL", "") or _("uw organisatie"))


# ---------------------------------------------------------------------------
# the provider's configuration (discovery)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


_discovered: dict[str, tuple[float, ProviderConfig]] = {}


def provider() -> ProviderConfig:
    """The configured provider's endpoints, from its discovery document (cached an hour)."""
    issuer = settings.OIDC_ISSUER
    cached = _discovered.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_CACHE_SECONDS:
        return cached[1]
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OpenID discovery at %s failed: %s", url, exc)
        raise SSORefused("provider_error", detail="discovery") from exc
    # OpenID Connect Discovery 4.3: the document names the issuer it was fetched for.
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise SSORefused("wrong_issuer", detail="discovery", issuer=str(document.get("issuer", "")))
    try:
        config = ProviderConfig(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            userinfo_endpoint=document.get("userinfo_endpoint", ""),
            jwks_uri=document["jwks_uri"],
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except KeyError as exc:
        raise SSORefused("provider_error", detail=f"discovery lacks {exc}") from exc
    _discovered[issuer] = (time.monotonic(), config)
    return config


def forget_provider() -> None:
    """Drop the cached discovery documents (tests, a changed configuration)."""
    _discovered.clear()


# ---------------------------------------------------------------------------
# roles and the second factor from the claims
# ---------------------------------------------------------------------------


def parse_role_mapping(text: str) -> dict[str, set[str]]:
    """ "group=Role;group=Role" -> {group: {roles}}. A group may be named more than once (several
    roles); role names are those of accounts/roles.py. Raises ValueError on anything else."""
    mapping: dict[str, set[str]] = {}
    for entry in text.replace("\n", ";").split(";"):
        if not entry.strip():
            continue
        group, sep, role = entry.partition("=")
        group, role = group.strip(), role.strip()
        if not sep or not group or not role:
            raise ValueError(f"OIDC_ROLE_MAPPING: expected group=Role, not {entry.strip()!r}")
        if role not in roles.ROLES:
            raise ValueError(f"OIDC_ROLE_MAPPING: unknown role {role!r} (roles: {', '.join(roles.ROLES)})")
        mapping.setdefault(group, set()).add(role)
    return mapping


def roles_for(groups: Any) -> set[str]:
    """The Waarborg roles the provider's groups give; never the Beheerder's."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        return set()
    mapping = parse_role_mapping(settings.OIDC_ROLE_MAPPING)
    granted: set[str] = set()
    for group in groups:
        granted |= mapping.get(str(group), set())
    return granted - {roles.ADMINISTRATOR}


def provider_proves_second_factor(id_token: dict[str, Any]) -> bool:
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(map(str, amr)) & set(settings.OIDC_MFA_AMR):
        return True
    acr = id_token.get("acr")
    return bool(acr) and str(acr) in set(settings.OIDC_MFA_ACR)


def record(name: str, user: Any = None, **data: Any) -> None:
    """An authentication event: about the user when there is one, else about the system."""
    if user is not None:
        log_event(user, name, actor=user, **data)
    else:
        Event.objects.create(name=name, object_repr=str(_("Single sign-on")), data=data)


# ---------------------------------------------------------------------------
# the authentication backend
# ---------------------------------------------------------------------------


class SSOBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of the authorization code flow (nothing else: a user name and
    password never reach it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # (the library's reads fixed endpoints from settings; these come from discovery per login)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not enabled() or "code" not in request.GET or "state" not in request.GET:
            return None
        # Only the callback view calls with the nonce and PKCE verifier it kept in the session;
        # a password login on a URL with ?code=&state= never reaches the provider.
        if not kwargs.get("nonce") or not kwargs.get("code_verifier") or set(kwargs) - {"nonce", "code_verifier"}:
            return None
        try:
            config = provider()
            self.OIDC_OP_TOKEN_ENDPOINT = config.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = config.userinfo_endpoint
            self.OIDC_OP_JWKS_ENDPOINT = config.jwks_uri
            self._issuer = config.issuer
            return super().authenticate(request, **kwargs)
        except SSORefused as exc:
            request._sso_refusal = exc  # type: ignore[attr-defined]
        except requests.RequestException as exc:
            logger.warning("single sign-on: the provider failed: %s", exc)
            request._sso_refusal = SSORefused("provider_error", detail=type(exc).__name__)  # type: ignore[attr-defined]
        except SuspiciousOperation as exc:  # the library's own checks (nonce, signature, key)
            request._sso_refusal = SSORefused("invalid_token", detail=str(exc))  # type: ignore[attr-defined]
        return None

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The library checks the signature only; check issuer, audience and lifetime as well."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError as exc:
            raise SSORefused("invalid_token", detail="header") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SSORefused("invalid_token", detail=f"alg {header.get('alg')!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.InvalidAudienceError as exc:
            raise SSORefused("wrong_audience", aud=_unverified(payload).get("aud")) from exc
        except jwt.InvalidIssuerError as exc:
            raise SSORefused("wrong_issuer", iss=_unverified(payload).get("iss")) from exc
        except jwt.PyJWTError as exc:
            raise SSORefused("invalid_token", detail=type(exc).__name__) from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SSORefused("wrong_audience", aud=audiences, azp=claims.get("azp"))
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return super().verify_token(token, **kwargs)
        except SSORefused:
            raise
        except SuspiciousOperation as exc:
            raise SSORefused("invalid_token", detail=str(exc)) from exc

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """Find the person by issuer and subject, or create the account; then set name, e-mail and
        roles from the claims. Refusals propagate (the library would swallow them)."""
        userinfo = self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        if userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise SSORefused("invalid_token", detail="userinfo sub differs from the ID token's")
        claims = {**userinfo, **payload}
        try:
            with transaction.atomic():
                user = self._user_for(claims)
                granted = self._apply_claims(user, claims)
        except SSORefused as exc:
            self.request._sso_refusal = exc  # type: ignore[attr-defined]
            return None
        if not user.is_active:
            self.request._sso_refusal = SSORefused("inactive", user=user.pk)  # type: ignore[attr-defined]
            return None
        if not granted:
            self.request._sso_refusal = SSORefused("no_role", user=user.pk)  # type: ignore[attr-defined]
            return None
        second_factor = provider_proves_second_factor(payload)
        self.request._sso_login = {  # type: ignore[attr-defined]
            "issuer": self._issuer,
            "subject": payload["sub"],
            "roles": sorted(granted),
            "provider_mfa": second_factor,
            "amr": payload.get("amr") or [],
            "acr": payload.get("acr") or "",
        }
        return user

    def _user_for(self, claims: dict[str, Any]) -> Any:
        identity = (
            SSOIdentity.objects.select_related("user")
            .filter(issuer=self._issuer, subject=claims["sub"])
            .select_for_update()
            .first()
        )
        if identity is not None:
            identity.last_login_at = timezone.now()
            identity.save(update_fields=["last_login_at"])
            return identity.user
        username = self._username(claims)
        if self.UserModel.objects.filter(username__iexact=username).exists():
            raise SSORefused("name_taken", username=username)
        user = self.UserModel(username=username)
        user.set_unusable_password()
        user.save()
        SSOIdentity.objects.create(user=user, issuer=self._issuer, subject=claims["sub"], last_login_at=timezone.now())
        return user

    def _username(self, claims: dict[str, Any]) -> str:
        for candidate in (claims.get("preferred_username"), claims.get("sub")):
            name = str(candidate or "").strip()
            if not name or len(name) > 150:
                continue
            try:
                UnicodeUsernameValidator()(name)
            except ValidationError:
                continue
            return name
        raise SSORefused("invalid_token", detail="no usable user name in the claims")

    def _apply_claims(self, user: Any, claims: dict[str, Any]) -> set[str]:
        """Name, e-mail and the role groups, as the provider says today."""
        name = str(claims.get("name") or "").strip()
        given, family = str(claims.get("given_name") or "").strip(), str(claims.get("family_name") or "").strip()
        if not (given or family) and name:
            given, _sep, family = name.partition(" ")
        user.first_name = given[:150]
        user.last_name = family[:150]
        user.email = str(claims.get("email") or "")[:254]
        granted = roles_for(claims.get(settings.OIDC_GROUP_CLAIM))
        # Privilege comes from the roles alone: staff (the admin) for every role but the
        # Medewerker's, as for local accounts; never superuser.
        user.is_superuser = False
        user.is_staff = bool(granted - {roles.EMPLOYEE})
        user.save()
        keep = user.groups.exclude(name__in=roles.ROLES)
        user.groups.set([*keep, *Group.objects.filter(name__in=granted)])
        user.user_permissions.clear()
        return granted

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _unverified(token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


# ---------------------------------------------------------------------------
# views
# ---------------------------------------------------------------------------


def refused_page(request: HttpRequest, refusal: SSORefused) -> HttpResponse:
    data = {key: value for key, value in refusal.data.items() if key != "user"}
    user = get_user_model().objects.filter(pk=refusal.data["user"]).first() if refusal.data.get("user") else None
    if user is not None:
        log_event(user, "auth.sso_refused", reason=refusal.reason, **data)
    else:
        record("auth.sso_refused", reason=refusal.reason, **data)
    template = "registration/sso_no_role.html" if refusal.reason == "no_role" else "registration/sso_refused.html"
    status = {"no_role": 200, "provider_error": 502}.get(refusal.reason, 403)
    context = {"message": REFUSALS.get(refusal.reason, REFUSALS["invalid_token"]), "label": login_label()}
    return render(request, template, context, status=status)


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce and PKCE in the session)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except SSORefused as exc:
            return refused_page(request, exc)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: log in, or say why not (and record it)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except SSORefused as exc:
            return refused_page(request, exc)
        except SuspiciousOperation as exc:  # a state this browser never sent: forged or replayed
            return refused_page(request, SSORefused("invalid_token", detail=str(exc)[:200]))

    def login_success(self) -> HttpResponse:
        response = super().login_success()  # auth.login: a new session key, the same data
        details = getattr(self.request, "_sso_login", {})
        session = self.request.session
        session[SSO_SESSION_KEY] = {"amr": details.get("amr", []), "acr": details.get("acr", "")}
        if details.get("provider_mfa"):
            session[PROVIDER_MFA_SESSION_KEY] = self.user.pk
        else:
            session.pop(PROVIDER_MFA_SESSION_KEY, None)
        from .middleware import requires_two_factor

        if not requires_two_factor(self.user):
            second_factor = "not_required"
        elif details.get("provider_mfa"):
            second_factor = "provider"
        else:
            second_factor = "waarborg"  # the middleware asks for Waarborg's own code next
        record(
            "auth.sso_login",
            self.user,
            issuer=details.get("issuer", ""),
            subject=details.get("subject", ""),
            roles=details.get("roles", []),
            second_factor=second_factor,
            amr=details.get("amr", []),
            acr=details.get("acr", ""),
        )
        return response

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "_sso_refusal", None)
        if refusal is not None:
            return refused_page(self.request, refusal)
        if self.request.GET.get("error"):
            record("auth.sso_refused", reason="provider_error", error=self.request.GET.get("error", "")[:100])
        messages.error(self.request, _("Inloggen via %(label)s is niet gelukt.") % {"label": login_label()})
        return HttpResponseRedirect(reverse("login"))


class LogoutView(auth_views.LogoutView):
    """Waarborg's logout; after a single sign-on login it ends the provider's session as well."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token") if enabled() else None
        response = super().post(request, *args, **kwargs)
        if not id_token:
            return response
        try:
            end_session = provider().end_session_endpoint
        except SSORefused:
            return response
        if not end_session:
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
            }
        )
        # A page that moves on by itself (meta refresh, and a link), not a redirect: the logout is
        # a form post, and the Content Security Policy's form-action ('self') would stop a browser
        # from following a redirect to the provider.
        page = render(
            request,
            "registration/sso_logout.html",
            {"end_session_url": f"{end_session}?{query}", "label": login_label()},
        )
        page["Cache-Control"] = "no-store"
        return page


# ---------------------------------------------------------------------------
# configuration check
# ---------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_sso_settings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The role mapping must parse; a Beheerder entry is reported (it is never applied)."""
    if not enabled():
        return []
    problems: list[checks.CheckMessage] = []
    try:
        mapping = parse_role_mapping(settings.OIDC_ROLE_MAPPING)
    except ValueError as exc:
        return [checks.Error(str(exc), id="accounts.E010")]
    if not mapping:
        empty = "OIDC_ROLE_MAPPING is empty: every single sign-on login is refused."
        problems.append(checks.Warning(empty, id="accounts.W011"))
    admin_groups = sorted(group for group, names in mapping.items() if roles.ADMINISTRATOR in names)
    if admin_groups:
        problems.append(
            checks.Warning(
                f"OIDC_ROLE_MAPPING maps {', '.join(admin_groups)} to the Beheerder role, which single sign-on "
                "never gives (the Beheerder logs in with a local account).",
                id="accounts.W012",
            )
        )
    if not settings.OIDC_RP_CLIENT_SECRET:
        problems.append(checks.Error("OIDC_CLIENT_SECRET_FILE is not set.", id="accounts.E013"))
    return problems
