"""The pages shown in the README, at desktop and phone width. `make screenshots` writes docs/screenshots/;
otherwise the pictures go to a temporary folder and only the layout checks count."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from programme.models import Period
from reporting.services import Content, Figures, submission_import, submission_save
from tests.browser.conftest import log_in
from tests.factories import total_figures

WIDTHS = {"desktop": 1280, "phone": 360}


@pytest.fixture
def folder(tmp_path):
    if os.environ.get("UPDATE_SCREENSHOTS"):
        path = Path(settings.BASE_DIR) / "docs" / "screenshots"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path


@pytest.fixture
def filed_report(phong_tho, officer, commune, targets):
    periods = {p.code: p for p in Period.objects.filter(programme=phong_tho)}
    typed = [t for t in targets.values() if t.is_typed and t.judged != "annual"]
    previous = {t: total_figures(t, 70, 100) for t in typed} | {targets["MT3a"]: Figures(150, 160)}
    submission_import(unit=commune, period=periods["2024Q1"], figures=previous, actor_label="t")
    content = Content(
        figures={t: total_figures(t, 88, 100) for t in typed}
        | {targets["MT6"]: total_figures(targets["MT6"], 2_450, 2_650)},
        narratives={
            g: f"Kết quả nhóm nhiệm vụ {g.number}: đã triển khai theo kế hoạch." for g in phong_tho.task_groups.all()
        },
        shortcomings="Một số thôn vùng cao còn khó khăn về giao thông.",
        next_steps="Tiếp tục vận động nhân dân xóa bỏ hủ tục.",
        proposals="Đề nghị hỗ trợ kinh phí tập huấn.",
    )
    submission_save(
        user=officer,
        unit=commune,
        period=periods["2024S1"],
        version=None,
        content=content,
        submit=True,
    )
    return periods["2024S1"]


@pytest.mark.parametrize("size", list(WIDTHS))
def test_screens(chromium, live_server, folder, officer, reviewer, commune, filed_report, size):
    width = WIDTHS[size]
    shots = [
        ("canbo", "/", "officer-start"),
        ("canbo", f"/bao-cao/{filed_report.programme.periods.get(code='2024Q3').id}/{commune.code}/", "officer-form"),
        ("thamdinh", "/tham-dinh/", "reviewer-inbox"),
        ("thamdinh", f"/tham-dinh/{filed_report.id}/{commune.code}/", "reviewer-review"),
        ("thamdinh", "/tong-quan/", "overview"),
        ("thamdinh", "/tong-quan/ma-tran/", "matrix"),
        ("thamdinh", f"/tong-quan/chi-tieu/{filed_report.programme.targets.get(code='MT6').id}/", "target"),
    ]
    for username, path, name in shots:
        context = chromium.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        log_in(page, username)
        expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width}px"
        page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=size == "desktop")
        context.close()
