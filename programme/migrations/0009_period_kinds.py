import django.db.models.deletion
from django.db import migrations, models

# The kinds a period could have before kinds were data, and "9 tháng", which was a quarter until then.
KINDS = [
    ("quarter", "Quý", False, 1),
    ("six_months", "6 tháng", False, 2),
    ("nine_months", "9 tháng", False, 3),
    ("year", "Năm", True, 4),
]


def create_kinds(apps, schema_editor):
    PeriodKind = apps.get_model("programme", "PeriodKind")
    for code, name, annual, order in KINDS:
        PeriodKind.objects.get_or_create(code=code, defaults={"name": name, "annual": annual, "order": order})


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0008_rules_limits_guidance"),
    ]

    operations = [
        migrations.CreateModel(
            name="PeriodKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="mã")),
                ("name", models.CharField(max_length=60, verbose_name="tên loại kỳ")),
                (
                    "annual",
                    models.BooleanField(
                        default=False,
                        help_text="Báo cáo kỳ loại này là báo cáo năm: chỉ tiêu đánh giá theo năm chỉ được đánh giá ở kỳ này.",
                        verbose_name="kỳ cả năm",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
            ],
            options={
                "verbose_name": "loại kỳ báo cáo",
                "verbose_name_plural": "loại kỳ báo cáo",
                "ordering": ["order", "code"],
            },
        ),
        migrations.RunPython(create_kinds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="period",
            name="kind",
            field=models.ForeignKey(
                db_column="kind",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="periods",
                to="programme.periodkind",
                to_field="code",
                verbose_name="loại kỳ",
            ),
        ),
    ]
