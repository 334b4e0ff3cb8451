"""Two years in a browser: a province reviewer switches from the 2026 programme to the 2024 one, and compares a
target of both years, a merged commune beside its predecessors."""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.roles import Role
from programme.copying import copy_plan, copy_programme
from programme.models import Period, Target, Unit
from reporting.services import Figures, submission_import
from tests.browser.conftest import log_in
from tests.factories import close_as_shipped, make_user


@pytest.fixture
def two_years(phong_tho):
    close_as_shipped()  # the reform ended Phong Thổ's units on the day Lai Châu's communes began
    call_command("loaddata", "units_lai_chau_2025", verbosity=0)
    province = Unit.objects.get(code="12")
    programme = copy_programme(copy_plan(phong_tho, year=2026, code="lai-chau-2026", area=province))
    khong_lao = Unit.objects.coded("03583", datetime.date(2026, 1, 1)).get()
    annual26 = Period.objects.get(programme=programme, code="2026")
    mt1 = Target.objects.get(programme=programme, code="MT1")
    submission_import(unit=khong_lao, period=annual26, figures={mt1: Figures(9, 10)}, actor_label="test")
    annual24 = Period.objects.get(programme=phong_tho, code="2024")
    old_mt1 = Target.objects.get(programme=phong_tho, code="MT1")
    for code, figures in (("03583", Figures(3, 4)), ("03580", Figures(2, 2)), ("03577", Figures(1, 4))):
        submission_import(unit=Unit.objects.get_by_natural_key(code), period=annual24, figures={old_mt1: figures})
    make_user("tinh", Role.REVIEWER, unit=province)
    return programme


def test_a_reviewer_switches_programme_and_compares_two_years(page, two_years):
    log_in(page, "tinh")
    page.goto("/ct/lai-chau-2026/tong-quan/")
    switcher = page.get_by_role("navigation", name="Chương trình")
    switcher.locator("summary").click()
    switcher.get_by_role("link", name="2024 — Chương trình công tác dân vận năm 2024").click()
    expect(page).to_have_url(re.compile(r"/ct/phong-tho-2024/tong-quan/$"))
    expect(page.locator("summary").first).to_contain_text("(2024)")

    page.goto("/ct/lai-chau-2026/tong-quan/")
    page.get_by_role("link", name="MT1").first.click()
    page.get_by_role("link", name="So sánh với chương trình năm khác").click()
    row = page.get_by_role("row").filter(has_text="Xã Khổng Lào").filter(has_text="Xã Bản Lang")
    expect(row).to_contain_text("2024: Xã Bản Lang, Xã Hoang Thèn, Xã Khổng Lào")
    expect(row).to_contain_text("90,00% (9/10)")
    expect(row).to_contain_text("60,00% (6/10)")  # the three predecessors summed: 3/4 + 2/2 + 1/4
