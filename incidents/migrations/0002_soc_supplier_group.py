"""Create the SOC supplier's group. It holds no model permission: its members may only
post detections to the SOC intake endpoint."""

from django.db import migrations

SOC_SUPPLIER = "SOC-leverancier"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=SOC_SUPPLIER)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=SOC_SUPPLIER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
