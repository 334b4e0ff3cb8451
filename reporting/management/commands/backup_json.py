from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand

# What a restore recreates by itself (content types, permissions) or must not bring back (sessions, login locks,
# the files of downloads and the background worker's queue).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "reporting.PreparedDownload",
    "django_tasks_database",
]
FORMAT = "json-exact"  # JSON that keeps the microseconds; `loaddata` reads it as any .json file


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ dữ liệu ra một tệp JSON (khóa tự nhiên). Khôi phục: migrate một cơ sở dữ liệu trống "
        "rồi `manage.py loaddata TỆP`. Với PostgreSQL nên dùng pg_dump/pg_restore (xem README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="tệp .json sẽ ghi")

    def handle(self, *args, output, **options):
        serializers.register_serializer(FORMAT, "reporting.backup_json")
        call_command(
            "dumpdata",
            format=FORMAT,
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            indent=1,
            output=output,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {output}."))
