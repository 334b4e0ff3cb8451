import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programme.models import Period
from programme.selectors import period_with_programme
from reporting.official_report import build_official_report


class Command(BaseCommand):
    help = "Lập báo cáo chính thức của Ban (tệp DOCX, thể thức văn bản của Đảng) cho một kỳ báo cáo."

    def add_arguments(self, parser):
        parser.add_argument("period", help="mã kỳ báo cáo, ví dụ 2024S1")
        parser.add_argument("--output", required=True, help="tệp DOCX sẽ ghi, ví dụ bao-cao-2024S1.docx")
        parser.add_argument("--number", default="", help="số văn bản, ví dụ 12; để trống thì chừa chỗ ghi tay")
        parser.add_argument("--date", help="ngày ký, dạng YYYY-MM-DD; mặc định hôm nay")
        parser.add_argument("--approved-only", action="store_true", help="chỉ tính báo cáo đã duyệt")
        parser.add_argument("--programme", help="mã chương trình, khi mã kỳ có trong nhiều chương trình")

    def handle(self, *args, period, output, number, date, approved_only, programme, **options):
        try:
            found = period_with_programme(period, programme)
        except (Period.DoesNotExist, Period.MultipleObjectsReturned) as error:
            raise CommandError(str(error)) from error
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"Ngày “{date}” không hợp lệ; cần dạng YYYY-MM-DD, ví dụ 2025-02-05.") from error
        if len(number.strip()) > 20:
            raise CommandError("Số văn bản quá dài (tối đa 20 ký tự).")
        content = build_official_report(found, number=number, approved_only=approved_only, report_date=day)
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {output}: {error.strerror}.") from error
        self.stdout.write(f"Đã ghi báo cáo {found.name} vào {output}.")
