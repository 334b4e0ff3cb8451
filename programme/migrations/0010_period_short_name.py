import math

from django.db import migrations, models


def short_name(period) -> str:
    """What chart axes said of a period before its short name was data."""
    if period.kind_id == "year":
        return "Năm"
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if period.kind_id == "quarter" and months == 3:
        return f"Q{math.ceil(period.end.month / 3)}"
    return f"{months}T"


def fill_short_names(apps, schema_editor):
    """Each period's short name as charts computed it; a "quarter" from the start of the year to the end of
    September (the "9 tháng" report) becomes of the kind "9 tháng"."""
    Period = apps.get_model("programme", "Period")
    for period in Period.objects.all():
        period.short_name = short_name(period)
        if period.kind_id == "quarter" and period.short_name == "9T":
            period.kind_id = "nine_months"
        period.save(update_fields=["short_name", "kind"])


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0009_period_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="period",
            name="short_name",
            field=models.CharField(
                default="",
                help_text="Nhãn trên trục biểu đồ, ví dụ Q1, 6T, 9T, Năm.",
                max_length=12,
                verbose_name="tên ngắn",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="period",
            name="name",
            field=models.CharField(
                help_text="Như văn bản gọi kỳ, viết hoa chữ đầu: Quý I năm 2024, 6 tháng đầu năm 2024, 9 tháng năm 2024, Năm 2024.",
                max_length=120,
                verbose_name="tên kỳ báo cáo",
            ),
        ),
        migrations.RunPython(fill_short_names, migrations.RunPython.noop),
    ]
