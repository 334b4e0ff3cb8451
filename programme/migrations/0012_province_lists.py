import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

BASIS = "Kết luận 69-KL/TU"

# The fields and levels the register offered before they were data. "Cấp huyện" ends with the districts.
FIELDS = [
    ("economy", "Phát triển kinh tế, thay đổi tập quán lạc hậu, áp dụng khoa học kỹ thuật vào sản xuất", 1),
    ("forest", "Bảo vệ và phát triển rừng", 2),
    ("culture", "Bảo tồn, phát huy văn hóa tốt đẹp các dân tộc", 3),
    ("customs", "Xóa bỏ tập tục lạc hậu", 4),
    ("security", "Bảo vệ an ninh, trật tự, biên giới", 5),
]
LEVELS = [
    ("commune", "Cấp xã", 1, None),
    ("district", "Cấp huyện", 2, "2025-06-30"),
    ("province", "Cấp tỉnh", 3, None),
    ("national", "Toàn quốc", 4, None),
]


def create_lists(apps, schema_editor):
    ModelField = apps.get_model("programme", "ModelField")
    RecognitionLevel = apps.get_model("programme", "RecognitionLevel")
    for code, name, order in FIELDS:
        ModelField.objects.get_or_create(code=code, defaults={"name": name, "basis": BASIS, "order": order})
    for code, name, order, until in LEVELS:
        RecognitionLevel.objects.get_or_create(code=code, defaults={"name": name, "order": order, "valid_until": until})


def no_level_is_null(apps, schema_editor):
    """A model not recognised had the empty level ""; a reference to no level is NULL."""
    apps.get_model("programme", "ExemplaryModel").objects.filter(recognition_level="").update(recognition_level=None)


def no_level_is_empty(apps, schema_editor):
    apps.get_model("programme", "ExemplaryModel").objects.filter(recognition_level=None).update(recognition_level="")


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0011_admin_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="ModelField",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="mã")),
                ("name", models.CharField(max_length=200, verbose_name="tên lĩnh vực")),
                (
                    "basis",
                    models.CharField(
                        help_text="Ví dụ: Kết luận 69-KL/TU.", max_length=120, verbose_name="văn bản quy định"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="Chỉ lĩnh vực đang áp dụng được chọn khi đăng ký mô hình mới.",
                        verbose_name="đang áp dụng",
                    ),
                ),
            ],
            options={
                "verbose_name": "lĩnh vực mô hình “Dân vận khéo”",
                "verbose_name_plural": "lĩnh vực mô hình “Dân vận khéo”",
                "ordering": ["order", "code"],
            },
        ),
        migrations.CreateModel(
            name="RecognitionLevel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="mã")),
                ("name", models.CharField(max_length=60, verbose_name="tên cấp")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
                (
                    "valid_from",
                    models.DateField(
                        blank=True, help_text="Để trống: không giới hạn.", null=True, verbose_name="áp dụng từ ngày"
                    ),
                ),
                (
                    "valid_until",
                    models.DateField(
                        blank=True,
                        help_text="Để trống: không giới hạn.",
                        null=True,
                        verbose_name="áp dụng đến hết ngày",
                    ),
                ),
            ],
            options={
                "verbose_name": "cấp công nhận điển hình",
                "verbose_name_plural": "cấp công nhận điển hình",
                "ordering": ["order", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=Q(valid_from__isnull=True)
                        | Q(valid_until__isnull=True)
                        | Q(valid_until__gte=models.F("valid_from")),
                        name="recognition_level_valid_span",
                        violation_error_message="Ngày hết áp dụng không thể trước ngày bắt đầu áp dụng.",
                    )
                ],
            },
        ),
        migrations.RunPython(create_lists, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="exemplarymodel", name="model_recognition_complete"),
        migrations.AlterField(
            model_name="exemplarymodel",
            name="recognition_level",
            field=models.CharField(blank=True, max_length=20, null=True, verbose_name="cấp công nhận"),
        ),
        migrations.RunPython(no_level_is_null, no_level_is_empty),
    ]
