"""POST /api/v1/auth/token/: a user name, password and (for everyone who needs a second
factor) a one-time code give an API token. Locked out by django-axes like every other
login, and throttled. Tokens (django-rest-knox) are stored as a hash, shown once and expire
after API_TOKEN_TTL_DAYS; POST /api/v1/auth/token/revoke/ revokes the token it is sent with."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..middleware import requires_two_factor

# One answer for every refusal: a wrong password and a missing or wrong one-time code look
# the same, so the endpoint does not confirm a guessed password.
REFUSED = _("Onjuiste gebruikersnaam, wachtwoord of eenmalige code")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True, help_text="TOTP- of herstelcode")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        user = authenticate(request._request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(REFUSED)
        if requires_two_factor(user) and not self._otp_ok(user, attrs.get("otp", "")):
            # counts as a failed login for the lockout, like a wrong password
            user_login_failed.send(
                sender=__name__, credentials={"username": attrs["username"]}, request=request._request
            )
            raise serializers.ValidationError(REFUSED)
        attrs["user"] = user
        return attrs

    @staticmethod
    def _otp_ok(user: Any, token: str) -> bool:
        token = token.strip()
        return bool(token) and any(d.verify_token(token) for d in devices_for_user(user, confirmed=True))


class ObtainToken(APIView):
    """Exchange a username, a password and (where the role needs one) a second-factor code for
    an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token_login"

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, key = AuthToken.objects.create(user=serializer.validated_data["user"])
        # the key is shown here once; only its hash is stored
        return Response({"token": key, "expiry": instance.expiry})


class RevokeToken(APIView):
    """Revoke the token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
