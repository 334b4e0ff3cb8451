"""The register of "Dân vận khéo" models: officers register, reviewers recognise, MT5a/MT5b follow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programme.compliance import Status
from programme.models import ExemplaryModel, Target, Unit, UnitKind
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.selectors.compliance import district_compliance
from reporting.totals import totals_refresh
from tests.factories import TargetFactory, make_district, make_user, work_in

REGISTER = reverse("register")
MARCH_1 = datetime.date(2024, 3, 1)
FIELDS = ["economy", "forest", "culture", "customs", "security"]  # Kết luận 69-KL/TU, made by the migration


@pytest.fixture
def in_2024(monkeypatch):
    """Today is 1 June 2024, so that a model registered today counts for the 2024 programme."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2024, 6, 1))


@pytest.fixture
def other_unit(phong_tho):
    return Unit.objects.get(code="03391")


def register_model(reviewer, unit, name="Dân vận khéo trong bảo vệ rừng", **kwargs) -> ExemplaryModel:
    values = {"year": 2024, "field": "forest", "registered_on": MARCH_1, **kwargs}
    return exemplary_model_register(user=reviewer, unit=unit, name=name, **values)


def unit_status(period, unit, code) -> Status:
    report = district_compliance(period, by_unit=True)
    return next(row.result.status for row in report.unit_rows if row.unit.id == unit.id and row.target.code == code)


def recognise_data(model, recognised_on="2024-05-10", level="district") -> dict:
    return {f"m{model.pk}-recognised_on": recognised_on, f"m{model.pk}-recognition_level": level}


# The officer registers the unit's models.


def test_officer_registers_a_model_and_mt5a_is_then_met(client, officer, commune, period_2024, in_2024):
    assert unit_status(period_2024, commune, "MT5a") == Status.NOT_MET
    client.force_login(officer)
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert "Đơn vị đã đăng ký mô hình năm 2024 (MT5a): " in page.text and "Chưa" in page.text
    assert "Đơn vị chưa đăng ký mô hình nào." in page.text

    response = client.post(
        REGISTER,
        {
            "name": "Dân vận khéo trong xóa bỏ hủ tục",
            "field": "customs",
            "description": "Vận động bỏ tục thách cưới.",
            "started_on": "15/03/2024",
        },
        follow=True,
    )
    assert response.redirect_chain == [(REGISTER, 302)]
    assert "Đã đăng ký mô hình “Dân vận khéo trong xóa bỏ hủ tục” năm 2024." in response.text
    assert "Xóa bỏ tập tục lạc hậu" in response.text
    assert "15/03/2024" in response.text
    assert "(MT5a): <span" in response.text

    model = ExemplaryModel.objects.get()
    assert (model.unit, model.year, model.field_id) == (commune, 2024, "customs")
    assert (model.started_on, model.registered_on) == (datetime.date(2024, 3, 15), datetime.date(2024, 6, 1))
    assert model.recognised_on is None
    assert unit_status(period_2024, commune, "MT5a") == Status.MET
    assert unit_status(period_2024, commune, "MT5b") == Status.NOT_MET


def test_officer_summary_line_says_yes_once_registered(client, officer, commune, reviewer):
    register_model(reviewer, commune)
    client.force_login(officer)
    text = " ".join(client.get(REGISTER).text.split())
    assert 'Đơn vị đã đăng ký mô hình năm 2024 (MT5a): <span class="status met">Có</span>' in text
    assert 'đã có điển hình (MT5b): <span class="status in_progress">Chưa</span>' in text


