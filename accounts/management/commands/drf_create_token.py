"""`manage.py drf_create_token USERNAME`: a new API token (django-rest-knox) for that user.

The key is printed once and only its hash is stored; it expires after API_TOKEN_TTL_DAYS.
The name is the one the integration contract with the SOC supplier uses."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Create an API token for a user and print its key once (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        instance, key = AuthToken.objects.create(user=user)
        self.stdout.write(f"Generated token {key} for user {username}")
        self.stdout.write(f"Expires: {instance.expiry.isoformat() if instance.expiry else 'never'}")
