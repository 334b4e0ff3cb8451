"""The downloads made in the background, in a browser: asked for from the overview with one click, followed
by the progress bar, then taken; the live server runs the task within the request (tests/settings.py)."""

import pytest
from playwright.sync_api import expect

from programme.models import Period
from reporting.models import PreparedDownload
from reporting.services import submission_import
from tests.browser.conftest import log_in
from tests.factories import total_figures


@pytest.fixture
def s1(phong_tho, commune, targets):
    period = Period.objects.get(programme=phong_tho, code="2024S1")
    submission_import(
        unit=commune,
        period=period,
        figures={targets["MT6"]: total_figures(targets["MT6"], 2_450, 2_650)},
        actor_label="t",
    )
    return period


@pytest.mark.parametrize("screen", ["page", "phone"])
def test_one_click_on_the_overview_asks_for_the_file_then_offers_it(request, live_server, reviewer, s1, screen):
    page = request.getfixturevalue(screen)
    log_in(page, "thamdinh")
    page.goto(f"/tong-quan/?ky={s1.id}")
    page.locator("li", has_text="Ma trận đơn vị × chỉ tiêu").get_by_role("link", name="Excel (XLSX)").click()

    expect(page.get_by_role("heading", name="Tệp đã sẵn sàng")).to_be_visible()
    assert PreparedDownload.objects.get().owner == reviewer  # asked for with the POST, not the page's button
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp").click()
    assert download.value.suggested_filename == "ma-tran-2024S1.xlsx"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_progress_bar_follows_the_worker(page, reviewer, s1):
    running = PreparedDownload.objects.create(
        owner=reviewer, kind="so-lieu", period=s1, state=PreparedDownload.State.RUNNING, filename="so-lieu-2024S1.xlsx"
    )
    log_in(page, "thamdinh")
    page.goto(f"/xuat/tep/{running.pk}/")
    bar = page.locator("progress")
    expect(page.get_by_text("Đang đọc số liệu…")).to_be_visible()

    PreparedDownload.objects.filter(pk=running.pk).update(done=5000, total=12000)
    expect(page.get_by_text("Đã ghi 5.000 / 12.000 dòng.")).to_be_visible()
    assert bar.evaluate("bar => [bar.value, bar.max]") == [5000, 12000]

    PreparedDownload.objects.filter(pk=running.pk).update(done=12000, state=PreparedDownload.State.DONE, content=b"PK")
    expect(page.get_by_role("link", name="Tải tệp")).to_be_visible()  # the page loaded itself again