@pytest.mark.parametrize("typed", ["2024-03-15", "15/03/2024"])
def test_start_date_is_accepted_as_iso_or_day_month_year(client, officer, typed):
    client.force_login(officer)
    response = client.post(REGISTER, {"name": "Mô hình", "field": "forest", "started_on": typed})
    assert response.status_code == 302
    assert ExemplaryModel.objects.get().started_on == datetime.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Cần nhập tên mô hình."),
        ({"name": "   "}, "name", "Cần nhập tên mô hình."),
        ({"name": "M" * 301}, "name", "Tên mô hình dài tối đa 300 ký tự (đang có 301)."),
        ({"field": "sports"}, "field", "Cần chọn một lĩnh vực trong danh sách lĩnh vực mô hình đang áp dụng."),
        ({"field": ""}, "field", "Cần chọn lĩnh vực."),
        ({"started_on": "31/02/2024"}, "started_on", "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm"),
        ({"started_on": "hôm qua"}, "started_on", "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, officer, changes, field, message):
    typed = {"name": "Mô hình bảo vệ rừng đầu nguồn", "field": "forest", "description": "Mô tả đã gõ", **changes}
    client.force_login(officer)
    response = client.post(REGISTER, typed)
    assert response.status_code == 200
    assert ExemplaryModel.objects.count() == 0
    assert f'<p class="error" id="id_{field}_error">{message}' in response.text
    assert f'aria-describedby="id_{field}_error' in response.text
    assert "Chưa đăng ký được" in response.text
    assert "Mô tả đã gõ</textarea>" in response.text  # what was typed is shown back
    if field != "name":
        assert 'value="Mô hình bảo vệ rừng đầu nguồn"' in response.text
    if field == "started_on":
        assert f'value="{changes["started_on"]}"' in response.text


def test_the_same_model_is_not_registered_twice(client, officer):
    client.force_login(officer)
    assert client.post(REGISTER, {"name": "Mô hình rừng", "field": "forest"}).status_code == 302
    response = client.post(REGISTER, {"name": "mô hình  rừng", "field": "forest"})
    assert response.status_code == 200
    assert "Đơn vị đã đăng ký mô hình “mô hình rừng” năm" in response.text
    assert ExemplaryModel.objects.count() == 1


def test_a_posted_unit_is_ignored_the_unit_comes_from_the_user(client, officer, commune, other_unit):
    client.force_login(officer)
    response = client.post(REGISTER, {"name": "Mô hình", "field": "forest", "unit": other_unit.pk, "year": 1999})
    assert response.status_code == 302
    model = ExemplaryModel.objects.get()
    assert model.unit == commune
    assert model.year == 2024


def test_officer_never_sees_another_units_models(client, officer, reviewer, commune, other_unit):
    register_model(reviewer, commune, name="Mô hình của thị trấn")
    register_model(reviewer, other_unit, name="Mô hình của xã bên cạnh")
    client.force_login(officer)
    response = client.get(REGISTER)
    assert "Mô hình của thị trấn" in response.text
    assert "Mô hình của xã bên cạnh" not in response.text
    assert other_unit.name not in response.text
    assert client.get(REGISTER, {"kind": "commune"}).text.count("<tr id=") == 1


def test_officer_lists_every_year_newest_first(client, officer, reviewer, commune):
    register_model(reviewer, commune, name="Mô hình năm trước", year=2023, registered_on=datetime.date(2023, 4, 1))
    register_model(reviewer, commune, name="Mô hình năm nay")
    client.force_login(officer)
    text = client.get(REGISTER).text
    assert text.index("Mô hình năm nay") < text.index("Mô hình năm trước")


def test_register_service_checks_who_may_register(officer, leader, reviewer, commune, other_unit):
    with pytest.raises(PermissionDenied):
        register_model(officer, other_unit)
    with pytest.raises(PermissionDenied):
        register_model(leader, commune)
    assert register_model(officer, commune).unit == commune
    assert register_model(reviewer, other_unit, name="Thay mặt đơn vị").unit == other_unit


def test_register_service_refuses_bad_values_in_vietnamese(reviewer, commune):
    with pytest.raises(ValidationError) as refused:
        register_model(reviewer, commune, name="", field="sports")
    assert refused.value.message_dict == {
        "name": ["Cần nhập tên mô hình."],
        "field": ["Cần chọn một lĩnh vực trong danh sách lĩnh vực mô hình đang áp dụng."],
    }
    assert ExemplaryModel.objects.count() == 0


# The reviewer recognises models as điển hình.


def test_reviewer_recognises_a_model_and_mt5b_is_then_met(client, reviewer, officer, commune, period_2024):
    model = register_model(officer, commune)
    assert unit_status(period_2024, commune, "MT5a") == Status.MET
    assert unit_status(period_2024, commune, "MT5b") == Status.NOT_MET
    client.force_login(reviewer)
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert model.name in page.text and commune.name in page.text
    assert f'action="{reverse("model_recognise", args=[model.pk])}"' in page.text
    assert f'<label for="id_m{model.pk}-recognised_on">' in page.text

    url = reverse("model_recognise", args=[model.pk]) + "?field=forest&page=1"
    response = client.post(url, recognise_data(model, "10/05/2024", "district"))
    assert response.status_code == 302
    assert response["Location"] == f"{REGISTER}?field=forest&page=1#mo-hinh-{model.pk}"
    page = client.get(response["Location"])
    assert "Đã công nhận mô hình “Dân vận khéo trong bảo vệ rừng” (Thị trấn Phong Thổ) là điển hình cấp huyện." in (
        page.text
    )
    model.refresh_from_db()
    assert (model.recognised_on, model.recognition_level_id) == (datetime.date(2024, 5, 10), "district")
    assert unit_status(period_2024, commune, "MT5b") == Status.MET
    assert f'action="{reverse("model_recognise", args=[model.pk])}' not in page.text


def test_recognition_before_registration_is_refused(client, reviewer, commune):
    model = register_model(reviewer, commune)
    client.force_login(reviewer)
    response = client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model, "2024-02-28"))
    assert response.status_code == 200
    assert "Ngày công nhận điển hình không thể trước ngày đăng ký mô hình (01/03/2024)." in response.text
    assert f'id="id_m{model.pk}-recognised_on_error"' in response.text
    assert "Chưa công nhận được mô hình" in response.text
    assert 'value="2024-02-28"' in response.text  # typed values kept
    assert '<option value="district" selected>' in response.text
    model.refresh_from_db()
    assert model.recognised_on is None and model.recognition_level is None


