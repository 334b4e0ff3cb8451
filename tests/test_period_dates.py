"""A period's dates lie in its programme's year (``programme.models.period_dates_problems``): it starts in the
year, or from 1 December of the year before (a cut-off such as 15 December); it ends in the year; its report is
due no earlier than its start and no later than 31 March of the next year. The admin and the fixtures are held
to it."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from programme.models import Period, period_dates_problems
from tests.test_approved_frozen import admin_save

D = datetime.date


@pytest.mark.parametrize(
    "start, end, due, wrong",
    [
        (D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 5), set()),
        (D(2023, 12, 1), D(2024, 6, 14), D(2024, 6, 20), set()),  # the earliest cut-off
        (D(2023, 11, 30), D(2024, 6, 14), D(2024, 6, 20), {"start"}),
        (D(2024, 1, 1), D(2025, 1, 1), D(2025, 1, 5), {"end"}),
        (D(2024, 1, 1), D(2023, 12, 31), D(2024, 1, 5), {"end"}),
        (D(2024, 1, 1), D(2024, 12, 31), D(2025, 3, 31), set()),  # the last due day
        (D(2024, 1, 1), D(2024, 12, 31), D(2025, 4, 1), {"due"}),
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 3, 1), set()),  # due on its first day
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 29), {"due"}),
        (D(2025, 1, 1), D(2025, 3, 31), D(2025, 4, 5), {"start", "end", "due"}),
    ],
)
def test_the_dates_of_a_period_of_a_2024_programme(start, end, due, wrong):
    assert set(period_dates_problems(2024, start, end, due)) == wrong


def test_the_admin_refuses_a_period_outside_the_year_and_saves_a_december_cut_off(admin_client, phong_tho):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    response = admin_save(admin_client, q1, end="2025-03-31")
    assert response.status_code == 200
    assert "Kỳ báo cáo của chương trình năm 2024 phải kết thúc trong năm 2024." in response.text
    assert Period.objects.get(pk=q1.pk).end == D(2024, 3, 31), "nothing saved"

    assert admin_save(admin_client, q1, start="2023-12-15", end="2024-03-14").status_code == 302
    q1.refresh_from_db()
    assert (q1.start, q1.end) == (D(2023, 12, 15), D(2024, 3, 14))


def test_the_programme_page_refuses_its_periods_outside_the_year(admin_client, phong_tho):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    index = list(phong_tho.periods.order_by("pk")).index(q1)
    response = admin_save(admin_client, phong_tho, **{f"periods-{index}-due": "2025-04-01"})
    assert response.status_code == 200
    assert "Hạn nộp phải từ ngày bắt đầu kỳ đến muộn nhất ngày 31/03/2025." in response.text
    assert Period.objects.get(pk=q1.pk).due == D(2024, 4, 5)


def test_a_fixture_with_a_period_outside_its_programme_s_year_is_refused(phong_tho, tmp_path):
    row = {
        "model": "programme.period",
        "fields": {
            "programme": ["phong-tho-2024"],
            "code": "2025Q1",
            "kind": "quarter",
            "name": "Quý I năm 2025",
            "short_name": "Q1",
            "start": "2025-01-01",
            "end": "2025-03-31",
            "due": "2025-04-05",
        },
    }
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    with pytest.raises(ValidationError, match="Kỳ báo cáo 2025Q1: Kỳ báo cáo của chương trình năm 2024 phải bắt đầu"):
        call_command("loaddata", str(path), verbosity=0)
    assert not Period.objects.filter(code="2025Q1").exists()
