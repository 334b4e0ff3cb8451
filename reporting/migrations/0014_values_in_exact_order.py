import django.db.models.deletion
from django.db import migrations, models

from reporting.ranking import exact_value_order


def take_periods(apps, schema_editor):
    Value = apps.get_model("reporting", "Value")
    Submission = apps.get_model("reporting", "Submission")
    period = Submission.objects.filter(pk=models.OuterRef("submission_id")).values("period_id")
    Value.objects.update(period=models.Subquery(period))


class Migration(migrations.Migration):
    """A value keeps its report's period and its exact value's order, so that a target's units at a period are
    ranked by reading an index (``reporting.selectors.standing``)."""

    dependencies = [
        ("programme", "0021_document_marks_and_number_forms"),
        ("reporting", "0013_totals_with_gaps_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="value",
            name="period",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programme.period",
                verbose_name="kỳ",
            ),
        ),
        migrations.RunPython(take_periods, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="value",
            name="period",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="programme.period",
                verbose_name="kỳ",
            ),
        ),
        migrations.AddField(
            model_name="value",
            name="value_high",
            field=models.GeneratedField(
                db_persist=True,
                expression=exact_value_order()["value_high"],
                output_field=models.BigIntegerField(),
                verbose_name="thứ tự giá trị (31 chữ số nhị phân đầu)",
            ),
        ),
        migrations.AddField(
            model_name="value",
            name="value_low",
            field=models.GeneratedField(
                db_persist=True,
                expression=exact_value_order()["value_low"],
                output_field=models.BigIntegerField(),
                verbose_name="thứ tự giá trị (31 chữ số nhị phân sau)",
            ),
        ),
        migrations.AddIndex(
            model_name="value",
            index=models.Index(
                fields=["target", "period", "value_high", "value_low"], name="value_in_exact_order"
            ),
        ),
    ]
