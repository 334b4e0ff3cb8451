from django.core.management.base import BaseCommand, CommandError

from reporting.totals import totals_differences

SHOWN = 50  # differences printed, unless asked for all: after loaddata every row is missing


class Command(BaseCommand):
    help = (
        "Tính lại các tổng số liệu lưu sẵn cho các bảng theo dõi từ số liệu của các báo cáo, in mọi chỗ sai lệch "
        "và sửa lại. Chạy sau loaddata hoặc khi khôi phục dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="chỉ kiểm tra: không sửa, kết thúc với mã lỗi khi có sai lệch"
        )

    def handle(self, *args, check, verbosity, **options):
        differences = totals_differences(repair=not check)
        shown = differences if verbosity > 1 else differences[:SHOWN]
        for difference in shown:
            self.stdout.write(str(difference))
        if len(shown) < len(differences):
            self.stdout.write(f"… và {len(differences) - len(shown)} sai lệch khác (in hết với -v 2).")
        if not differences:
            self.stdout.write("Các tổng số liệu lưu sẵn khớp với số liệu của các báo cáo.")
        elif check:
            raise CommandError(f"{len(differences)} tổng số liệu lưu sẵn sai lệch với số liệu của các báo cáo.")
        else:
            self.stdout.write(f"Đã sửa {len(differences)} tổng số liệu lưu sẵn cho khớp với số liệu của các báo cáo.")
