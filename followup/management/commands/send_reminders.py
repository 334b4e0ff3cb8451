"""``manage.py send_reminders``: the daily reminders to the units that have not reported, and to those that have
not delivered a milestone (run once a day by a timer; running it again the same day sends nothing twice)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.reminders import send_reminders
from milestones.reminders import send_milestone_reminders


class Command(BaseCommand):
    help = (
        "Nhắc các đơn vị chưa nộp báo cáo và chưa hoàn thành mốc công việc theo lịch nhắc hạn của chương trình "
        "(chạy mỗi ngày một lần)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay, giờ Hà Nội).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ngày “{date}” không đúng dạng YYYY-MM-DD.") from None
        today = today or timezone.localdate()
        sent = send_reminders(today)
        self.stdout.write(
            f"Đã nhắc {sent.reminders} lượt đơn vị: {sent.notifications} thông báo, {sent.emails} e-mail."
        )
        units, notifications, emails = send_milestone_reminders(today)
        self.stdout.write(f"Đã nhắc mốc công việc {units} lượt đơn vị: {notifications} thông báo, {emails} e-mail.")
