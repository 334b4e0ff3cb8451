"""Every page of every role checked by axe-core, on a laptop and on a phone: no serious or critical violation
(contrast, names of fields, links and buttons, keyboard access to what scrolls, landmarks, language…), also in
the states that show errors. axe-core's script ships inside the `axe-playwright-python` wheel: no network."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from programme.models import ExemplaryModel, Period
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.models import Submission
from reporting.services import Content, submission_approve, submission_import, submission_save
from tests.browser.conftest import log_in
from tests.factories import total_figures

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True},
}
BLOCKING = ("serious", "critical")


@pytest.fixture
def district(phong_tho, officer, reviewer, leader, administrator, commune, targets):
    """Something on every page: an approved first quarter, a submitted half-year report, an empty third
    quarter to fill in, and two models in the register, one recognised. Returns the periods by code."""
    periods = {p.code: p for p in Period.objects.filter(programme=phong_tho)}
    typed = [t for t in targets.values() if t.is_typed and t.judged != "annual"]
    q1 = submission_import(
        unit=commune, period=periods["2024Q1"], figures={t: total_figures(t, 70, 100) for t in typed}, actor_label="t"
    )
    submission_approve(user=reviewer, submission=q1, version=None)
    content = Content(
        figures={t: total_figures(t, 88, 100) for t in typed},
        narratives={g: f"Kết quả nhóm nhiệm vụ {g.number}." for g in phong_tho.task_groups.all()},
        shortcomings="Còn khó khăn về giao thông.",
        next_steps="Tiếp tục vận động.",
        proposals="Đề nghị hỗ trợ kinh phí.",
    )
    s1 = periods["2024S1"]
    submission_save(user=officer, unit=commune, period=s1, version=None, content=content, submit=True)
    for name in ("Dân vận khéo trong xây dựng nông thôn mới", "Bản văn hóa"):
        exemplary_model_register(
            user=officer,
            unit=commune,
            year=2024,
            name=name,
            field="culture",
            registered_on=datetime.date(2024, 3, 1),
        )
    exemplary_model_recognise(
        user=reviewer,
        model=ExemplaryModel.objects.first(),
        recognised_on=datetime.date(2024, 5, 1),
        level="district",
    )
    assert Submission.objects.get(period=s1).status == "submitted"
    return periods


def wrong_password(page):
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_be_visible()


def form_errors(page):
    """The browser's own checks on submit: every box in error, the first one focused."""
    page.locator("#id_num_MT1").fill("12,5")
    page.locator("#id_den_MT2").fill("-3")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator(".field.invalid").first).to_be_visible()


def return_without_comment(page):
    page.get_by_label("Ý kiến trả lại (bắt buộc): đơn vị cần sửa gì?").fill("   ")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.locator("#loi-tra-lai")).to_be_visible()


def upload_not_a_workbook(page):
    page.locator("#id_file").set_input_files(
        {"name": "so-lieu.xlsx", "mimeType": "application/octet-stream", "buffer": b"not a workbook"}
    )
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.get_by_role("alert").first).to_be_visible()


def reference_to_nothing(page):
    page.locator("#id_people").fill("{{MT99}}")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".field.invalid").first).to_be_visible()


def prepare_file(page):
    page.get_by_role("button", name="Chuẩn bị tệp").click()
    expect(page.get_by_role("heading", name="Tệp đã sẵn sàng")).to_be_visible()


def visits(periods, commune, targets):
    """For each role (by user name; None: signed out), the pages to check, each with what to do there first."""
    q1, s1, q3 = (periods[code].id for code in ("2024Q1", "2024S1", "2024Q3"))
    unit = commune.code
    read_only = [f"/bao-cao/{s1}/{unit}/", f"/bao-cao/{s1}/{unit}/lich-su/", f"/tham-dinh/{s1}/{unit}/", "/mo-hinh/"]
    return {
        None: [("/dang-nhap/", None), ("/dang-nhap/", wrong_password)],
        "canbo": [
            ("/", None),
            (f"/bao-cao/{q3}/{unit}/", None),
            (f"/bao-cao/{q3}/{unit}/", form_errors),
            (f"/bao-cao/{q1}/{unit}/", None),
            (f"/bao-cao/{s1}/{unit}/lich-su/", None),
            (f"/bao-cao/{q3}/{unit}/tai-len/", None),
            (f"/bao-cao/{q3}/{unit}/tai-len/", upload_not_a_workbook),
            (f"/tong-quan/don-vi/{unit}/", None),
            (f"/bao-cao/{q1}/{unit}/van-ban-ky/", None),
            ("/mo-hinh/", None),
            ("/thong-bao/", None),
            ("/thong-bao/nhan-qua-e-mail/", None),
        ],
        "thamdinh": [
            ("/", None),
            ("/tham-dinh/", None),
            (f"/tham-dinh/{s1}/{unit}/", None),
            (f"/tham-dinh/{s1}/{unit}/", return_without_comment),
            (f"/tham-dinh/{q1}/{unit}/", None),
            ("/tham-dinh/nhap-tep/", None),
            ("/tham-dinh/nhap-tep/", upload_not_a_workbook),
            ("/tong-quan/", None),
            ("/tong-quan/ma-tran/", None),
            ("/tong-quan/tien-do-nop/", None),
            (f"/tong-quan/don-vi/{unit}/", None),
            (f"/tong-quan/chi-tieu/{targets['MT6'].id}/", None),
            ("/mo-hinh/", None),
            ("/mo-hinh/?trang_don_vi=1", None),
            (f"/xuat/chuan-bi/ma-tran.xlsx?ky={s1}", None),
            (f"/xuat/chuan-bi/so-lieu.xlsx?ky={s1}", prepare_file),
            ("/thong-bao/", None),
            (f"/tong-hop/{s1}/", None),
            (f"/tong-hop/{s1}/", reference_to_nothing),
        ],
        "lanhdao": [
            ("/", None),
            (f"/tong-hop/{q1}/", None),
            *((path, None) for path in read_only),
        ],  # the same pages without actions
        "quantri": [("/", None), ("/admin/", None), ("/thong-bao/hop-thu-thu/", None)],
    }


@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_serious_violation_on_any_page(chromium, live_server, district, commune, targets, screen):
    axe = Axe()
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", **SCREENS[screen])
    page = context.new_page()
    found = []
    for username, pages in visits(district, commune, targets).items():
        context.clear_cookies()
        if username:
            log_in(page, username)
            expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
        for path, first in pages:
            response = page.goto(path)
            assert response.status == 200, f"{username} {path}: {response.status}"
            if first:
                first(page)
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in BLOCKING:
                    nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                    found.append(f"{username} {path} ({first and first.__name__}): {violation['id']} at {nodes}")
    context.close()
    assert not found, "\n".join(found)
