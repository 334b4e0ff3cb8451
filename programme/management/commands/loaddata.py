from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError


class Command(loaddata.Command):
    """Django's loaddata (all files in one transaction), with a plain statement that nothing was loaded."""

    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except (DeserializationError, DatabaseError, ValueError) as error:
            raise CommandError(
                f"Không nạp được dữ liệu, không có gì được ghi vào cơ sở dữ liệu. Nguyên nhân: {error}"
            ) from error
