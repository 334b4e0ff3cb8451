"""A unit's code: the admin takes only letters, digits, "-", "_" and "." (``Unit.code``), and a code stored
before that rule, whatever it holds, makes no page fail and every link to its unit lead to it."""

import datetime
import html
from urllib.parse import unquote, urljoin

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse

from accounts.roles import Role
from programme.models import Period, Target, Unit
from reporting.services import Figures, submission_import
from tests.addresses import programme_reverse
from tests.factories import close_as_shipped, make_user
from tests.surfaces import fetched

MERGER = datetime.date(2025, 7, 1)
RULE = "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu gạch ngang (-), gạch dưới (_), chấm (.)"


@pytest.mark.parametrize("code", ["03549", "109-BDV", "109-DBP-MLT", "A", "a.b_c-1", "9" * 20])
def test_codes_of_letters_digits_and_marks_are_taken(phong_tho, code):
    # opened the day the fixture's units ended: a code in use is taken again only after its unit ended
    close_as_shipped()
    kind = Unit.objects.get(code="03549").kind
    Unit(code=code, name="Xã mới", kind=kind, opened_on=MERGER).full_clean(validate_unique=False)


@pytest.mark.parametrize("code", ["03/549", "-03549", ".", "..", ".hidden", "_a", "03 549", "Xã1", "=1+1", "a?b"])
def test_other_codes_are_refused_in_vietnamese(phong_tho, code):
    with pytest.raises(ValidationError) as refused:
        Unit(code=code, name="Xã mới", kind=Unit.objects.get(code="03549").kind).full_clean(validate_unique=False)
    assert RULE in " ".join(refused.value.message_dict["code"])


def test_every_shipped_unit_code_follows_the_rule(phong_tho):
    units = Unit.objects.all()
    assert len(units) > 50
    for unit in units:
        unit.full_clean()


def test_the_admin_refuses_a_slash_in_a_code_and_changes_nothing(client, administrator, commune):
    client.force_login(administrator)
    data = {
        "code": "03/549",
        "name": commune.name,
        "aliases": "[]",
        "kind": commune.kind_id,
        "parent": commune.parent_id,
        "opened_on": "",
        "closed_on": "",
        "order": commune.order,
    }
    response = client.post(reverse("admin:programme_unit_change", args=[commune.pk]), data)
    assert response.status_code == 200
    assert RULE in html.unescape(response.text)
    assert Unit.objects.get(pk=commune.pk).code == "03549"
    data["code"] = "03549-1"  # the same form with a code that follows the rule is saved
    assert client.post(reverse("admin:programme_unit_change", args=[commune.pk]), data).status_code == 302
    assert Unit.objects.get(pk=commune.pk).code == "03549-1"


# Codes as old data may hold them, written past the rule. The officer's own unit takes the first.
ODD = {
    "03549": "03/549",
    "03391": "..",
    "03490": ".",
    "03550": "a b?#%2F&x=1",
    "109-CA": "x\ny",
    "109-BDV": "",
    "03553": "Xã/1/lich-su",
}


@pytest.mark.parametrize("code", ODD.values())
def test_the_address_of_any_code_leads_back_to_it(code):
    """The server reads the code back, and a browser has no "." or ".." segment to fold into a step up."""
    url = reverse("review", args=[1, code])
    assert resolve(unquote(url)).kwargs == {"period_id": 1, "unit_code": code}  # the path as the server gets it
    assert urljoin("http://example.invalid/", url) == f"http://example.invalid{url}"


@pytest.fixture
def odd_codes(phong_tho, period_2024):
    """Every unit of ``ODD`` has a submitted report for 2024, then its code is changed in the database."""
    mt2 = Target.objects.get(programme=phong_tho, code="MT2")  # one that every kind reports
    for code in ODD:
        submission_import(
            unit=Unit.objects.get(code=code), period=period_2024, figures={mt2: Figures(3, 4)}, actor_label="t"
        )
    for code, odd in ODD.items():
        Unit.objects.filter(code=code).update(code=odd)
    return {odd: Unit.objects.get(code=odd) for odd in ODD.values()}


def get(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response


def links(client, url: str, name: str, odd_codes: dict, *args) -> None:
    """The page links each unit with an odd code that it names, and each link opens that unit's page."""
    page = html.unescape(get(client, url).text)
    address = programme_reverse if name == "unit_dashboard" else reverse
    linked = [unit for code, unit in odd_codes.items() if address(name, args=[*args, code]) in page]
    assert linked, url
    for unit in linked:
        assert html.escape(unit.name) in get(client, address(name, args=[*args, unit.code])).text


@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_no_district_page_or_download_fails_on_a_stored_odd_code(client, request, odd_codes, period_2024, role):
    client.force_login(request.getfixturevalue(role))
    mt2 = Target.objects.get(programme=period_2024.programme, code="MT2")
    get(client, reverse("home"))
    get(client, programme_reverse("overview"), ky=period_2024.id)
    links(client, f"{programme_reverse('matrix')}?ky={period_2024.id}", "unit_dashboard", odd_codes)
    links(client, programme_reverse("completeness"), "unit_dashboard", odd_codes)
    links(
        client,
        f"{programme_reverse('target_dashboard', args=[mt2.id])}?ky={period_2024.id}",
        "unit_dashboard",
        odd_codes,
    )
    links(client, f"{programme_reverse('inbox')}?ky={period_2024.id}", "review", odd_codes, period_2024.id)
    get(client, reverse("register"))
    for code, unit in odd_codes.items():
        assert html.escape(unit.name) in get(client, programme_reverse("unit_dashboard", args=[code])).text
        get(client, reverse("review", args=[period_2024.id, code]))
        get(client, reverse("report_history", args=[period_2024.id, code]))
        assert get(client, reverse("unit_report_docx", args=[period_2024.id, code]))["Content-Disposition"]
    for name in ("export_overview", "export_matrix", "export_values"):
        for fmt in ("csv", "xlsx"):
            assert (
                fetched(client, client.get(programme_reverse(name, args=[fmt]), {"ky": period_2024.id})).status_code
                == 200
            )
    get(client, programme_reverse("export_texts"), ky=period_2024.id)
    get(client, programme_reverse("official_report", args=[period_2024.id]))


def test_no_officer_page_fails_on_the_own_unit_odd_code(client, odd_codes, period_2024):
    unit = odd_codes["03/549"]
    client.force_login(make_user("canbo", Role.OFFICER, unit=unit))
    start = html.unescape(get(client, reverse("home")).text)
    assert reverse("report", args=[period_2024.id, unit.code]) in start
    menu = reverse("programme_latest", args=[f"tong-quan/don-vi/{unit.code.replace('/', '%2F')}/"])
    assert menu in start  # the menu leads to the unit's page of the newest programme
    assert client.get(menu)["Location"] == programme_reverse("unit_dashboard", args=[unit.code])
    q3 = Period.objects.get(programme=period_2024.programme, code="2024Q3")
    for period in (period_2024, q3):
        get(client, reverse("report", args=[period.id, unit.code]))
    get(client, programme_reverse("unit_dashboard", args=[unit.code]))
    get(client, reverse("report_template", args=[q3.id, unit.code]))
    get(client, reverse("report_upload", args=[q3.id, unit.code]))
    get(client, reverse("unit_report_docx", args=[period_2024.id, unit.code]))
    get(client, reverse("register"))
