"""A programme copied to a new year or another area (``programme/copying.py``), by the command and by the admin:
everything the programme owns is copied, shifted by the years between, with nothing of the units' reports, and
the source is left exactly as it was."""

import datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from followup.models import ReminderSchedule
from milestones.models import Milestone
from programme.copying import COPIED, NOT_COPIED, OWNERS, CopyError, copy_plan, copy_programme, shifted
from programme.documents import programme_letterhead
from programme.models import Period, Programme, Target, TaskGroup, Unit, ValidationRule
from tests.factories import make_user

D = datetime.date


def owned_rows(programme: Programme) -> dict:
    """Everything a programme owns, as plain values without its own ids, to compare a copy with its source."""
    targets = {
        target.code: (
            *(getattr(target, name) for name in ("order", "short_name", "wording", "operator", "threshold", "judged")),
            sorted(target.applies_to.values_list("code", flat=True)),
        )
        for target in programme.targets.all()
    }
    groups = sorted(programme.task_groups.values_list("number", "title"))
    rules = sorted(ValidationRule.objects.filter(programme=programme).values_list("code", "left", "operator", "right"))
    return {"targets": targets, "groups": groups, "rules": rules}


def test_every_model_that_refers_to_a_programme_is_copied_or_said_not_to_be():
    """A new kind of programme data is never silently left behind by a copy."""
    named = {apps.get_model(label) for label in (*COPIED, *NOT_COPIED)}
    referring = {
        model
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model in OWNERS and model not in OWNERS[:1]
    }
    assert referring - {TaskGroup, Target, Period} <= named, referring - named
    assert {TaskGroup, Target, Period} <= named
    assert not set(map(apps.get_model, COPIED)) & set(map(apps.get_model, NOT_COPIED))


def test_a_day_is_shifted_by_whole_years_and_29_february_becomes_28():
    assert shifted(D(2024, 3, 31), 1) == D(2025, 3, 31)
    assert shifted(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert shifted(D(2023, 12, 15), 2) == D(2025, 12, 15)


def test_the_command_previews_by_default_and_makes_nothing(phong_tho, capsys):
    before = Programme.objects.count()
    call_command("copy_programme", "phong-tho-2024", "--year", "2025")
    out = capsys.readouterr().out
    assert "Chương trình mới phong-tho-2025 (2025)" in out
    assert "kỳ 2025Q1: Quý I năm 2025, 01/01/2025–31/03/2025" in out
    assert "Chỉ xem trước: chạy lại với --apply để sao chép." in out
    assert Programme.objects.count() == before


def test_the_command_copies_everything_the_programme_owns_shifted_to_the_new_year(phong_tho, capsys):
    ReminderSchedule.objects.create(programme=phong_tho, days_before=[7, 2], overdue_every=5)
    phong_tho.document_number = "15-CTr/BDVHU"
    phong_tho.save()
    source_rows = owned_rows(phong_tho)
    source_periods = list(phong_tho.periods.values())

    call_command("copy_programme", "phong-tho-2024", "--year", "2025", "--apply")

    copy = Programme.objects.get(code="phong-tho-2025")
    assert (copy.year, copy.area_id, copy.issuing_body) == (2025, phong_tho.area_id, phong_tho.issuing_body)
    assert "2025" in copy.title and "2024" not in copy.title
    assert (copy.document_number, copy.issued_on) == ("", None), "a new programme is a new document"
    assert copy.reviewing_unit_id == phong_tho.reviewing_unit_id and copy.legal_basis == phong_tho.legal_basis
    assert copy.report_recipients == phong_tho.report_recipients
    assert owned_rows(copy) == source_rows
    periods = {period.code: period for period in copy.periods.all()}
    assert set(periods) == {"2025Q1", "2025S1", "2025Q3", "2025"}
    assert (periods["2025S1"].start, periods["2025S1"].end) == (D(2025, 1, 1), D(2025, 6, 30))
    assert periods["2025S1"].name.endswith("năm 2025")
    assert (periods["2025S1"].outlook, periods["2025"].outlook) == ("6 tháng cuối năm 2025", "năm 2026")
    milestones = {m.code: m for m in Milestone.objects.filter(programme=copy).prefetch_related("kinds", "units")}
    assert len(milestones) == Milestone.objects.filter(programme=phong_tho).count() == 9
    assert milestones["DH-MTTQ-XA"].due == D(2025, 6, 30), "due dates move with the year"
    assert [u.code for u in milestones["DH-MTTQ-HUYEN"].units.all()] == ["109-MTTQ"]
    assert [k.code for k in milestones["DH-MTTQ-XA"].kinds.all()] == ["commune"]
    schedule = ReminderSchedule.objects.get(programme=copy)
    assert (schedule.days_before, schedule.overdue_every) == ([7, 2], 5)
    assert not copy.periods.filter(submissions__isnull=False).exists()

    phong_tho.refresh_from_db()
    assert phong_tho.document_number == "15-CTr/BDVHU"
    assert owned_rows(phong_tho) == source_rows, "the source is left as it was"
    assert list(phong_tho.periods.values()) == source_periods


def test_a_copy_to_another_area_keeps_the_year_and_takes_the_area(phong_tho):
    commune = Unit.objects.get(code="03549")
    call_command(
        "copy_programme",
        "phong-tho-2024",
        "--year",
        "2024",
        "--code",
        "tt-phong-tho-2024",
        "--area",
        "03549",
        "--apply",
    )
    copy = Programme.objects.get(code="tt-phong-tho-2024")
    assert (copy.year, copy.area) == (2024, commune)
    # the district's Ban is not the town's: the town's own Đảng ủy issues the copy's report
    assert copy.reviewing_unit is None
    assert programme_letterhead(copy).issuing == ("ĐẢNG ỦY THỊ TRẤN PHONG THỔ",)
    assert set(copy.periods.values_list("code", flat=True)) == {"2024Q1", "2024S1", "2024Q3", "2024"}


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["khong-co", "--year", "2025"], "Không có chương trình mã khong-co."),
        (["phong-tho-2024", "--year", "2025", "--area", "99999"], "Không có đơn vị mã 99999 tồn tại trong năm 2025."),
        (["phong-tho-2024", "--year", "2024"], "Chương trình mới phải khác năm hoặc khác địa bàn"),
        (["phong-tho-2024", "--year", "2025", "--code", "phong-tho-2024"], "Đã có chương trình mã phong-tho-2024"),
        (["phong-tho-2024", "--year", "2025", "--code", "phong thổ"], "Mã chương trình chỉ gồm chữ không dấu"),
        (["phong-tho-2024", "--year", "1999"], "Năm của chương trình mới phải từ 2000 đến 2100."),
    ],
)
def test_the_command_refuses_a_wrong_copy_and_makes_nothing(phong_tho, arguments, message):
    before = Programme.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("copy_programme", *arguments, "--apply")
    assert Programme.objects.count() == before


