from django.db import migrations


def create_questionnaire(apps, schema_editor):
    from privacy import default_questionnaire as data

    Questionnaire = apps.get_model("privacy", "Questionnaire")
    Question = apps.get_model("privacy", "Question")
    questionnaire, created = Questionnaire.objects.get_or_create(
        slug=data.SLUG,
        defaults={
            "name": data.NAME,
            "description": data.DESCRIPTION,
            "wp248_threshold": data.WP248_THRESHOLD,
            "score_threshold": data.SCORE_THRESHOLD,
        },
    )
    if not created:
        return
    for number, text, help_text, answer_type, weight, criterion in data.QUESTIONS:
        Question.objects.create(
            questionnaire=questionnaire,
            number=number,
            text=text,
            help_text=help_text,
            answer_type=answer_type,
            weight=weight,
            criterion=criterion,
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create_questionnaire, migrations.RunPython.noop)]
