import django.db.models.deletion
from django.db import migrations, models


def link_by_reference(apps, schema_editor):
    """Breaches recorded before the link existed named their incident by its reference."""
    DataBreach = apps.get_model("privacy", "DataBreach")
    Incident = apps.get_model("incidents", "Incident")
    for breach in DataBreach.objects.exclude(incident_reference=""):
        incident = Incident.objects.filter(reference=breach.incident_reference).first()
        if incident:
            breach.incident = incident
            breach.save(update_fields=["incident"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_soc_supplier_group"),
        ("privacy", "0003_questionnaire_threshold_validator"),
    ]

    operations = [
        migrations.AddField(
            model_name="databreach",
            name="incident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="data_breaches",
                to="incidents.incident",
                verbose_name="incident",
            ),
        ),
        migrations.RunPython(link_by_reference, migrations.RunPython.noop),
        migrations.RemoveField(model_name="databreach", name="incident_reference"),
    ]