@pytest.mark.parametrize(
    ("recognised_on", "level", "message"),
    [
        ("2024-05-10", "", "Cần chọn cấp công nhận."),
        ("2024-05-10", "galaxy", "Cần chọn một cấp trong danh sách cấp công nhận."),
        ("", "district", "Cần nhập ngày công nhận."),
        ("32/05/2024", "district", "Ngày không hợp lệ"),
    ],
)
def test_recognition_needs_a_date_and_a_level(client, reviewer, commune, recognised_on, level, message):
    model = register_model(reviewer, commune)
    client.force_login(reviewer)
    response = client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model, recognised_on, level))
    assert response.status_code == 200
    assert message in response.text
    model.refresh_from_db()
    assert model.recognised_on is None


def test_recognise_service_checks_rights_and_refuses_a_second_recognition(reviewer, leader, officer, commune):
    model = register_model(reviewer, commune)
    for user in (leader, officer):
        with pytest.raises(PermissionDenied):
            exemplary_model_recognise(user=user, model=model, recognised_on=MARCH_1, level="commune")
    with pytest.raises(ValidationError) as refused:
        exemplary_model_recognise(user=reviewer, model=model, recognised_on=datetime.date(2024, 2, 1), level="x")
    assert set(refused.value.message_dict) == {"recognised_on", "recognition_level"}
    exemplary_model_recognise(user=reviewer, model=model, recognised_on=MARCH_1, level="commune")
    with pytest.raises(ValidationError, match="đã được công nhận điển hình ngày 01/03/2024"):
        exemplary_model_recognise(user=reviewer, model=model, recognised_on=MARCH_1, level="province")
    model.refresh_from_db()
    assert model.recognition_level_id == "commune"


def test_leader_sees_the_register_read_only(client, leader, reviewer, commune):
    model = register_model(reviewer, commune)
    client.force_login(leader)
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert model.name in page.text and "Chưa công nhận" in page.text
    assert "model_recognise" not in page.text and "cong-nhan" not in page.text
    assert client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model)).status_code == 403
    assert client.post(REGISTER, {"name": "Mô hình", "field": "forest"}).status_code == 403
    model.refresh_from_db()
    assert model.recognised_on is None
    assert ExemplaryModel.objects.count() == 1


