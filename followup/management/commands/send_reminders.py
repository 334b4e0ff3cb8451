"""``manage.py send_reminders``: the daily reminders to the units that have not reported (run once a day by a
timer; running it again the same day sends nothing twice)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from followup.reminders import send_reminders


class Command(BaseCommand):
    help = "Nhắc các đơn vị chưa nộp báo cáo theo lịch nhắc hạn của chương trình (chạy mỗi ngày một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay, giờ Hà Nội).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ngày “{date}” không đúng dạng YYYY-MM-DD.") from None
        sent = send_reminders(today)
        self.stdout.write(
            f"Đã nhắc {sent.reminders} lượt đơn vị: {sent.notifications} thông báo, {sent.emails} e-mail."
        )
