"""POST /api/v1/auth/token/: a user name, password and (for roles that need it) a one-time
code give an API token. Locked out by django-axes like every other login, and throttled."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..middleware import requires_two_factor


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True, help_text="TOTP- of herstelcode / one-time code")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        user = authenticate(request._request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Onjuiste gebruikersnaam of wachtwoord / invalid credentials"))
        if requires_two_factor(user) and not self._otp_ok(user, attrs.get("otp", "")):
            raise serializers.ValidationError(
                {"otp": [_("Geldige eenmalige code vereist / valid one-time code required")]}
            )
        attrs["user"] = user
        return attrs

    @staticmethod
    def _otp_ok(user: Any, token: str) -> bool:
        token = token.strip()
        return bool(token) and any(d.verify_token(token) for d in devices_for_user(user, confirmed=True))


class ObtainToken(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token_login"

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
