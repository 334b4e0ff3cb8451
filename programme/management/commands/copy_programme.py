from django.core.management.base import BaseCommand, CommandError

from programme.copying import CopyError, copy_plan, copy_programme
from programme.models import Programme, Unit


class Command(BaseCommand):
    help = (
        "Sao chép một chương trình sang năm khác hoặc địa bàn khác: nhóm nhiệm vụ, chỉ tiêu, quy tắc kiểm tra, "
        "kỳ báo cáo (dời theo số năm), lịch nhắc và phần đầu văn bản. Mặc định chỉ xem trước; thêm --apply để "
        "sao chép."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="mã chương trình gốc, ví dụ phong-tho-2024")
        parser.add_argument("--year", type=int, required=True, help="năm của chương trình mới")
        parser.add_argument("--code", default="", help="mã chương trình mới (mặc định: mã gốc đổi năm)")
        parser.add_argument("--area", default="", help="mã đơn vị địa bàn mới (mặc định: địa bàn của chương trình gốc)")
        parser.add_argument("--apply", action="store_true", help="sao chép thật (không có thì chỉ xem trước)")

    def handle(self, *args, source, year, code, area, apply, **options):
        programme = Programme.objects.select_related("area").filter(code=source).first()
        if programme is None:
            raise CommandError(f"Không có chương trình mã {source}.")
        unit = None
        if area:
            unit = Unit.objects.coded_in_year(area, year).first()  # the unit carrying the code in the new year
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {area} tồn tại trong năm {year}.")
        try:
            plan = copy_plan(programme, year=year, code=code, area=unit)
        except CopyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Chương trình mới {plan.code} ({plan.year}): {plan.title}")
        self.stdout.write(f"Địa bàn: {plan.area.name} ({plan.area.code})")
        for period in plan.periods:
            self.stdout.write(
                f"  kỳ {period.code}: {period.name}, {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}, "
                f"hạn nộp {period.due:%d/%m/%Y}"
            )
        for name, count in plan.counts:
            self.stdout.write(f"  {count} {name}")
        if not apply:
            self.stdout.write("Chỉ xem trước: chạy lại với --apply để sao chép.")
            return
        try:
            copy_programme(plan)
        except CopyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Đã sao chép {programme.code} thành {plan.code}. Số hiệu và ngày ban hành để trống.")
        )