def test_officer_cannot_recognise(client, officer, reviewer, commune):
    model = register_model(reviewer, commune)
    client.force_login(officer)
    assert client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model)).status_code == 403
    model.refresh_from_db()
    assert model.recognised_on is None


def test_recognising_is_a_post(client, reviewer, commune):
    model = register_model(reviewer, commune)
    client.force_login(reviewer)
    assert client.get(reverse("model_recognise", args=[model.pk])).status_code == 405
    assert client.post(reverse("model_recognise", args=[10**9]), {}).status_code == 404


def test_anonymous_is_sent_to_the_login_page(client, reviewer, commune):
    model = register_model(reviewer, commune)
    for response in (client.get(REGISTER), client.post(reverse("model_recognise", args=[model.pk]))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(client, db):
    from accounts.models import User

    client.force_login(User.objects.create_user("khach", password="Mat-khau-thu-9"))
    assert client.get(REGISTER).status_code == 403


def test_an_officer_without_a_unit_is_refused(client, db):
    client.force_login(make_user("vodonvi", Role.OFFICER))
    assert client.get(REGISTER).status_code == 403


def test_csrf_is_enforced(officer, reviewer, commune):
    model = register_model(reviewer, commune)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)
    assert csrf_client.post(REGISTER, {"name": "Mô hình", "field": "forest"}).status_code == 403
    csrf_client.force_login(reviewer)
    assert csrf_client.post(reverse("model_recognise", args=[model.pk]), recognise_data(model)).status_code == 403
    assert ExemplaryModel.objects.count() == 1
    model.refresh_from_db()
    assert model.recognised_on is None


# The district's view: filters, pages, per-unit targets.


def test_filters_narrow_the_list_and_bad_values_are_ignored(client, reviewer, commune, phong_tho):
    government = Unit.objects.get(code="109-UBND")
    forest = register_model(reviewer, commune, name="Mô hình rừng")
    customs = register_model(reviewer, government, name="Mô hình hủ tục", field="customs")
    exemplary_model_recognise(user=reviewer, model=customs, recognised_on=MARCH_1, level="district")
    client.force_login(reviewer)

    def names(params):
        response = client.get(REGISTER, params)
        assert response.status_code == 200
        return {name for name in (forest.name, customs.name) if name in response.text}

    assert names({}) == {forest.name, customs.name}
    assert names({"kind": "commune"}) == {forest.name}
    assert names({"kind": "government"}) == {customs.name}
    assert names({"field": "customs"}) == {customs.name}
    assert names({"recognised": "yes"}) == {customs.name}
    assert names({"recognised": "no"}) == {forest.name}
    assert names({"kind": "nowhere", "field": "sports", "recognised": "maybe", "page": "x"}) == {
        forest.name,
        customs.name,
    }
    assert names({"kind": "commune", "page": "-3"}) == {forest.name}


