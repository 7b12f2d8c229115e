"""Create the role groups. Their permissions are set after every migrate by
accounts.apps.sync_roles_after_migrate, so that models added later get theirs."""

from django.db import migrations

ROLE_NAMES = [
    "Security officer",
    "Privacyfunctionaris",
    "Workshopcoördinator",
    "Auditor",
    "Medewerker",
    "Beheerder",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
