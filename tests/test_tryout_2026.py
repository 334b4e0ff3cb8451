"""The try-out of both years: Lai Châu's 2026 province programme and Xã Khổng Lào's, their demo accounts and demo
reports, beside the 2024 district programme, which they leave exactly as it was."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from accounts.permissions import Action, may, visible_programmes
from programme.models import (
    Period,
    Programme,
    Target,
    TargetCategory,
    TaskGroup,
    Unit,
    UnitDocument,
    ValidationRule,
)
from programme.selectors import reporting_units
from reporting.models import Narrative, Submission, Value
from tests.factories import close_as_shipped

MERGER = datetime.date(2025, 7, 1)
PROVINCE, COMMUNE, DISTRICT = "lai-chau-2026", "xa-khong-lao-2026", "phong-tho-2024"
TRYOUT_2026 = ("units_lai_chau_2025", "programme_lai_chau_2026", "programme_xa_khong_lao_2026")
BODIES = {"03583-MTTQ", "03583-UBND", "03583-DTN", "03583-HLHPN", "03583-HND", "03583-HCCB"}
TODAY = "2026-11-15"  # the demo's today: the 9-month reports of 2026 are due, the annual ones are not


def load_2026():
    call_command("loaddata", *TRYOUT_2026, verbosity=0)
    call_command("verify_totals", stdout=io.StringIO())


@pytest.fixture
def phong_tho(phong_tho):
    """Phong Thổ after the reform, its units closed on 1 July 2025 as the shipped fixture has them."""
    close_as_shipped()
    return phong_tho


def snapshot():
    models = (Unit, UnitDocument, Programme, TaskGroup, Target, TargetCategory, Period, ValidationRule)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    return rows | {
        "target kinds": sorted(Target.applies_to.through.objects.values_list("target_id", "unitkind_id")),
        "group kinds": sorted(TaskGroup.applies_to.through.objects.values_list("taskgroup_id", "unitkind_id")),
        "predecessors": sorted(Unit.predecessors.through.objects.values_list("from_unit_id", "to_unit_id")),
    }


@pytest.fixture
def both_years(phong_tho, settings):
    settings.DEBUG = True
    load_2026()
    return {code: Programme.objects.select_related("area").get(code=code) for code in (DISTRICT, PROVINCE, COMMUNE)}


# --- the fixtures ---------------------------------------------------------------------------------------------


def test_the_2026_fixtures_load_twice_without_change(both_years):
    before = snapshot()
    call_command("loaddata", *TRYOUT_2026, verbosity=0)
    assert snapshot() == before


def test_khong_lao_has_its_own_bodies(both_years):
    khong_lao = Unit.objects.coded("03583", MERGER).get()
    bodies = Unit.objects.filter(parent=khong_lao)
    assert set(bodies.values_list("code", flat=True)) == BODIES
    assert set(bodies.values_list("opened_on", flat=True)) == {MERGER}
    assert dict(bodies.values_list("code", "kind__code")) == {
        code: "government" if code == "03583-UBND" else "mass_org" for code in BODIES
    }
    assert UnitDocument.objects.filter(unit__in=bodies).count() == len(BODIES)


def test_the_province_programme_is_reported_by_the_38_communes(both_years):
    province = both_years[PROVINCE]
    communes = set(Unit.objects.filter(parent__code="12", kind__code="commune").values_list("pk", flat=True))
    assert len(communes) == 38
    for period in province.periods.all():
        units = reporting_units(province, on=period.end)
        assert {u.id for u in units if u.kind_id == province.area.kind_id or u.parent_id == province.area_id} == (
            communes
        ), period.code
        # No closed Phong Thổ unit; a commune's own bodies are its own programme's (counted once elsewhere).
        others = Unit.objects.filter(pk__in={u.id for u in units} - communes)
        assert set(others.values_list("parent__code", flat=True)) <= {"03583"}, period.code
        assert not Unit.objects.filter(pk__in=[u.id for u in units], closed_on__isnull=False).exists()
    assert set(
        Target.applies_to.through.objects.filter(target__programme=province).values_list("unitkind__code", flat=True)
    ) == {"commune"}


def test_the_province_programme_adapts_every_target_period_and_rule_of_2024(both_years):
    district, province = both_years[DISTRICT], both_years[PROVINCE]
    assert "Bản mẫu" in province.legal_basis and "2024" in province.legal_basis and province.area.code == "12"
    assert province.reviewing_unit.code == "12-BTGDV"

    def shape(programme):
        targets = {t.code: (t.operator, t.threshold, t.judged, t.source) for t in programme.targets.all()}
        rules = set(programme.validation_rules.values_list("code", "left", "operator", "right", "importance"))
        parts = set(TargetCategory.objects.filter(target__programme=programme).values_list("target__code", "code"))
        groups = set(programme.task_groups.values_list("number", "title"))
        return targets, rules, parts, groups

    assert shape(province) == shape(district)
    for old, new in zip(district.periods.order_by("end"), province.periods.order_by("end"), strict=True):
        assert (new.kind_id, new.short_name) == (old.kind_id, old.short_name)
        assert new.code == old.code.replace("2024", "2026") and new.name == old.name.replace("2024", "2026")
        assert (new.start, new.end, new.due) == tuple(d.replace(year=d.year + 2) for d in (old.start, old.end, old.due))
        assert new.outlook
    assert not province.targets.filter(wording__contains="2024").exists()


def test_the_commune_programme_is_reported_by_its_bodies(both_years):
    commune = both_years[COMMUNE]
    assert commune.area == Unit.objects.coded("03583", MERGER).get()
    for period in commune.periods.all():
        assert {u.code for u in reporting_units(commune, on=period.end)} == BODIES
        province_due = Period.objects.get(programme=both_years[PROVINCE], code=period.code).due
        assert period.due < province_due  # the bodies report before the commune compiles for the province
    kinds = dict(Target.objects.filter(programme=commune).values_list("code", "applies_to__code").order_by("code"))
    assert "MT1" not in kinds and "commune" not in kinds.values()


def test_the_2024_compliance_is_the_same_before_and_after_the_2026_fixtures(phong_tho, settings):
    settings.DEBUG = True
    call_command("demo_reports", stdout=io.StringIO())
    codes = list(Period.objects.filter(programme=phong_tho).values_list("code", flat=True))
    before = compliance_outputs(codes)
    load_2026()
    assert compliance_outputs(codes) == before
    assert "Thị trấn Phong Thổ" in before["2024"]


def compliance_outputs(codes) -> dict[str, str]:
    found = {}
    for code in codes:
        out = io.StringIO()
        call_command("compliance", code, "--by-unit", stdout=out)
        found[code] = out.getvalue()
    return found


# --- the demo accounts ----------------------------------------------------------------------------------------

SEES = {
    "quantri": {DISTRICT, PROVINCE, COMMUNE},
    "bandanvan": {DISTRICT},
    "lanhdao": {DISTRICT},
    "donvi": {DISTRICT},  # Thị trấn Phong Thổ, closed on 1/7/2025: its history only
    "tinh": {DISTRICT, PROVINCE, COMMUNE},  # the province's, its commune's, and the former district's as history
    "lanhdaotinh": {DISTRICT, PROVINCE, COMMUNE},
    "xa": {PROVINCE},
    "thamdinhxa": {COMMUNE},
    "mttqxa": {COMMUNE},  # a body of the commune: the commune's programme counts it, not the province's
}


def test_each_demo_account_works_in_its_unit_and_sees_its_programmes(both_years):
    call_command("demo_accounts", stdout=io.StringIO())
    users = {user.username: user for user in User.objects.select_related("unit")}
    units = {name: (users[name].unit.code, users[name].unit.opened_on) for name in SEES}
    assert units == {
        "quantri": ("109", None),
        "bandanvan": ("109", None),
        "lanhdao": ("109", None),
        "donvi": ("03549", None),
        "tinh": ("12", None),
        "lanhdaotinh": ("12", None),
        "xa": ("03583", MERGER),
        "thamdinhxa": ("03583", MERGER),
        "mttqxa": ("03583-MTTQ", MERGER),
    }
    for name, expected in SEES.items():
        assert set(visible_programmes(users[name]).values_list("code", flat=True)) == expected, name
    body = Unit.objects.coded("03583-MTTQ", MERGER).get()
    other_commune = Unit.objects.coded("03549", MERGER).get()
    assert may(users["thamdinhxa"], Action.REVIEW_UNIT, body)
    assert not may(users["thamdinhxa"], Action.REVIEW_UNIT, other_commune)
    assert may(users["tinh"], Action.REVIEW_UNIT, other_commune)
    assert not may(users["lanhdaotinh"], Action.REVIEW_UNIT, other_commune)
    assert not may(users["bandanvan"], Action.REVIEW_UNIT, other_commune)


def test_an_officer_starts_on_the_programme_of_the_nearest_committee(both_years, client):
    call_command("demo_accounts", stdout=io.StringIO())
    for name, expected in {"xa": PROVINCE, "mttqxa": COMMUNE, "donvi": DISTRICT}.items():
        client.force_login(User.objects.get(username=name))
        assert client.get("/").context["programme"].code == expected, name


# --- the demo reports -----------------------------------------------------------------------------------------


def reports_of(programme_code: str) -> list[tuple]:
    """Every report of the programme as its content reads, by codes and names rather than ids."""
    submissions = Submission.objects.filter(period__programme__code=programme_code).select_related(
        "unit", "period", "submitted_by", "reviewed_by"
    )
    values = {}
    for value in Value.objects.filter(submission__in=submissions).select_related("target").order_by("target__code"):
        values.setdefault(value.submission_id, []).append((value.target.code, value.numerator, value.denominator))
    texts = {}
    for narrative in Narrative.objects.filter(submission__in=submissions).select_related("task_group"):
        texts.setdefault(narrative.submission_id, []).append((narrative.task_group.number, narrative.text))
    return sorted(
        (
            s.unit.code,
            s.period.code,
            s.status,
            s.is_late,
            s.submitted_at,
            s.reviewed_at,
            s.shortcomings,
            s.next_steps,
            s.proposals,
            tuple(values.get(s.id, [])),
            tuple(sorted(texts.get(s.id, []))),
        )
        for s in submissions
    )


def make_run(*fixtures):
    """What ``make run`` does after loading the fixtures."""
    call_command("loaddata", *fixtures, verbosity=0)
    call_command("verify_totals", stdout=io.StringIO())
    call_command("demo_accounts", stdout=io.StringIO())
    call_command("demo_reports", "--today", TODAY, stdout=io.StringIO())


def test_the_demo_reports_of_2024_are_the_same_with_the_2026_programmes_loaded(phong_tho, settings):
    settings.DEBUG = True
    with transaction.atomic():
        make_run("units_lai_chau_2025")
        alone = reports_of(DISTRICT)
        transaction.set_rollback(True)
    assert not Submission.objects.exists()
    make_run(*TRYOUT_2026)
    assert reports_of(DISTRICT) == alone
    assert len(alone) > 100
    # The 2024 texts still name the district's year (its Front's congress, its anniversary, its Ban).
    written = " ".join(text for report in alone for _, text in report[-1]) + " ".join(r[8] for r in alone)
    assert "nhiệm kỳ 2024-2029" in written and "giải phóng huyện Phong Thổ" in written
    assert "Ban Dân vận Huyện ủy" in written


def test_the_demo_reports_fill_2026_up_to_the_periods_due(both_years):
    call_command("demo_accounts", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_reports", "--today", TODAY, stdout=out)
    assert f"Số liệu dùng thử cho {PROVINCE}" in out.getvalue() and f"Số liệu dùng thử cho {COMMUNE}" in out.getvalue()
    province = Submission.objects.filter(period__programme__code=PROVINCE)
    commune = Submission.objects.filter(period__programme__code=COMMUNE)
    assert set(province.values_list("period__code", flat=True)) == {"2026Q1", "2026S1", "2026Q3"}
    assert set(province.values_list("unit__kind__code", flat=True)) == {"commune"}  # no body files twice
    assert set(commune.values_list("unit__code", flat=True)) == BODIES
    assert {"approved", "submitted"} <= set(province.values_list("status", flat=True))
    # The demo officers' own latest reports are left to file.
    assert set(province.filter(unit__code="03583").values_list("period__code", flat=True)) <= {"2026Q1", "2026S1"}
    assert set(commune.filter(unit__code="03583-MTTQ").values_list("period__code", flat=True)) <= {"2026Q1", "2026S1"}
    assert province.filter(period__code="2026Q3").count() > 25
    texts = Narrative.objects.filter(submission__in=province | commune).values_list("text", flat=True)
    assert texts and not [text for text in texts if "2024" in text or "Huyện ủy" in text or "huyện" in text]
    closing = (province | commune).values_list("proposals", "next_steps")
    assert not [pair for pair in closing if "Huyện ủy" in "".join(pair)]
    again = io.StringIO()
    call_command("demo_reports", "--today", TODAY, stdout=again)
    assert again.getvalue().count("đã có báo cáo") == 3
