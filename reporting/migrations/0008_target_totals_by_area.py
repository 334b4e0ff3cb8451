import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The kept sums become one row per area (every unit under a unit that has units), with the units expected
    and the register's count in them. The rows are made again from the values after the migration
    (``reporting.apps.fill_totals``)."""

    dependencies = [
        ("programme", "0007_unit_tree_order"),
        ("reporting", "0007_prepared_download"),
    ]

    operations = [
        migrations.DeleteModel(name="TargetTotals"),
        migrations.CreateModel(
            name="TargetTotals",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("approved_only", models.BooleanField(verbose_name="chỉ báo cáo đã duyệt")),
                ("numerator", models.BigIntegerField(verbose_name="tổng tử số")),
                ("denominator", models.BigIntegerField(verbose_name="tổng mẫu số")),
                ("units_reporting", models.PositiveIntegerField(verbose_name="số đơn vị báo cáo")),
                ("units_meeting", models.PositiveIntegerField(verbose_name="số đơn vị đạt")),
                ("units_not_applicable", models.PositiveIntegerField(verbose_name="số đơn vị không áp dụng")),
                ("live", models.PositiveIntegerField(verbose_name="số đơn vị sổ mô hình hiện tính đạt")),
                ("units_expected", models.PositiveIntegerField(verbose_name="số đơn vị phải báo cáo")),
                (
                    "units_in_register",
                    models.PositiveIntegerField(verbose_name="số đơn vị sổ mô hình hiện tính đạt (mọi đơn vị)"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programme.unit",
                        verbose_name="địa bàn",
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programme.period",
                        verbose_name="kỳ",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programme.target",
                        verbose_name="chỉ tiêu",
                    ),
                ),
            ],
            options={
                "verbose_name": "tổng số liệu",
                "verbose_name_plural": "tổng số liệu",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("area", "period", "target", "approved_only"), name="target_totals_one_per_area"
                    )
                ],
            },
        ),
    ]