def test_the_models_listed_are_those_of_the_units_in_the_table(client, reviewer, commune, phong_tho):
    """Models of units under the area at any depth that report and exist at the cut-off; not those of a unit
    closed before it, opened after it, outside the area, or of a kind that does not report."""
    village_kind = UnitKind.objects.create(code="village", name="Thôn, bản", reports=True, order=99)
    office_kind = UnitKind.objects.create(code="office", name="Văn phòng", reports=False, order=98)
    elsewhere = Unit.objects.create(code="KHAC", name="Huyện khác", kind=UnitKind.objects.get(code="district"))
    places = {
        "village": Unit.objects.create(code="THON-1", name="Thôn Một", kind=village_kind, parent=commune),
        "closed": Unit.objects.get(code="03391"),
        "opened": Unit.objects.get(code="03490"),
        "outside": Unit.objects.create(code="KHAC-1", name="Xã ngoài", kind=commune.kind, parent=elsewhere),
        "office": Unit.objects.create(code="VP-1", name="Văn phòng một", kind=office_kind, parent=commune.parent),
        "commune": commune,
    }
    outsider = make_user("thamdinh-khac", Role.REVIEWER, unit=elsewhere)  # each area registers its own units
    for label, unit in places.items():
        register_model(outsider if unit.parent == elsewhere else reviewer, unit, name=f"Mô hình của {label}")
    Unit.objects.filter(code="03391").update(closed_on=datetime.date(2024, 6, 30))
    Unit.objects.filter(code="03490").update(opened_on=datetime.date(2025, 1, 1))
    totals_refresh()  # written past the paths that keep the district's sums
    client.force_login(reviewer)

    text = client.get(REGISTER).text

    listed = {label for label in places if f'aria-label="Công nhận điển hình: Mô hình của {label}"' in text}
    assert listed == {"village", "commune"}
    units_table = text.split('id="tung-don-vi"')[1]
    assert "Thôn Một" in units_table and "Xã ngoài" not in units_table and "Văn phòng một" not in units_table
    villages = client.get(REGISTER, {"kind": "village"}).text
    assert {label for label in places if f": Mô hình của {label}" in villages} == {"village"}


def test_each_unit_shows_whether_mt5a_and_mt5b_are_met(client, reviewer, commune, phong_tho):
    model = register_model(reviewer, commune)
    exemplary_model_recognise(user=reviewer, model=model, recognised_on=MARCH_1, level="commune")
    client.force_login(reviewer)
    text = " ".join(client.get(REGISTER, {"kind": "commune"}).text.split())
    assert "Đơn vị đã đăng ký mô hình (MT5a): <strong>1/17</strong> đơn vị" in text
    assert "đã có điển hình (MT5b): <strong>1/17</strong> đơn vị" in text
    row = text[text.index(f'<th scope="row">{commune.name} ') :]
    row = row[: row.index("</tr>")]
    assert row.count('<span class="status met">Có</span>') == 2
    assert text.count('<span class="status in_progress">Chưa</span>') == 2 * 16


def test_a_register_target_that_does_not_apply_to_a_kind_says_so(client, reviewer, db):
    programme, _, _ = make_district(2, targets=0)
    work_in(reviewer, programme.area)
    other_kind = UnitKind.objects.create(code="army", name="Lực lượng vũ trang")
    TargetFactory(programme=programme, source=Target.Source.MODELS_REGISTERED, applies_to=[other_kind])
    client.force_login(reviewer)
    text = client.get(REGISTER).text
    assert text.count('<span class="status no_data">Không áp dụng</span>') == 2 * 2
    assert "Đơn vị đã đăng ký mô hình (T" in text and "<strong>0/0</strong>" in text


def test_the_list_is_paginated_fifty_a_page(client, reviewer, commune):
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(
                unit=commune, year=2024, name=f"Mô hình số {i:03d}", field_id="forest", registered_on=MARCH_1
            )
            for i in range(120)
        ]
    )
    totals_refresh()  # written past the paths that keep the sums
    client.force_login(reviewer)
    first = client.get(REGISTER)
    assert first.text.count("<tr id=") == 50
    assert "Trang 1/3" in first.text and 'href="?page=2"' in first.text
    last = client.get(REGISTER, {"page": "99"})
    assert last.text.count("<tr id=") == 20 and "Trang 3/3" in last.text
    filtered = client.get(REGISTER, {"field": "forest", "page": "2"})
    assert 'href="?field=forest&amp;page=3"' in filtered.text


