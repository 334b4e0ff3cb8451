"""The switch "chỉ đã duyệt" on every page and download that has it, on data where its two answers differ;
and the figures of a draft or of a returned report on none of them, whichever way the switch is set.

2024Q1, MT1 (communes): 03549 approved 3/8 (37,50%), 03391 submitted 5/6 (83,33%), so the district reads
8/14 = 57,14% with both, 37,50% with approved ones only; 03490 keeps a draft of 7/13 (53,85%) and 03550 a
returned report of 1/17 (5,88%), which never count.
"""

import pytest

from accounts.roles import Role
from programme.models import Unit
from reporting.services import (
    Content,
    Figures,
    submission_approve,
    submission_import,
    submission_return,
    submission_save,
)
from tests.addresses import programme_reverse
from tests.factories import make_user
from tests.surfaces import district_surfaces, get_text
from tests.test_dashboards import period

# What each surface shows of the figures, as its format writes them: (both counted, approved only), None where
# the surface shows nothing of it.
DISTRICT = ("57,14%", "37,50%")
DISTRICT_IN_FILES = ("57.14", "37.50")
SUBMITTED_UNIT = "83,33%"
EXPECTED = {
    "overview": [DISTRICT],
    "matrix": [DISTRICT, (SUBMITTED_UNIT, None)],
    "unit page": [(SUBMITTED_UNIT, None)],
    "target page": [DISTRICT, (SUBMITTED_UNIT, None)],
    "overview.csv": [DISTRICT_IN_FILES],
    "overview.xlsx": [DISTRICT_IN_FILES],
    "matrix.csv": [DISTRICT_IN_FILES, ("83.33", None)],
    "matrix.xlsx": [DISTRICT_IN_FILES, ("83.33", None)],
    "values.csv": [("03391,", None), ("03549,", "03549,")],
    "values.xlsx": [("\n03391\n", None), ("\n03549\n", "\n03549\n")],
    "official report": [DISTRICT],
    "draft's unit page": [],
    "returned report's unit page": [],
}
NEVER = ["53,85", "53.85", "5,88", "5.88"]  # the draft and the returned report
NEVER_LISTED = {"values.csv": ["03490,", "03550,"], "values.xlsx": ["\n03490\n", "\n03550\n"]}  # their rows


@pytest.fixture
def q1_reports(phong_tho, targets, reviewer):
    q1 = period(phong_tho, "2024Q1")
    mt1 = targets["MT1"]
    approved, submitted, drafted, returned = (Unit.objects.get(code=c) for c in ("03549", "03391", "03490", "03550"))
    submission_approve(
        user=reviewer,
        submission=submission_import(unit=approved, period=q1, figures={mt1: Figures(3, 8)}),
        version=None,
    )
    submission_import(unit=submitted, period=q1, figures={mt1: Figures(5, 6)})
    submission_save(
        user=make_user("canbo-nhap", Role.OFFICER, unit=drafted),
        unit=drafted,
        period=q1,
        version=None,
        content=Content(figures={mt1: Figures(7, 13)}),
        submit=False,
    )
    submission_return(
        user=reviewer,
        submission=submission_import(unit=returned, period=q1, figures={mt1: Figures(1, 17)}),
        version=None,
        comment="Sai mẫu số.",
    )
    return q1, submitted


@pytest.mark.parametrize("surface", list(EXPECTED))
def test_the_approved_only_switch_changes_every_surface_and_drafts_never_show(
    client, leader, targets, q1_reports, surface
):
    q1, submitted = q1_reports
    urls = district_surfaces(q1, targets["MT1"], submitted) | {
        "draft's unit page": programme_reverse("unit_dashboard", args=["03490"]),
        "returned report's unit page": programme_reverse("unit_dashboard", args=["03550"]),
    }
    url = urls[surface]
    both = get_text(client, leader, url, ky=q1.id)
    approved_only = get_text(client, leader, url, ky=q1.id, chi_duyet="1")
    for counted, approved in EXPECTED[surface]:
        assert counted in both
        if approved is not None:
            assert approved in approved_only
        if approved != counted:
            assert counted not in approved_only
    for text in (both, approved_only):
        shown = [mark for mark in NEVER + NEVER_LISTED.get(surface, []) if mark in text]
        assert not shown, f"{surface}: {shown}"
