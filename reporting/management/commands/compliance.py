from django.core.management.base import BaseCommand, CommandError

from programme.models import Period
from programme.selectors import period_with_programme
from reporting.exports import as_csv, as_json, as_table
from reporting.selectors.compliance import district_compliance

FORMATS = {"table": as_table, "csv": as_csv, "json": as_json}


class Command(BaseCommand):
    help = "In kết quả thực hiện các chỉ tiêu của toàn địa bàn trong một kỳ báo cáo (ví dụ 2024Q1, 2024S1, 2024)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="mã kỳ báo cáo, ví dụ 2024S1")
        parser.add_argument("--format", choices=sorted(FORMATS), default="table")
        parser.add_argument("--by-unit", action="store_true", help="thêm một dòng cho mỗi đơn vị và chỉ tiêu")
        parser.add_argument("--approved-only", action="store_true", help="chỉ tính báo cáo đã duyệt")
        parser.add_argument("--programme", help="mã chương trình, khi mã kỳ có trong nhiều chương trình")

    def handle(self, *args, period, format, by_unit, approved_only, programme, **options):
        try:
            found = period_with_programme(period, programme)
        except (Period.DoesNotExist, Period.MultipleObjectsReturned) as error:
            raise CommandError(str(error)) from error
        # The CSV judges each unit as it writes its row (``as_csv``); the other formats need the units' results.
        judged_by_unit = by_unit and format != "csv"
        report = district_compliance(found, approved_only=approved_only, by_unit=judged_by_unit)
        self.stdout.write(FORMATS[format](report, by_unit=by_unit), ending="")
