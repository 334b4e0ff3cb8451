"""Period kinds and titles are data: which kind is the annual one, what a period is called in documents and on
charts, whatever its dates."""

import pytest
from django.urls import reverse

from programme.models import Period, PeriodKind, Target
from reporting.official_report import period_phrase
from reporting.selectors.series import period_short_name
from tests.factories import PeriodFactory, PeriodKindFactory, TargetFactory


def test_the_usual_kinds_exist_and_only_the_year_is_annual(db):
    kinds = dict(PeriodKind.objects.values_list("code", "annual"))
    assert kinds == {"quarter": False, "six_months": False, "nine_months": False, "year": True}


def test_the_nine_months_report_is_its_own_kind(phong_tho):
    q3 = Period.objects.get(programme=phong_tho, code="2024Q3")
    assert q3.kind.code == "nine_months" and q3.kind.name == "9 tháng" and not q3.is_annual
    assert (period_phrase(q3), period_short_name(q3)) == ("9 tháng năm 2024", "9T")


def test_the_annual_kind_decides_which_reports_judge_annual_targets(db):
    """A kind added by the admin and marked annual is judged as the year's report is; its code says nothing."""
    closing = PeriodKindFactory(code="closing", name="Tổng kết", annual=True)
    period = PeriodFactory(kind=closing, code="2024TK", name="Tổng kết năm 2024", short_name="TK")
    quarter = PeriodFactory(programme=period.programme, kind__code="quarter", code="2024Q1", name="Quý I năm 2024")
    target = TargetFactory(programme=period.programme, judged=Target.Judged.ANNUAL)
    assert period.is_annual and target.is_reported_in(period)
    assert not quarter.is_annual and not target.is_reported_in(quarter)


@pytest.mark.parametrize("path", ["admin:programme_period_change", "admin:programme_periodkind_change"])
def test_the_admin_shows_the_short_name_and_fixes_a_kind_s_code_and_annual_flag(phong_tho, admin_client, path):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    obj = q1 if path.endswith("period_change") else q1.kind
    page = admin_client.get(reverse(path, args=[obj.pk])).content.decode()
    if obj is q1:
        assert 'name="short_name"' in page and 'value="Q1"' in page
    else:
        assert 'name="name"' in page and 'name="code"' not in page and 'name="annual"' not in page
