"""Reminders (followup.reminders): the daily run on the days a programme's schedule gives, idempotent within a
day; and the reviewer's "đôn đốc" from the completeness page, logged and shown beside each unit.

On the shipped fixtures the 2024Q1 report is due on 05/04/2024; "03549" (the officer's commune) and "03391" are
communes."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from followup.models import Kind, Notification, Reminder, ReminderSchedule
from followup.reminders import send_reminders, units_missing
from programme.models import Unit
from reporting.services import Figures, submission_import
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user
from tests.test_review import period, submitted_by_officer

DUE = datetime.date(2024, 4, 5)


def before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


@pytest.mark.parametrize(
    ("days_to_due", "reminded"),
    [
        *[(6, False), (5, True), (4, False), (2, False), (1, True), (0, True)],
        *[(-1, False), (-2, False), (-3, True), (-6, True), (-7, False), (-60, True), (-63, False)],
    ],
)
def test_the_default_schedule(days_to_due, reminded):
    assert ReminderSchedule().reminds_on(days_to_due) is reminded


def test_the_schedule_is_the_programmes_data(phong_tho):
    schedule = ReminderSchedule(programme=phong_tho, days_before=[10], on_due_day=False, overdue_every=0)
    assert [days for days in range(-20, 15) if schedule.reminds_on(days)] == [10]


@pytest.mark.parametrize(("day", "sent"), [(before(6), False), (before(5), True), (before(1), True), (DUE, True)])
def test_a_missing_units_officer_is_reminded_on_the_days_before_and_the_due_day(officer, commune, q1, day, sent):
    send_reminders(day)
    notices = list(Notification.objects.filter(recipient=officer, period=q1))
    assert len(notices) == (1 if sent else 0)
    if sent:
        assert notices[0].kind == Kind.REMINDER
        assert notices[0].link == reverse("report", args=[q1.id, commune.code])
        days = (DUE - day).days
        wording = "Hôm nay (05/04/2024) là hạn nộp" if days == 0 else f"Còn {days} ngày đến hạn nộp"
        assert notices[0].text.startswith(wording)


def test_overdue_units_are_reminded_every_few_days(officer, q1):
    send_reminders(DUE + datetime.timedelta(days=3))
    notice = Notification.objects.get(recipient=officer, period=q1)
    assert notice.text.startswith(f"Báo cáo {q1.name} của Thị trấn Phong Thổ đã quá hạn 3 ngày")
    send_reminders(DUE + datetime.timedelta(days=4))
    assert Notification.objects.filter(recipient=officer, period=q1).count() == 1


def test_running_twice_on_a_day_sends_nothing_twice(officer, q1):
    first = send_reminders(before(5))
    assert first.reminders > 1 and first.notifications == 1  # every missing unit logged; one has an officer
    again = send_reminders(before(5))
    assert (again.reminders, again.notifications) == (0, 0)
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert Reminder.objects.filter(unit=officer.unit, period=q1).count() == 1


def test_the_log_refuses_a_second_reminder_of_the_day(officer, q1):
    """The database keeps it once a day, whatever two runs at once decide."""
    from django.db import IntegrityError, transaction

    send_reminders(before(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(unit=officer.unit, period=q1, source=Reminder.Source.SCHEDULE, day=before(5))


def test_a_unit_that_has_submitted_is_not_reminded(officer, commune, q1, targets):
    submitted_by_officer(officer, commune, q1)
    send_reminders(before(1))
    assert not Notification.objects.filter(recipient=officer).exists()
    assert not Reminder.objects.filter(unit=commune).exists()
    assert commune.id not in {unit.id for unit in units_missing(q1)}


def test_a_programmes_own_schedule_is_followed(officer, phong_tho, q1):
    ReminderSchedule.objects.create(programme=phong_tho, days_before=[7], on_due_day=False, overdue_every=0)
    send_reminders(before(5))
    send_reminders(DUE)
    assert not Notification.objects.filter(recipient=officer, period=q1).exists()
    send_reminders(before(7))
    assert Notification.objects.filter(recipient=officer, period=q1).count() == 1


def test_the_command(officer, q1):
    out = StringIO()
    call_command("send_reminders", "--date", before(5).isoformat(), stdout=out)
    assert "1 thông báo" in out.getvalue()
    with pytest.raises(CommandError, match="không đúng dạng"):
        call_command("send_reminders", "--date", "05/04/2024")


# --- "đôn đốc" from the completeness page ---------------------------------------------------------------------


def urge(client, user, q1, **data):
    client.force_login(user)
    return client.post(programme_reverse("urge"), {"ky": q1.id, **data}, follow=True)


def test_urging_every_missing_unit(client, reviewer, officer, commune, q1, targets):
    other = Unit.objects.get(code="03391")
    submission_import(unit=other, period=q1, figures={targets["MT1"]: Figures(1, 2)}, actor_label="Tệp")
    response = urge(client, reviewer, q1, tat_ca="1", loi_nhan="Đề nghị nộp trước thứ Sáu.")
    missing = units_missing(q1)
    assert f"Đã đôn đốc {len(missing)} đơn vị nộp báo cáo {q1.name}." in response.text
    reminders = Reminder.objects.filter(period=q1)
    assert reminders.count() == len(missing) and not reminders.filter(unit=other).exists()
    logged = reminders.get(unit=commune)
    assert (logged.source, logged.sent_by, logged.message, logged.recipients) == (
        Reminder.Source.REVIEWER,
        reviewer,
        "Đề nghị nộp trước thứ Sáu.",
        1,
    )
    notice = Notification.objects.get(recipient=officer)
    assert notice.kind == Kind.URGED
    assert notice.text.startswith("Ban Dân vận (thamdinh) đôn đốc: Báo cáo")
    assert notice.text.endswith("Lời nhắn: Đề nghị nộp trước thứ Sáu.")
    page = client.get(programme_reverse("completeness")).text
    assert "thamdinh đôn đốc; trong ứng dụng (1 người)" in page  # beside the unit, with who, when and how


def test_urging_the_ticked_units_only(client, reviewer, officer, commune, q1, targets):
    other = Unit.objects.get(code="03391")
    done = Unit.objects.get(code="03490")
    submission_import(unit=done, period=q1, figures={targets["MT1"]: Figures(1, 2)}, actor_label="Tệp")
    response = urge(client, reviewer, q1, da_chon="1", don_vi=[commune.id, other.id, done.id])
    assert f"Đã đôn đốc 2 đơn vị nộp báo cáo {q1.name}." in response.text
    assert "1 đơn vị đã chọn đã nộp báo cáo" in response.text
    assert set(Reminder.objects.values_list("unit__code", flat=True)) == {"03549", "03391"}
    urge(client, reviewer, q1, da_chon="1", don_vi=[commune.id])
    assert Reminder.objects.filter(unit=commune).count() == 2  # a reviewer may urge again the same day
    assert Notification.objects.filter(recipient=officer).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"da_chon": "1"}, "Chưa chọn đơn vị nào"),
        ({"da_chon": "1", "don_vi": ["x1"]}, "Danh sách đơn vị không hợp lệ."),
        ({"tat_ca": "1", "loi_nhan": "x" * 1001}, "Lời nhắn dài quá 1000 ký tự."),
        ({"tat_ca": "1", "ky": "999999"}, "Kỳ báo cáo không thuộc chương trình này."),
        ({"tat_ca": "1", "ky": "abc"}, "Kỳ báo cáo không hợp lệ."),
        ({"tat_ca": "1", "ky": "99999999999"}, "Kỳ báo cáo không hợp lệ."),
    ],
)
def test_a_bad_request_sends_nothing_and_says_why(client, reviewer, q1, data, message):
    response = urge(client, reviewer, q1, **data)
    assert response.status_code == 200
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert message in response.text


def test_leaders_and_officers_may_not_urge(client, leader, officer, q1):
    for user in (leader, officer):
        client.force_login(user)
        assert client.post(programme_reverse("urge"), {"ky": q1.id, "tat_ca": "1"}).status_code == 403
    assert not Reminder.objects.exists()


def completeness_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(programme_reverse("completeness")).status_code == 200
    return len(captured)


def test_the_completeness_page_costs_the_same_with_reminders_of_1_or_many_units(client, db):
    programme, periods, _ = make_district(1)
    reviewer = make_user("thamdinh", Role.REVIEWER, unit=programme.area)
    send_reminders(periods[0].due)
    few = completeness_queries(client, reviewer)
    make_district_units = [
        Unit(
            code=f"them-{i}",
            name=f"Xã thêm {i}",
            kind=Unit.objects.filter(parent=programme.area).first().kind,
            parent=programme.area,
            order=100 + i,
        )
        for i in range(60)
    ]
    Unit.objects.bulk_create(make_district_units)
    for day in (periods[0].due, periods[1].due):
        send_reminders(day)
    assert Reminder.objects.count() > 100
    assert completeness_queries(client, reviewer) == few


@pytest.mark.parametrize("days", [[5, 1], [], [60]])
def test_a_schedule_takes_a_list_of_days(phong_tho, days):
    ReminderSchedule(programme=phong_tho, days_before=days).full_clean()


@pytest.mark.parametrize("days", [5, [0], [61], ["5"], [1.5], {"5": 1}])
def test_a_schedule_refuses_anything_else_with_a_message(phong_tho, days):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="mỗi số từ 1 đến 60"):
        ReminderSchedule(programme=phong_tho, days_before=days).full_clean()


def test_leaders_see_the_log_but_neither_the_form_nor_the_ticks(client, leader, reviewer, q1):
    urge(client, reviewer, q1, tat_ca="1")
    client.force_login(leader)
    page = client.get(programme_reverse("completeness")).text
    assert 'form="don-doc"' not in page and 'id="don-doc"' not in page
    assert "đôn đốc; không có cán bộ nhận" in page  # units without an officer account: logged all the same
