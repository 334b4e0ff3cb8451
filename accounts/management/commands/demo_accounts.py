from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Action, may
from accounts.roles import Role
from programme.models import Programme, Unit
from programme.selectors import reporting_units

# Demo only: the command refuses to run in production mode.
DEMO_PASSWORD = "DanVan@2024-demo"
DEMO_MAIL_DOMAIN = "dan-van.example"  # a domain reserved for examples: nothing is ever delivered there
AREA = None  # the account works in its programme's area
FIRST = ""  # the programme's first reporting unit, or the one given with --unit


class DemoAccount(NamedTuple):
    username: str
    role: Role
    title: str
    programme: str  # the code of the programme the account tries out; skipped when it is not loaded
    unit: str | None  # AREA, FIRST, or a unit's code (the unit carrying it at the programme's last period's end)


# The 2024 district's four first, as they always were; then the 2026 province's and one commune's, each account in
# the unit it would work in (README, "The try-out's accounts").
DEMO_ACCOUNTS = [
    DemoAccount("quantri", Role.ADMINISTRATOR, "Quản trị hệ thống", "phong-tho-2024", AREA),
    DemoAccount("bandanvan", Role.REVIEWER, "Cán bộ Ban Dân vận Huyện ủy", "phong-tho-2024", AREA),
    DemoAccount("lanhdao", Role.LEADER, "Lãnh đạo (chỉ xem)", "phong-tho-2024", AREA),
    DemoAccount("donvi", Role.OFFICER, "Cán bộ phụ trách dân vận", "phong-tho-2024", FIRST),
    DemoAccount("tinh", Role.REVIEWER, "Cán bộ Ban Tuyên giáo và Dân vận Tỉnh ủy", "lai-chau-2026", AREA),
    DemoAccount("lanhdaotinh", Role.LEADER, "Lãnh đạo Tỉnh ủy (chỉ xem)", "lai-chau-2026", AREA),
    DemoAccount("xa", Role.OFFICER, "Cán bộ Đảng ủy xã Khổng Lào", "lai-chau-2026", "03583"),
    DemoAccount(
        "thamdinhxa", Role.REVIEWER, "Cán bộ Ban Xây dựng Đảng, Đảng ủy xã Khổng Lào", "xa-khong-lao-2026", AREA
    ),
    DemoAccount("mttqxa", Role.OFFICER, "Cán bộ Ủy ban MTTQ Việt Nam xã Khổng Lào", "xa-khong-lao-2026", "03583-MTTQ"),
]


def demo_officer_units(programme: Programme) -> list[Unit]:
    """The units of the demo officers who report in ``programme``, in the accounts' order: the try-out leaves
    their latest reports to be filed (``demo_reports``)."""
    officers = [account.username for account in DEMO_ACCOUNTS if account.role == Role.OFFICER]
    users = get_user_model().objects.filter(username__in=officers, unit__isnull=False).select_related("unit")
    by_name = {user.username: user for user in users}
    found = [by_name[name] for name in officers if name in by_name]
    return [user.unit for user in found if may(user, Action.VIEW_PROGRAMME, programme)]


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) các tài khoản dùng thử của mỗi vai trò. Chỉ dùng khi chạy thử (DJANGO_DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="mã đơn vị của tài khoản donvi (mặc định: đơn vị đầu tiên của năm 2024)")

    @transaction.atomic
    def handle(self, *args, unit, **options):
        if not settings.DEBUG:
            raise CommandError("Tài khoản dùng thử chỉ được tạo khi DJANGO_DEBUG=true.")
        programmes = Programme.objects.select_related("area").in_bulk(
            {account.programme for account in DEMO_ACCOUNTS}, field_name="code"
        )
        if not programmes:
            raise CommandError("Chưa có chương trình nào; hãy nạp fixtures trước (loaddata).")
        User = get_user_model()
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        skipped = []
        for account in DEMO_ACCOUNTS:
            programme = programmes.get(account.programme)
            if programme is None:
                skipped.append(account.username)
                continue
            where = self._unit(programme, account.unit if account.unit != FIRST else (unit or FIRST))
            user, _ = User.objects.get_or_create(username=account.username)
            user.first_name = account.title
            user.email = f"{account.username}@{DEMO_MAIL_DOMAIN}"  # the try-out's e-mails go to files (Hộp thư thử)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = account.role == Role.ADMINISTRATOR
            user.unit = where  # everyone works inside a unit: an officer in the own, the others in the area
            user.save()
            user.groups.set([Group.objects.get(name=account.role.label)])
            self.stdout.write(f"  {account.username:<12} {account.role.label} — {where.name} ({where.code})")
        if skipped:
            self.stdout.write(f"  (chưa nạp chương trình của các tài khoản {', '.join(skipped)}: chưa tạo)")

    def _unit(self, programme: Programme, code: str | None) -> Unit:
        """The account's unit: the programme's area, or a unit reporting in it (the first, or the one of ``code``)
        on its last period's end."""
        if code is AREA:
            return programme.area
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
        return Unit.objects.get(pk=chosen.id)
