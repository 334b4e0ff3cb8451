"""A cumulative target before the annual report, below its threshold, is "Đang thực hiện" on every surface:
one function decides (``programme.compliance``, ``TargetResult.status_label``) and every page, download and
document shows what it says.

03549 (Thị trấn Phong Thổ) reports 2024S1: every cumulative target (MT1–MT4b) at 9/10, below its 100%, the
state targets MT6/MT7 at 10/10 (met); its "Dân vận khéo" model comes in October, so MT5a/MT5b (cumulative too)
are 0/1 until the annual report, which they meet. So nothing is "Chưa đạt": each word found is the in-progress
one.
"""

import datetime

import pytest
from django.urls import reverse

from programme.models import ExemplaryModel, Target
from reporting.selectors.reports import report_sheet
from reporting.services import Content, submission_save
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import total_figures
from tests.surfaces import district_surfaces, get_text
from tests.test_dashboards import period

IN_PROGRESS, NOT_MET = "Đang thực hiện", ("Chưa đạt", "Không đạt")
LEGEND = '<span class="cell not_met">Chưa đạt</span>'  # the colour key under a table names every status


def report_content(unit, s1) -> Content:
    sheet = report_sheet(unit, s1)
    state = {Target.Judged.STATE}
    content = Content(
        figures={
            t: total_figures(t, 10, 10) if t.judged in state else total_figures(t, 9, 10) for t in sheet.typed_targets
        },
        narratives={group: "Đã triển khai." for group in sheet.task_groups},
        shortcomings="Còn chậm.",
        next_steps="Tiếp tục.",
        proposals="Không có.",
    )
    return content


def assert_in_progress(text: str, where: str, words=(IN_PROGRESS, *NOT_MET)) -> None:
    in_progress, *not_met = words
    text = text.replace(LEGEND, "")
    assert in_progress in text, where
    assert not [word for word in not_met if word in text], where


@pytest.fixture
def s1(phong_tho):
    return period(phong_tho, "2024S1")


def test_a_cumulative_target_below_its_threshold_is_in_progress_on_every_surface(
    client, officer, reviewer, leader, commune, s1, targets
):
    october = datetime.date(2024, 10, 1)
    ExemplaryModel.objects.create(
        unit=commune,
        year=2024,
        name="Bảo vệ rừng",
        field_id="forest",
        registered_on=october,
        recognised_on=october,
        recognition_level_id="district",
    )
    totals_refresh()  # written past the paths that keep the district's sums
    content = report_content(commune, s1)
    submission_save(user=officer, unit=commune, period=s1, version=None, content=content, submit=False)
    form = get_text(client, officer, reverse("report", args=[s1.id, commune.code]))
    assert_in_progress(form, "the officer's form (MT5a/MT5b from the register)")
    assert '<output data-role="pct">90,00%</output>' in form

    draft = report_sheet(commune, s1).submission
    submission_save(user=officer, unit=commune, period=s1, version=draft.version, content=content, submit=True)
    q3 = period(s1.programme, "2024Q3")
    officer_surfaces = {
        "the officer's submitted report": reverse("report", args=[s1.id, commune.code]),
        "the unit's DOCX": reverse("unit_report_docx", args=[s1.id, commune.code]),
        "the Excel template of the next period": reverse("report_template", args=[q3.id, commune.code]),
        "the officer's unit page": programme_reverse("unit_dashboard", args=[commune.code]),
    }
    for where, url in officer_surfaces.items():
        assert_in_progress(get_text(client, officer, url), where)

    assert_in_progress(get_text(client, reviewer, reverse("review", args=[s1.id, commune.code])), "the review page")
    assert_in_progress(get_text(client, leader, reverse("home")), "the leaders' start page")
    for where, url in district_surfaces(s1, targets["MT1"], commune).items():
        if where.startswith("values"):
            continue  # the raw figures, without a judgement
        text = get_text(client, leader, url, ky=s1.id)
        if where.endswith(".csv"):  # the command's columns: the status as its code
            assert_in_progress(text, where, words=(",in_progress,", ",not_met,"))
        else:
            assert_in_progress(text, where)
