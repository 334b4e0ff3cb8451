from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from reporting.imports import ImportFileError, ImportRejected, import_limits, import_values
from reporting.services import SubmissionError
from reporting.sheetreader import SheetRefused, check_file_size


class Command(BaseCommand):
    help = (
        "Nhập số liệu từ tệp CSV hoặc XLSX (cột unit,period,target,numerator,denominator) thành báo cáo "
        "đã nộp. Kiểm tra mọi dòng trước; có dòng lỗi thì không nhập gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .csv (UTF-8) hoặc .xlsx")
        parser.add_argument("--programme", help="mã chương trình, khi mã kỳ có trong nhiều chương trình")

    def handle(self, *args, file, programme, **options):
        path = Path(file)
        try:
            check_file_size(path.stat().st_size, import_limits())  # before a huge file is read into memory
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không mở được tệp {path}: {error.strerror}.") from error
        except SheetRefused as refused:
            raise CommandError(f"{path.name}: {refused}") from refused
        try:
            result = import_values(data, path.name, programme_code=programme, actor_label=f"import_values {path.name}")
        except ImportFileError as error:
            raise CommandError(f"{path.name}: {error}") from error
        except ImportRejected as rejected:
            for row_error in rejected.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"Không nhập dòng nào: {len(rejected.errors)} dòng lỗi.") from None
        except SubmissionError as error:
            raise CommandError(f"Không nhập dòng nào: {error}") from error
        except DatabaseError as error:  # the whole file is one transaction, rolled back
            raise CommandError(
                f"Không nhập dòng nào: cơ sở dữ liệu báo lỗi ({error}); không báo cáo nào thay đổi. Hãy thử lại."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(f"Đã nhập {result.rows} dòng vào {result.submissions} báo cáo (trạng thái: đã nộp).")
        )
