from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from programme.models import Programme, Unit
from programme.selectors import reporting_units

# Demo only: the command refuses to run in production mode.
DEMO_PASSWORD = "DanVan@2024-demo"
DEMO_MAIL_DOMAIN = "dan-van.example"  # a domain reserved for examples: nothing is ever delivered there
DEMO_ACCOUNTS = [
    ("quantri", Role.ADMINISTRATOR, "Quản trị hệ thống"),
    ("bandanvan", Role.REVIEWER, "Cán bộ Ban Dân vận Huyện ủy"),
    ("lanhdao", Role.LEADER, "Lãnh đạo (chỉ xem)"),
    ("donvi", Role.OFFICER, "Cán bộ phụ trách dân vận"),
]


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) một tài khoản dùng thử cho mỗi vai trò. Chỉ dùng khi chạy thử (DJANGO_DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="mã đơn vị của tài khoản cán bộ đơn vị (mặc định: đơn vị đầu tiên)")

    @transaction.atomic
    def handle(self, *args, unit, **options):
        if not settings.DEBUG:
            raise CommandError("Tài khoản dùng thử chỉ được tạo khi DJANGO_DEBUG=true.")
        officer_unit, area = self._officer_unit(unit)
        User = get_user_model()
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, title in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = title
            user.email = f"{username}@{DEMO_MAIL_DOMAIN}"  # the try-out's e-mails go to files (Hộp thư thử)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            # everyone works inside a unit: the officer in a commune, the others in the programme's area
            user.unit = officer_unit if role == Role.OFFICER else area
            user.save()
            user.groups.set([Group.objects.get(name=role.label)])
            where = f" — {user.unit.name} ({user.unit.code})"
            self.stdout.write(f"  {username:<10} {role.label}{where}")

    def _officer_unit(self, code):
        programme = Programme.objects.select_related("area").order_by("-year").first()
        if programme is None:
            raise CommandError("Chưa có chương trình nào; hãy nạp fixtures trước (loaddata).")
        last_period = programme.periods.order_by("-end").first()
        units = reporting_units(programme, on=last_period.end if last_period else timezone.localdate())
        if code:
            chosen = next((u for u in units if u.code == code), None)
            if chosen is None:
                raise CommandError(f"Không có đơn vị báo cáo mã “{code}” trong chương trình {programme.code}.")
        elif units:
            chosen = units[0]
        else:
            raise CommandError(f"Chương trình {programme.code} chưa có đơn vị báo cáo nào.")
        return Unit.objects.get(pk=chosen.id), programme.area
