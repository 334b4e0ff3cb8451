"""Everyone works inside their own organisation: reviewers and leaders see and act only on the units under their
own unit, and on the programmes whose area is their unit or under it; administrators everywhere. Outside, a
unit or a programme is a 404, as if it did not exist, and nothing changes."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.permissions import Action, may, reviewers_of, visible_programmes
from accounts.roles import Role
from milestones.models import Milestone, MilestoneRecord
from programme.models import ExemplaryModel, Unit
from programme.services import exemplary_model_register
from reporting.models import Submission, Value
from reporting.services import Figures, submission_import
from tests.factories import PeriodFactory, ProgrammeFactory, TargetFactory, UnitFactory, UnitKindFactory, make_user

PASSWORD = "Mat-khau-thu-9"


def area(letter: str, province: Unit):
    """A district under the province, two communes, its 2024 programme with one period and one target, and a
    submitted report of its first commune."""
    commune = UnitKindFactory(code="commune", name="Xã, thị trấn")
    district = UnitFactory(
        code=f"H{letter}", name=f"Huyện {letter}", kind=UnitKindFactory(code="district", reports=False), parent=province
    )
    communes = [
        UnitFactory(code=f"X{letter}{i}", name=f"Xã riêng {letter}{i}", kind=commune, parent=district, order=i)
        for i in range(2)
    ]
    programme = ProgrammeFactory(code=f"huyen-{letter.lower()}-2024", area=district, title=f"Chương trình {letter}")
    period = PeriodFactory(programme=programme)
    target = TargetFactory(programme=programme, code="MT1", applies_to=[commune])
    submission_import(unit=communes[0], period=period, figures={target: Figures(1, 2)}, actor_label="test")
    milestone = Milestone.objects.create(
        programme=programme, code=f"KH-{letter}", name=f"Kế hoạch {letter}", due=datetime.date(2024, 3, 31)
    )
    record = MilestoneRecord.objects.create(
        milestone=milestone,
        unit=communes[0],
        done_on=datetime.date(2024, 2, 1),
        recorded_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
    )
    return {
        "district": district,
        "communes": communes,
        "programme": programme,
        "period": period,
        "target": target,
        "record": record,
        "reviewer": make_user(f"thamdinh{letter}", Role.REVIEWER, unit=district),
        "leader": make_user(f"lanhdao{letter}", Role.LEADER, unit=district),
    }


@pytest.fixture
def areas(db):
    province = UnitFactory(code="T", name="Tỉnh Thử", kind=UnitKindFactory(code="province", reports=False))
    a, b = area("A", province), area("B", province)
    for letter, found in (("A", a), ("B", b)):
        found["model"] = exemplary_model_register(
            user=found["reviewer"],
            unit=found["communes"][0],
            year=2024,
            name=f"Mô hình riêng {letter}",
            field="forest",
            registered_on=datetime.date(2024, 2, 1),
        )
    return {"A": a, "B": b, "province": province}


def signed_in(client, user):
    client.force_login(user)
    return client


def state() -> tuple:
    return (
        list(Submission.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Value.objects.order_by("pk").values_list("pk", "numerator", "denominator")),
        list(MilestoneRecord.objects.order_by("pk").values_list("pk", "status")),
        list(ExemplaryModel.objects.order_by("pk").values_list("pk", "recognised_on")),
    )


def pages_of(found) -> list[str]:
    code, unit = found["programme"].code, found["communes"][0].code
    period, target = found["period"].id, found["target"].id
    return [
        reverse("programme_home", args=[code]),
        reverse("overview", args=[code]),
        reverse("matrix", args=[code]),
        reverse("completeness", args=[code]),
        reverse("violations", args=[code]),
        reverse("milestones_board", args=[code]),
        reverse("inbox", args=[code]),
        reverse("unit_dashboard", args=[code, unit]),
        reverse("unit_milestones", args=[code, unit]),
        reverse("target_dashboard", args=[code, target]),
        reverse("target_year_over_year", args=[code, target]),
        reverse("export_overview", args=[code, "csv"]),
        reverse("export_matrix", args=[code, "csv"]),
        reverse("export_values", args=[code, "csv"]),
        reverse("export_texts", args=[code]),
        reverse("official_report", args=[code, period]),
        reverse("download_start", args=[code, "ma-tran", "xlsx"]),
        reverse("review", args=[period, unit]),
        reverse("report_history", args=[period, unit]),
        reverse("unit_report_docx", args=[period, unit]),
        reverse("milestone_attachment", args=[found["record"].id]),
    ]


@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_each_sees_its_own_area_and_nothing_of_the_other(client, areas, role):
    for own, other in (("A", "B"), ("B", "A")):
        user = areas[own][role]
        signed_in(client, user)
        for url in pages_of(areas[own])[:-1]:  # the attachment: this record has no file
            assert client.get(url).status_code in (200, 302), url
        for url in pages_of(areas[other]):
            response = client.get(url)
            assert response.status_code == 404, url
            assert areas[other]["communes"][0].name.encode() not in response.content, url
        assert [p.code for p in visible_programmes(user)] == [areas[own]["programme"].code]


def test_a_unit_outside_is_a_404_even_through_the_own_programme(client, areas):
    signed_in(client, areas["A"]["reviewer"])
    outside = areas["B"]["communes"][0].code
    assert client.get(reverse("unit_dashboard", args=[areas["A"]["programme"].code, outside])).status_code == 404


def test_the_old_addresses_lead_each_to_the_own_programme(client, areas):
    for letter in ("A", "B"):
        signed_in(client, areas[letter]["reviewer"])
        assert client.get("/tong-quan/?ky=1")["Location"] == f"/ct/{areas[letter]['programme'].code}/tong-quan/?ky=1"


def test_the_switcher_and_the_inbox_show_only_the_own_area(client, areas):
    signed_in(client, areas["A"]["reviewer"])
    response = client.get(reverse("inbox", args=[areas["A"]["programme"].code]))
    assert [item.code for item in response.context["switcher"]] == [areas["A"]["programme"].code]
    html = response.content.decode()
    assert areas["A"]["communes"][0].name in html and areas["B"]["communes"][0].name not in html


def test_a_reviewer_acts_only_on_the_own_area(client, areas):
    a, b = areas["A"], areas["B"]
    signed_in(client, a["reviewer"])
    before = state()
    submission = Submission.objects.get(unit=b["communes"][0], period=b["period"])
    review = reverse("review", args=[b["period"].id, b["communes"][0].code])
    assert client.post(review, {"action": "approve", "version": submission.version}).status_code == 404
    record = reverse("milestone_review", args=[b["record"].id])
    assert client.post(record, {"action": "confirm"}).status_code == 404
    prefix = f"m{b['model'].pk}"
    recognise = {f"{prefix}-recognised_on": "2024-05-10", f"{prefix}-recognition_level": "district"}
    assert client.post(reverse("model_recognise", args=[b["model"].pk]), recognise).status_code == 404
    urge = reverse("urge", args=[b["programme"].code])
    assert client.post(urge, {"ky": b["period"].id, "tat_ca": "1", "loi_nhan": "Nộp ngay."}).status_code == 404
    assert state() == before
    # the same on the own area is carried out
    own = Submission.objects.get(unit=a["communes"][0], period=a["period"])
    review = reverse("review", args=[a["period"].id, a["communes"][0].code])
    assert client.post(review, {"action": "approve", "version": own.version}).status_code == 302
    assert Submission.objects.get(pk=own.pk).status == Submission.Status.APPROVED


def test_the_services_refuse_whatever_the_view_checked(areas):
    a, b = areas["A"], areas["B"]
    assert may(a["reviewer"], Action.REVIEW_UNIT, a["communes"][1])
    assert not may(a["reviewer"], Action.REVIEW_UNIT, b["communes"][1])
    assert not may(a["leader"], Action.VIEW_UNIT, b["communes"][1])
    assert not may(a["reviewer"], Action.VIEW_DISTRICT, b["programme"])
    assert not may(a["reviewer"], Action.DOWNLOAD, b["programme"])
    assert not may(a["reviewer"], Action.REMIND, b["programme"])
    assert not may(a["reviewer"], Action.UPLOAD_BULK, b["communes"][0])
    assert not may(a["reviewer"], Action.RECOGNISE_MODEL, b["communes"][0])
    assert may(a["reviewer"], Action.VIEW_DISTRICT)  # the role, anywhere: what a menu asks


def test_a_bulk_upload_row_for_a_unit_outside_is_refused_naming_the_row(client, areas):
    a, b = areas["A"], areas["B"]
    signed_in(client, a["reviewer"])
    before = state()
    csv = (
        "unit,period,target,numerator,denominator\n"
        f"{a['communes'][1].code},2024,MT1,1,1\n"
        f"{b['communes'][1].code},2024,MT1,1,1\n"
    )
    response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", csv.encode())})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [error.line for error in errors] == [3]
    assert b["communes"][1].code in errors[0].message and "phụ trách" in errors[0].message
    assert state() == before  # nothing saved, the own unit's row neither
    own_only = f"unit,period,target,numerator,denominator\n{a['communes'][1].code},2024,MT1,1,1\n"
    response = client.post(reverse("bulk_upload"), {"file": SimpleUploadedFile("so-lieu.csv", own_only.encode())})
    assert response.status_code == 302
    assert Submission.objects.filter(unit=a["communes"][1]).exists()


def test_a_submission_is_told_to_the_reviewers_above_the_unit_only(areas):
    province_reviewer = make_user("thamdinhtinh", Role.REVIEWER, unit=areas["province"])
    unitless = make_user("chuacodonvi", Role.REVIEWER)
    told = reviewers_of(areas["B"]["communes"][0])
    assert areas["B"]["reviewer"] in told and province_reviewer in told
    assert areas["A"]["reviewer"] not in told and unitless not in told


def test_a_province_reviewer_sees_both_areas_and_an_administrator_everything(client, areas):
    province_reviewer = make_user("thamdinhtinh", Role.REVIEWER, unit=areas["province"])
    administrator = make_user("quantri", Role.ADMINISTRATOR)
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    for user in (province_reviewer, administrator):
        signed_in(client, user)
        for letter in ("A", "B"):
            assert client.get(reverse("overview", args=[areas[letter]["programme"].code])).status_code == 200
        assert {p.code for p in visible_programmes(user)} == {"huyen-a-2024", "huyen-b-2024"}


def test_a_reviewer_without_a_unit_sees_no_programme(client, areas):
    unitless = make_user("chuacodonvi", Role.REVIEWER)
    signed_in(client, unitless)
    assert client.get(reverse("overview", args=[areas["A"]["programme"].code])).status_code == 404
    assert client.get("/tong-quan/").status_code == 404
    assert not visible_programmes(unitless).exists()


def test_an_officer_is_kept_to_the_own_unit(client, areas):
    officer = make_user("canbo", Role.OFFICER, unit=areas["A"]["communes"][0])
    signed_in(client, officer)
    own = reverse("unit_dashboard", args=[areas["A"]["programme"].code, areas["A"]["communes"][0].code])
    assert client.get(own).status_code == 200
    assert client.get(reverse("overview", args=[areas["B"]["programme"].code])).status_code == 404
    assert [p.code for p in visible_programmes(officer)] == ["huyen-a-2024"]


def test_the_demo_accounts_each_belong_to_a_unit(phong_tho, settings):
    settings.DEBUG = True
    call_command("demo_accounts", stdout=io.StringIO())
    users = {user.username: user for user in User.objects.select_related("unit")}
    for username in ("bandanvan", "lanhdao", "quantri"):
        assert users[username].unit == phong_tho.area, username  # the district
    assert users["donvi"].unit.parent == phong_tho.area
    assert visible_programmes(users["bandanvan"]).get() == phong_tho