def test_the_table_of_units_is_paged_and_the_tallies_count_every_unit(client, reviewer, db):
    programme, _, _ = make_district(0, targets=0)
    work_in(reviewer, programme.area)
    commune = UnitKind.objects.get(code="commune")
    TargetFactory(programme=programme, source=Target.Source.MODELS_REGISTERED, applies_to=[commune])
    grow_district(programme, 120, 0)  # each unit has a model registered
    client.force_login(reviewer)

    first = client.get(REGISTER)

    units_table = first.text.split('id="tung-don-vi"')[1]
    assert units_table.count('<th scope="row">Xã thêm') == 50
    assert "<details>" in units_table  # closed until it is paged
    assert "Trang 1/3" in units_table and 'href="?trang_don_vi=2#tung-don-vi"' in units_table
    assert "<strong>120/120</strong>" in first.text  # the tally is over every unit, not the page
    last = client.get(REGISTER, {"trang_don_vi": "99", "field": "forest"}).text.split('id="tung-don-vi"')[1]
    assert last.count('<th scope="row">Xã thêm') == 20 and "Trang 3/3" in last
    assert "<details open>" in last
    assert "Xã thêm 119 " in last and "Xã thêm 99 " not in last
    assert 'href="?trang_don_vi=2&amp;field=forest#tung-don-vi"' in last
    odd = client.get(REGISTER, {"trang_don_vi": "²"}).text.split('id="tung-don-vi"')[1]
    assert "Trang 1/3" in odd and "Xã thêm 0 " in odd


# The page's number of queries does not grow with the district.


def grow_district(programme, n_units: int, start: int):
    """Add ``n_units`` communes to the programme's district, each with a registered model, a third recognised."""
    kind = UnitKind.objects.get(code="commune")
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=f"G{start + i:05d}", name=f"Xã thêm {start + i}", kind=kind, parent=programme.area, order=start + i
            )
            for i in range(n_units)
        ]
    )
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(
                unit=unit,
                year=programme.year,
                name=f"Mô hình {unit.code}",
                field_id=FIELDS[i % 5],
                description="Mô tả",
                registered_on=MARCH_1,
                recognised_on=MARCH_1 if i % 3 == 0 else None,
                recognition_level_id="district" if i % 3 == 0 else None,
            )
            for i, unit in enumerate(units)
        ]
    )
    totals_refresh()  # written past the paths that keep the sums


def page_queries(client, user, params=None) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(REGISTER, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.LEADER])
@pytest.mark.parametrize("params", [{}, {"kind": "commune", "recognised": "no", "page": "2"}, {"trang_don_vi": "3"}])
def test_district_register_query_count_is_fixed(client, db, role, params):
    programme, _, targets = make_district(0, targets=1)
    for source in (Target.Source.MODELS_REGISTERED, Target.Source.MODELS_RECOGNISED):
        TargetFactory(programme=programme, source=source, applies_to=targets[0].applies_to.all())
    user = make_user("xem", role)
    grow_district(programme, 10, 0)
    small = page_queries(client, user, params)
    grow_district(programme, 290, 10)
    large = page_queries(client, user, params)
    assert small == large
    assert large <= 18  # the header's unread notifications and the lists of fields and levels included


def test_officer_register_query_count_is_fixed(client, db):
    programme, _, _ = make_district(0, targets=1)
    grow_district(programme, 10, 0)
    officer = make_user("canbo", Role.OFFICER, unit=Unit.objects.get(code="G00000"))
    small = page_queries(client, officer)
    grow_district(programme, 290, 10)
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(unit=officer.unit, year=2024, name=f"Thêm {i}", field_id="forest", registered_on=MARCH_1)
            for i in range(5)
        ]
    )
    totals_refresh()  # written past the paths that keep the sums
    large = page_queries(client, officer)
    assert small == large


def test_a_model_registered_after_the_fact_keeps_its_registration_date(client, officer, period_2024):
    client.force_login(officer)
    response = client.post(
        reverse("register"), {"name": "Mô hình bổ sung", "field": "forest", "registered_on": "2024-05-02"}
    )
    assert response.status_code == 302
    model = ExemplaryModel.objects.get(name="Mô hình bổ sung")
    assert model.registered_on == datetime.date(2024, 5, 2)
    mt5a = next(result for target, result in district_compliance(period_2024).rows if target.code == "MT5a")
    assert mt5a.numerator == 1


def test_a_registration_date_in_the_future_is_refused(client, officer):
    client.force_login(officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("register"), {"name": "Mô hình", "field": "forest", "registered_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert "Ngày đăng ký không thể sau hôm nay." in response.text
    assert not ExemplaryModel.objects.exists()
