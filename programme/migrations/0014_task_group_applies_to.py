from django.db import migrations, models


def every_kind(apps, schema_editor):
    """Task groups made before groups applied by kind are asked of every kind, as they were."""
    TaskGroup = apps.get_model("programme", "TaskGroup")
    UnitKind = apps.get_model("programme", "UnitKind")
    kinds = list(UnitKind.objects.all())
    for group in TaskGroup.objects.all():
        group.applies_to.set(kinds)


class Migration(migrations.Migration):
    """A task group applies to unit kinds, as a target does: a kind it does not apply to is not asked for it."""

    dependencies = [
        ("programme", "0013_province_lists_referenced"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskgroup",
            name="applies_to",
            field=models.ManyToManyField(
                help_text="Loại đơn vị viết kết quả nhóm nhiệm vụ này trong báo cáo; loại khác không được hỏi.",
                related_name="task_groups",
                to="programme.unitkind",
                verbose_name="áp dụng cho",
            ),
        ),
        migrations.RunPython(every_kind, migrations.RunPython.noop),
    ]
