from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from incidents.roles import SOC_SUPPLIER


class Command(BaseCommand):
    help = (
        "Create (or find) the SOC supplier's user in the group SOC-leverancier, without a password; "
        "then make its token with `manage.py drf_create_token USERNAME` (it expires after API_TOKEN_TTL_DAYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, username: str, email: str, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": False}
        )
        if created:
            user.set_unusable_password()  # the supplier signs in with its token only
            user.save()
        user.groups.add(Group.objects.get(name=SOC_SUPPLIER))
        self.stdout.write(f"{'Aangemaakt' if created else 'Bestaat al'}: {username} in {SOC_SUPPLIER}.")
        self.stdout.write(f"Token: manage.py drf_create_token {username}")
