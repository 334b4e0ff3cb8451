"""Fix into every report already approved the MT5a/MT5b figures it shows now, as approving does from now on."""

from django.db import migrations


def fix_register_figures(apps, schema_editor):
    Submission = apps.get_model("reporting", "Submission")
    Value = apps.get_model("reporting", "Value")
    Target = apps.get_model("programme", "Target")
    ExemplaryModel = apps.get_model("programme", "ExemplaryModel")
    approved = Submission.objects.filter(status="approved").select_related("unit", "period__programme")
    for submission in approved.iterator():
        period, unit = submission.period, submission.unit
        targets = Target.objects.filter(programme=period.programme, applies_to=unit.kind_id).exclude(source="reported")
        if period.kind != "year":
            targets = targets.exclude(judged="annual")
        models = ExemplaryModel.objects.filter(
            unit=unit, year=period.programme.year, registered_on__lte=period.end
        )
        met = {
            "models_registered": models.exists(),
            "models_recognised": models.filter(recognised_on__lte=period.end).exists(),
        }
        for target in targets:
            Value.objects.get_or_create(
                submission=submission,
                target=target,
                defaults={"numerator": int(met[target.source]), "denominator": 1},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0002_programme_report_header"),
        ("reporting", "0002_text_labels"),
    ]

    operations = [migrations.RunPython(fix_register_figures, migrations.RunPython.noop)]
