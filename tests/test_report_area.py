"""A unit outside a programme's area has no report of it: its own officer gets 404 for the form, the template
and the upload, whether reading or sending, and nothing is saved.

The unit is a commune of another district of the same province, made here: a reporting kind, existing all
year, with its own officer, so that the area is the only reason to refuse. It even holds a report of the
programme (loaded from a file by mistake: a file names units by code), which must stay out of reach too.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from programme.models import Unit, UnitKind
from reporting.models import Submission, Value
from reporting.selectors.reports import report_sheet
from reporting.services import Figures, submission_import, submission_return
from reporting.workbook import build_template
from tests.factories import UnitFactory, make_user
from tests.test_dashboards import period


@pytest.fixture
def outside(phong_tho):
    area = phong_tho.area
    other_district = UnitFactory(code="DIST-KHAC", name="Huyện khác", kind=area.kind, parent=area.parent)
    return UnitFactory(
        code="XA-NGOAI", name="Xã ngoài địa bàn", kind=UnitKind.objects.get(code="commune"), parent=other_district
    )


def requests(q1, unit, template: bytes):
    args = [q1.id, unit.code]
    form = {"version": "", "action": "save", "num_MT1": "3", "den_MT1": "4", "group_1": "Đã làm."}
    return {
        "GET report": ("get", reverse("report", args=args), {}),
        "POST report": ("post", reverse("report", args=args), form),
        "POST report (submit)": ("post", reverse("report", args=args), {**form, "action": "submit"}),
        "GET template": ("get", reverse("report_template", args=args), {}),
        "GET upload": ("get", reverse("report_upload", args=args), {}),
        "POST upload": (
            "post",
            reverse("report_upload", args=args),
            {"file": SimpleUploadedFile("bao-cao.xlsx", template)},
        ),
        "GET DOCX": ("get", reverse("unit_report_docx", args=args), {}),
        "GET history": ("get", reverse("report_history", args=args), {}),
    }


@pytest.mark.parametrize(
    "name",
    [
        "GET report",
        "POST report",
        "POST report (submit)",
        "GET template",
        "GET upload",
        "POST upload",
        "GET DOCX",
        "GET history",
    ],
)
def test_an_officer_outside_the_programmes_area_gets_404_and_saves_nothing(
    client, phong_tho, targets, administrator, outside, name
):
    q1 = period(phong_tho, "2024Q1")
    assert Unit.objects.get(pk=outside.pk).is_active_on(q1.end) and outside.kind.reports
    template = build_template(report_sheet(outside, q1))  # what the unit's template would be, filled in
    stray = submission_import(unit=outside, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    submission_return(user=administrator, submission=stray, version=None, comment="Không thuộc địa bàn.")
    before = list(Value.objects.order_by("pk").values_list("submission_id", "target_id", "numerator", "denominator"))
    client.force_login(make_user("canbo-ngoai", Role.OFFICER, unit=outside))
    method, url, data = requests(q1, outside, template)[name]

    response = getattr(client, method)(url, data)

    assert response.status_code == 404
    assert Submission.objects.get().version == stray.version + 1  # returned, and nothing since
    assert (
        list(Value.objects.order_by("pk").values_list("submission_id", "target_id", "numerator", "denominator"))
        == before
    )
