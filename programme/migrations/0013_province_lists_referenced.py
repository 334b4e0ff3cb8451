import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    """The register's field and level refer to the lists' codes, in the same columns as before."""

    dependencies = [
        ("programme", "0012_province_lists"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exemplarymodel",
            name="field",
            field=models.ForeignKey(
                db_column="field",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="models",
                to="programme.modelfield",
                to_field="code",
                verbose_name="lĩnh vực",
            ),
        ),
        migrations.AlterField(
            model_name="exemplarymodel",
            name="recognition_level",
            field=models.ForeignKey(
                blank=True,
                db_column="recognition_level",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="models",
                to="programme.recognitionlevel",
                to_field="code",
                verbose_name="cấp công nhận",
            ),
        ),
        migrations.AddConstraint(
            model_name="exemplarymodel",
            constraint=models.CheckConstraint(
                condition=Q(recognised_on__isnull=True, recognition_level__isnull=True)
                | Q(recognised_on__isnull=False, recognition_level__isnull=False),
                name="model_recognition_complete",
                violation_error_message="Công nhận điển hình cần cả ngày và cấp công nhận.",
            ),
        ),
    ]
