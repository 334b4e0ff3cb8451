"""MT1 counts party organisations ("cấp ủy, tổ chức Đảng"), so only the units that are one report it: the
communes, the two đảng bộ of the district bodies and the armed forces. A government body, a party board or a
mass organisation does not: its chi bộ is counted by the đảng bộ that holds it (README, *Who reports MT1*)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.roles import Role
from programme.models import Unit
from reporting.models import Submission
from tests.factories import make_user
from tests.test_review import period

NOT_REPORTING_MT1 = ["109-UBND", "109-BDV", "109-HLHPN"]  # a government body, a party board, a mass organisation
REPORTING_MT1 = ["03549", "109-DBCQ", "109-DBCCQD", "109-CA"]


def report_form(client, phong_tho, code: str) -> str:
    unit = Unit.objects.get(code=code)
    client.force_login(make_user(f"canbo-{code}", Role.OFFICER, unit=unit))
    response = client.get(reverse("report", args=[period(phong_tho, "2024Q1").id, code]))
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("code", NOT_REPORTING_MT1)
def test_a_body_whose_chi_bo_a_dang_bo_holds_has_no_mt1_row(client, phong_tho, code):
    page = report_form(client, phong_tho, code)
    assert 'id="id_num_MT2"' in page
    assert "id_num_MT1" not in page and 'data-code="MT1"' not in page


@pytest.mark.parametrize("code", REPORTING_MT1)
def test_a_party_organisation_reports_mt1(client, phong_tho, code):
    assert 'id="id_num_MT1"' in report_form(client, phong_tho, code)


def test_import_values_refuses_mt1_for_a_government_body_and_loads_nothing(phong_tho, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_text(
        "unit,period,target,numerator,denominator\n109-DBCQ,2024Q1,MT1,3,4\n109-UBND,2024Q1,MT1,2,2\n",
        encoding="utf-8",
    )
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập dòng nào: 1 dòng lỗi"):
        call_command("import_values", str(path), stdout=io.StringIO(), stderr=errors)
    assert errors.getvalue().startswith("Dòng 3:")
    assert "chỉ tiêu MT1 không áp dụng cho cơ quan chính quyền, nhà nước (Ủy ban nhân dân huyện)" in errors.getvalue()
    assert not Submission.objects.exists()  # 109-DBCQ's good row is not saved either


def test_mt1_expects_each_party_organisation_once(phong_tho):
    """17 communes + Đảng bộ Cơ quan chính quyền huyện + Đảng bộ Các cơ quan Đảng huyện + 5 armed forces = 24."""
    out = io.StringIO()
    call_command("compliance", "2024Q1", "--format", "json", "--by-unit", stdout=out)
    document = json.loads(out.getvalue())
    expected = {row["unit"] for row in document["units"] if row["target"] == "MT1"}
    assert expected == set(
        Unit.objects.filter(kind__code__in=["commune", "party_org", "armed_forces"]).values_list("code", flat=True)
    )
    assert {"109-DBCQ", "109-DBCCQD"} <= expected and not expected & set(NOT_REPORTING_MT1)
    assert next(row for row in document["rows"] if row["target"] == "MT1")["units_expected"] == 24