def test_a_copy_that_fails_part_way_makes_nothing(phong_tho, monkeypatch):
    plan = copy_plan(phong_tho, year=2025)
    counts = {model: model.objects.count() for model in (Programme, TaskGroup, Target, Period, ValidationRule)}
    original = Period.save

    def failing(self, *args, **kwargs):
        if self.code == "2025Q3":
            raise RuntimeError("hỏng giữa chừng")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Period, "save", failing)
    with pytest.raises(RuntimeError):
        copy_programme(plan)
    assert {model: model.objects.count() for model in counts} == counts


def test_a_plan_made_before_another_copy_took_its_code_is_refused(phong_tho):
    plan = copy_plan(phong_tho, year=2025)
    copy_programme(copy_plan(phong_tho, year=2025))
    with pytest.raises(CopyError, match="Đã có chương trình mã phong-tho-2025"):
        copy_programme(plan)


# --- the admin ----------------------------------------------------------------------------------------------


def copy_url(programme):
    return reverse("admin:programme_programme_copy", args=[programme.pk])


def test_the_admin_action_leads_to_the_copy_page_of_the_one_programme_chosen(admin_client, phong_tho):
    changelist = reverse("admin:programme_programme_changelist")
    response = admin_client.post(changelist, {"action": "copy_selected", "_selected_action": [phong_tho.pk]})
    assert response.status_code == 302 and response["Location"] == copy_url(phong_tho)
    page = admin_client.get(copy_url(phong_tho))
    assert page.status_code == 200 and 'value="2025"' in page.text


def test_the_admin_previews_then_copies_what_it_previewed(admin_client, phong_tho):
    preview = admin_client.post(copy_url(phong_tho), {"year": "2025", "code": "", "area": "", "preview": "1"})
    assert preview.status_code == 200
    assert "Xem trước" in preview.text and "2025Q3" in preview.text and "30/09/2025" in preview.text
    assert not Programme.objects.filter(code="phong-tho-2025").exists(), "a preview makes nothing"

    changed = admin_client.post(
        copy_url(phong_tho),
        {"year": "2026", "code": "", "area": "", "apply": "1", "previewed": preview.context["previewed"]},
    )
    assert changed.status_code == 200 and "2026Q1" in changed.text
    assert not Programme.objects.filter(year=2026).exists(), "what was not previewed is previewed first"

    done = admin_client.post(
        copy_url(phong_tho),
        {"year": "2025", "code": "", "area": "", "apply": "1", "previewed": preview.context["previewed"]},
    )
    copy = Programme.objects.get(code="phong-tho-2025")
    assert done.status_code == 302 and done["Location"] == reverse("admin:programme_programme_change", args=[copy.pk])
    assert copy.periods.count() == 4


def test_the_admin_says_why_it_cannot_copy(admin_client, phong_tho):
    response = admin_client.post(copy_url(phong_tho), {"year": "2024", "code": "", "area": "", "preview": "1"})
    assert "Chương trình mới phải khác năm hoặc khác địa bàn với chương trình gốc." in response.text
    response = admin_client.post(copy_url(phong_tho), {"year": "2025", "code": "", "area": "XYZ", "preview": "1"})
    assert "Không có đơn vị mã XYZ tồn tại trong năm" in response.text
    assert Programme.objects.count() == 1


def test_only_who_may_add_programmes_may_copy_one(client, phong_tho):
    reviewer = make_user("thamdinh", Role.REVIEWER, unit=phong_tho.area)
    client.force_login(reviewer)
    assert client.get(copy_url(phong_tho)).status_code == 302  # to the admin's sign-in: not staff
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    response = client.post(copy_url(phong_tho), {"year": "2025", "apply": "1", "previewed": "phong-tho-2025|2025|12"})
    assert response.status_code == 403
    assert not Programme.objects.filter(code="phong-tho-2025").exists()
