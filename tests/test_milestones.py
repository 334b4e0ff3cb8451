"""The programme's milestones (``milestones``): who must deliver each (by kind or by name, existing on its due
date), how each unit stands (the one rule, ``milestones.selectors.standing``), the officer recording one done,
the reviewer confirming or returning it, and the board, in a fixed number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from milestones.models import Milestone, MilestoneRecord
from milestones.selectors import milestone_board, responsible, standing
from programme.models import Unit, UnitKind
from tests.addresses import programme_reverse
from tests.factories import make_district, make_user

DAY = datetime.timedelta(days=1)


def milestone(code: str) -> Milestone:
    return Milestone.objects.select_related("programme__area").get(programme__code="phong-tho-2024", code=code)


def unit_url(unit: Unit) -> str:
    return programme_reverse("unit_milestones", args=[unit.code])


def record(client, user, unit, code, **fields):
    client.force_login(user)
    return client.post(unit_url(unit), {"moc": milestone(code).id, **fields})


def test_the_2024_fixture_names_the_programme_s_milestones_and_who_delivers_them(phong_tho):
    codes = list(Milestone.objects.filter(programme=phong_tho).order_by("order").values_list("code", flat=True))
    assert codes == [
        "KH-2024",
        "DH-MTTQ-XA",
        "DH-MTTQ-HUYEN",
        "DH-HOI",
        "TK-97",
        "SK-65",
        "SK-39",
        "HOI-THI-DVK",
        "KIEN-TOAN-TTND",
    ]
    milestones = [milestone(code) for code in ("KH-2024", "DH-MTTQ-XA", "DH-MTTQ-HUYEN", "TK-97")]
    who = responsible(milestones, phong_tho).units
    # every reporting unit makes its plan (50); the 17 communes hold their MTTQ congress; the district's
    # MTTQ its own; the tổng kết of KL 97 by the communes, the Hội Nông dân and the agriculture office
    assert [len(who[m.id]) for m in milestones] == [50, 17, 1, 19]
    assert [u.code for u in who[milestones[2].id]] == ["109-MTTQ"]
    assert {"109-HND", "109-PNNPTNT"} <= {u.code for u in who[milestones[3].id]}


def test_a_unit_closed_before_the_due_date_is_not_asked(phong_tho):
    closed = Unit.objects.get(code="03490")
    closed.closed_on = datetime.date(2024, 6, 30)  # the first day it no longer exists: the due day itself
    closed.save()
    who = responsible([milestone("DH-MTTQ-XA")], phong_tho).units[milestone("DH-MTTQ-XA").id]
    assert "03490" not in [u.code for u in who] and len(who) == 16


@pytest.mark.parametrize(
    "status, today, state, late",
    [
        (None, datetime.date(2024, 6, 30), "open", False),  # the due day itself is in time
        (None, datetime.date(2024, 7, 1), "overdue", True),
        ("done", datetime.date(2024, 7, 1), "done", False),
        ("confirmed", datetime.date(2024, 7, 1), "confirmed", False),
        ("returned", datetime.date(2024, 6, 30), "returned", False),
        ("returned", datetime.date(2024, 7, 1), "returned", True),
    ],
)
def test_the_standing_of_a_unit_on_a_milestone(status, today, state, late):
    found = MilestoneRecord(status=status) if status else None
    result = standing(found, datetime.date(2024, 6, 30), today)
    assert (result.state, result.late, result.done) == (state, late, state in ("done", "confirmed"))


def test_an_officer_records_the_unit_s_plan_with_its_number(client, officer, commune):
    response = record(client, officer, commune, "KH-2024", done_on="2024-02-20", document_number="05-KH/ĐU", note="")
    assert response.status_code == 302 and response["Location"] == unit_url(commune)
    saved = MilestoneRecord.objects.get(unit=commune, milestone=milestone("KH-2024"))
    assert (saved.status, saved.done_on, saved.document_number, saved.recorded_by) == (
        "done",
        datetime.date(2024, 2, 20),
        "05-KH/ĐU",
        officer,
    )
    page = client.get(unit_url(commune)).text
    assert "Đã hoàn thành, chờ xác nhận" in page and "Số 05-KH/ĐU" in page


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"done_on": ""}, "done_on", "Cần nhập ngày hoàn thành."),
        ({"done_on": "31/02/2024"}, "done_on", "Ngày hoàn thành không đúng dạng ngày/tháng/năm."),
        ({"done_on": "2999-01-01"}, "done_on", "Ngày hoàn thành không thể sau hôm nay"),
        ({"done_on": "2022-12-31"}, "done_on", "Ngày hoàn thành phải từ năm 2023 trở đi."),
        ({"done_on": "2024-02-20", "document_number": "  "}, "document_number", "Cần ghi số hiệu văn bản"),
        ({"done_on": "2024-02-20", "document_number": "1" * 61}, "document_number", "dài tối đa 60 ký tự"),
        ({"done_on": "2024-02-20", "document_number": "1", "note": "x" * 2001}, "note", "Ghi chú dài tối đa 2000"),
    ],
)
def test_a_wrong_record_is_refused_with_a_message_and_nothing_saved(client, officer, commune, fields, field, message):
    response = record(client, officer, commune, "KH-2024", **fields)
    assert response.status_code == 400
    assert message in response.text
    assert not MilestoneRecord.objects.exists()


def test_the_first_day_of_the_year_before_is_accepted(client, officer, commune):
    assert record(client, officer, commune, "DH-MTTQ-XA", done_on="2023-01-01").status_code == 302


def test_only_the_unit_s_officer_records_and_only_its_own_milestones(client, officer, commune, reviewer, leader):
    other = make_user("canbo_khac", Role.OFFICER, unit=Unit.objects.get(code="03391"))
    assert record(client, other, commune, "KH-2024", done_on="2024-02-20", document_number="1").status_code == 404
    assert record(client, reviewer, commune, "KH-2024", done_on="2024-02-20", document_number="1").status_code == 403
    assert record(client, leader, commune, "KH-2024", done_on="2024-02-20", document_number="1").status_code == 403
    # the district MTTQ's congress is not the commune's
    assert record(client, officer, commune, "DH-MTTQ-HUYEN", done_on="2024-08-20").status_code == 403
    assert not MilestoneRecord.objects.exists()
    client.force_login(other)
    assert client.get(unit_url(commune)).status_code == 404


def test_the_reviewer_confirms_or_returns_with_a_reason_and_the_officer_records_again(
    client, officer, commune, reviewer, leader
):
    record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-12")
    saved = MilestoneRecord.objects.get(unit=commune)
    review_url = reverse("milestone_review", args=[saved.pk])

    client.force_login(leader)
    assert client.post(review_url, {"action": "confirm"}).status_code == 403
    client.force_login(officer)
    assert client.post(review_url, {"action": "confirm"}).status_code == 403
    client.force_login(reviewer)
    refused = client.post(review_url, {"action": "return", "comment": " "}, follow=True)
    assert "Cần ghi lý do trả lại" in refused.text
    saved.refresh_from_db()
    assert saved.status == "done"

    client.post(review_url, {"action": "confirm"})
    saved.refresh_from_db()
    assert (saved.status, saved.reviewed_by) == ("confirmed", reviewer)
    changed = record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-13")
    assert changed.status_code == 400 and "Ban đã xác nhận việc này" in changed.text
    saved.refresh_from_db()
    assert saved.done_on == datetime.date(2024, 5, 12)

    client.force_login(reviewer)
    client.post(review_url, {"action": "return", "comment": "Ghi nhầm ngày đại hội."})
    saved.refresh_from_db()
    assert (saved.status, saved.review_comment) == ("returned", "Ghi nhầm ngày đại hội.")
    assert "Ghi nhầm ngày đại hội." in client.get(unit_url(commune)).text
    assert record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-13").status_code == 302
    saved.refresh_from_db()
    assert (saved.status, saved.done_on, saved.reviewed_by) == ("done", datetime.date(2024, 5, 13), None)


def test_the_board_counts_done_waiting_confirmed_and_overdue_naming_the_late(client, phong_tho, reviewer):
    plan = milestone("DH-MTTQ-XA")
    communes = list(Unit.objects.filter(kind__code="commune").order_by("order"))
    for unit, status in zip(communes, ["confirmed", "done", "returned"], strict=False):
        MilestoneRecord.objects.create(
            milestone=plan, unit=unit, status=status, done_on=datetime.date(2024, 5, 1), recorded_at="2024-05-01T08:00Z"
        )
    board = milestone_board(phong_tho, today=plan.due + DAY)
    row = next(row for row in board.rows if row.milestone == plan)
    assert (row.responsible, row.done, row.confirmed, row.waiting, row.overdue, row.open) == (17, 2, 1, 1, 15, 0)
    # the returned one (03490) is late too; named first five in the tree's order, the others counted
    assert (
        row.late_names == "Xã Huổi Luông, Xã Sì Lở Lầu, Xã Mồ Sì San, Xã Pa Vây Sử, Xã Vàng Ma Chải và 10 đơn vị khác"
    )
    on_due_day = next(r for r in milestone_board(phong_tho, today=plan.due).rows if r.milestone == plan)
    assert (on_due_day.overdue, on_due_day.open) == (0, 15)
    client.force_login(reviewer)
    page = client.get(programme_reverse("milestones_board")).text
    assert "Đại hội đại biểu Mặt trận Tổ quốc cấp xã nhiệm kỳ 2024-2029" in page and "Xác nhận" in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_board_reads_a_fixed_number_of_queries_whatever_the_units(db, size):
    programme, _, _ = make_district(size)
    kind = UnitKind.objects.get(code="commune")
    made = Milestone.objects.create(programme=programme, code="KH", name="Kế hoạch", due=datetime.date(2024, 3, 31))
    made.kinds.set([kind])
    for unit in Unit.objects.filter(kind=kind)[: size // 3]:
        MilestoneRecord.objects.create(milestone=made, unit=unit, done_on=made.due, recorded_at="2024-03-01T08:00Z")
    with CaptureQueriesContext(connection) as queries:
        board = milestone_board(programme, today=datetime.date(2024, 4, 1))
        list(board.page)
    assert len(queries) == 5
    assert board.rows[0].done == size // 3 and board.rows[0].overdue == size - size // 3


def test_the_pages_run_a_fixed_number_of_queries(client, phong_tho, officer, commune, reviewer):
    client.force_login(reviewer)
    client.get(programme_reverse("milestones_board"))  # the session and the user, read once
    with CaptureQueriesContext(connection) as board_queries:
        assert client.get(programme_reverse("milestones_board")).status_code == 200
    client.force_login(officer)
    client.get(unit_url(commune))
    with CaptureQueriesContext(connection) as unit_queries:
        assert client.get(unit_url(commune)).status_code == 200
    MilestoneRecord.objects.create(
        milestone=milestone("KH-2024"), unit=commune, done_on=datetime.date(2024, 2, 1), recorded_at="2024-02-01T08:00Z"
    )
    with CaptureQueriesContext(connection) as again:
        client.get(unit_url(commune))
    assert len(again) == len(unit_queries)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as board_again:
        client.get(programme_reverse("milestones_board"))
    assert len(board_again) == len(board_queries)


def test_the_official_report_lists_the_milestones_as_they_stand_on_its_date(phong_tho, period_2024, officer, commune):
    from reporting.official_report import build_official_report
    from tests.test_official_report import read

    MilestoneRecord.objects.create(
        milestone=milestone("DH-MTTQ-XA"),
        unit=commune,
        status="confirmed",
        done_on=datetime.date(2024, 5, 12),
        recorded_at="2024-05-12T08:00Z",
    )
    document = read(build_official_report(period_2024, report_date=datetime.date(2024, 6, 30)))
    assert any(p.text.endswith("Các việc trọng tâm theo Chương trình") for p in document.paragraphs)
    table = next(table for table in document.tables if table.rows[0].cells[0].text == "Việc")
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows[1:]}
    # on the congress's due day nobody is late yet; the plan (due 31/03) is late for every unit but none
    assert rows["Đại hội đại biểu Mặt trận Tổ quốc cấp xã nhiệm kỳ 2024-2029"] == [
        "30/06/2024",
        "1/17 (1 đã xác nhận)",
        "Không",
    ]
    plan = rows["Kế hoạch thực hiện Chương trình công tác dân vận năm 2024 của đơn vị"]
    assert plan[:2] == ["31/03/2024", "0/50 (0 đã xác nhận)"]
    assert plan[2].startswith("50: Thị trấn Phong Thổ, Xã Lả Nhì Thàng, ") and plan[2].endswith(" và 45 đơn vị khác")


def test_the_daily_run_reminds_the_units_that_have_not_delivered_once_a_day(phong_tho, commune, officer):
    from django.core.management import call_command

    from followup.models import Notification
    from milestones.models import MilestoneReminder

    other = Unit.objects.get(code="03391")
    other_officer = make_user("canbo2", Role.OFFICER, unit=other)
    congress = milestone("DH-MTTQ-XA")
    MilestoneRecord.objects.create(
        milestone=congress, unit=other, done_on=datetime.date(2024, 5, 1), recorded_at="2024-05-01T08:00Z"
    )
    five_days_before = (congress.due - 5 * DAY).isoformat()
    call_command("send_reminders", "--date", five_days_before, stdout=io.StringIO())
    # the congress and the tổng kết of KL 97 are both due on 30/06
    assert Notification.objects.filter(kind="milestone").count() == 3
    told = Notification.objects.filter(kind="milestone", text__contains="Mặt trận")
    assert [n.recipient for n in told] == [officer], "the unit that has delivered is not reminded"
    assert told.get().text == (
        "Còn 5 ngày đến hạn hoàn thành “Đại hội đại biểu Mặt trận Tổ quốc cấp xã nhiệm kỳ 2024-2029” của "
        "Thị trấn Phong Thổ (hạn 30/06/2024)."
    )
    assert told.get().link == unit_url(commune)
    assert MilestoneReminder.objects.filter(milestone=congress).count() == 16  # every commune but 03391
    call_command("send_reminders", "--date", five_days_before, stdout=io.StringIO())
    assert Notification.objects.filter(kind="milestone").count() == 3, "nothing twice on one day"
    call_command("send_reminders", "--date", (congress.due - 4 * DAY).isoformat(), stdout=io.StringIO())
    assert Notification.objects.filter(kind="milestone").count() == 3, "no reminder 4 days before"
    assert not Notification.objects.filter(recipient=other_officer, text__contains="Mặt trận").exists()


# --- attachments --------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% bien ban dai hoi\n"


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def stored_files() -> list:
    from django.conf import settings

    return sorted(path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def test_a_file_attached_is_kept_under_the_app_s_name_and_given_only_to_who_may_see_the_unit(
    client, officer, commune, reviewer, leader
):
    before = stored_files()
    response = record(
        client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-12", attachment=upload("../../Biên bản.pdf", PDF)
    )
    assert response.status_code == 302
    saved = MilestoneRecord.objects.get(unit=commune)
    assert saved.attachment_name == "Biên bản.pdf"
    assert saved.attachment.name.startswith(f"moc-cong-viec/{saved.milestone_id}/{commune.id}/")
    assert saved.attachment.name.endswith(".pdf") and "Biên" not in saved.attachment.name
    assert len(stored_files()) == len(before) + 1
    url = reverse("milestone_attachment", args=[saved.pk])
    for user in (officer, reviewer, leader):
        client.force_login(user)
        got = client.get(url)
        assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
        assert got["Content-Type"] == "application/pdf" and got["Content-Disposition"].startswith("attachment;")
    client.force_login(make_user("canbo_khac", Role.OFFICER, unit=Unit.objects.get(code="03391")))
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert "Biên bản.pdf" in client.get(unit_url(commune)).text


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bien-ban.exe", b"MZ...", "Tệp đính kèm phải là PDF, JPG, PNG hoặc DOCX."),
        ("bien-ban", PDF, "Tệp đính kèm phải là PDF, JPG, PNG hoặc DOCX."),
        ("bien-ban.pdf", b"<html><script>alert(1)</script>", "Nội dung tệp không phải tệp PDF như tên tệp ghi."),
        ("anh.png", b"\xff\xd8\xff\xe0 a jpeg", "Nội dung tệp không phải tệp PNG như tên tệp ghi."),
        ("lon.pdf", PDF + b"0" * (5 * 1024 * 1024), "Tệp đính kèm tối đa 5 MB"),
    ],
)
def test_a_wrong_file_is_refused_and_nothing_is_written(client, officer, commune, name, content, message):
    before = stored_files()
    response = record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-12", attachment=upload(name, content))
    assert response.status_code == 400 and message in response.text
    assert not MilestoneRecord.objects.exists()
    assert stored_files() == before


def test_a_new_file_replaces_the_old_one_and_recording_again_without_one_keeps_it(
    client, officer, commune, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-12", attachment=upload("a.pdf", PDF))
    first = MilestoneRecord.objects.get(unit=commune).attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        record(
            client,
            officer,
            commune,
            "DH-MTTQ-XA",
            done_on="2024-05-13",
            attachment=upload("b.png", b"\x89PNG\r\n\x1a\n"),
        )
    saved = MilestoneRecord.objects.get(unit=commune)
    assert saved.attachment_name == "b.png" and saved.attachment.name != first
    assert not saved.attachment.storage.exists(first), "the replaced file is deleted once the change is saved"
    with django_capture_on_commit_callbacks(execute=True):
        record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-14")
    saved.refresh_from_db()
    assert (saved.attachment_name, saved.done_on) == ("b.png", datetime.date(2024, 5, 14))
    assert saved.attachment.storage.exists(saved.attachment.name)


def test_a_record_without_a_file_has_no_download(client, officer, commune):
    record(client, officer, commune, "DH-MTTQ-XA", done_on="2024-05-12")
    saved = MilestoneRecord.objects.get(unit=commune)
    assert client.get(reverse("milestone_attachment", args=[saved.pk])).status_code == 404


@pytest.mark.parametrize("chosen", ["", "abc", "1.5", "99999999", "-1"])
def test_an_unknown_milestone_is_not_found_never_an_error(client, officer, commune, chosen):
    client.force_login(officer)
    assert client.post(unit_url(commune), {"moc": chosen, "done_on": "2024-05-12"}).status_code == 404
    assert not MilestoneRecord.objects.exists()


def test_another_programme_s_milestone_is_not_found(client, officer, commune, db):
    programme, _, _ = make_district(2)
    elsewhere = Milestone.objects.create(
        programme=programme, code="KH", name="Kế hoạch", due=datetime.date(2024, 3, 31)
    )
    client.force_login(officer)
    assert client.post(unit_url(commune), {"moc": elsewhere.id, "done_on": "2024-03-01"}).status_code == 404
