"""The district's figures summed by the database equal those judged unit by unit, on awkward data.

``district_reports`` (the overview, the start page, the official report) and ``district_completeness`` (the
overview's strip) count in SQL what ``compliance_report`` and the units' marks (``timeliness.timeliness``) add up to in Python. Each world
below mixes every case that decides whether a figure counts: counting, draft and returned reports, approved
ones for the approved-only switch, "not applicable" (denominator 0), blank figures, a figure for a target that
does not apply to the unit's kind, units closed or opened during the year, a unit moved out of the area after
it reported, a unit of another district reporting the same period, units of a deeper level, and the register
(models registered before some reports were approved, whose figures are then fixed into them, and after).
"""

import csv
import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from programme import compliance
from programme.models import ExemplaryModel, Period, Target, Unit, UnitKind, ValidationRule
from programme.rules import report_coverage
from reporting.exports import _cells, _figure, _hundredths_text, _Line, matrix_csv_lines
from reporting.models import Submission, Value
from reporting.selectors.compliance import district_compliance, district_reports, unit_figures
from reporting.selectors.dashboards import completeness
from reporting.selectors.series import programme_periods, units_by_period
from reporting.selectors.timeliness import (
    LATE,
    NOT_EXPECTED,
    ON_TIME,
    RETURNED,
    Completeness,
    completeness_by_period,
    district_completeness,
    report_states,
    timeliness,
)
from reporting.services import Figures, submission_approve, submission_import, submission_return
from reporting.totals import totals_refresh
from tests.factories import UnitFactory, make_user, total_figures


def figures_for(rng: random.Random, targets: list[Target]) -> dict[Target, Figures]:
    figures = {}
    for target in targets:
        shape = rng.random()
        if shape < 0.08:
            figures[target] = total_figures(target, 0, 0)  # not applicable here
        elif shape < 0.14:
            figures[target] = total_figures(target, None, None)  # left blank
        else:
            denominator = rng.choice([1, 3, 7, 10, 40, 1_000, 10_000, 2_000_000_000])
            numerator = rng.choice([denominator, denominator - 1, 0, rng.randint(0, denominator)])
            figures[target] = total_figures(target, max(numerator, 0), denominator)
    return figures


def build_world(phong_tho, seed: int) -> None:
    rng = random.Random(seed)
    # The figures are drawn at random to test the sums, whatever they say of each other: the rules across
    # targets are tests/test_validation_rules.py's.
    ValidationRule.objects.filter(programme=phong_tho).delete()
    reviewer = make_user("thamdinh", Role.REVIEWER, unit=phong_tho.area)
    area = phong_tho.area
    commune = UnitKind.objects.get(code="commune")
    # A deeper level: a commune's sub-units (villages) of a reporting kind, one of them closed mid-year.
    village_kind = UnitKind.objects.create(code="village", name="Thôn, bản", reports=True, order=99)
    town = Unit.objects.get(code="03549")
    villages = [UnitFactory(code=f"THON-{n}", parent=town, kind=village_kind) for n in range(3)]
    # Another district, outside the area, whose unit reports this programme's periods all the same.
    elsewhere = UnitFactory(code="KHAC", kind=UnitKind.objects.get(code="district"), parent=None)
    outsider = UnitFactory(code="KHAC-01", parent=elsewhere, kind=commune)
    reviewers = {outsider.id: make_user("thamdinh_khac", Role.REVIEWER, unit=elsewhere)}  # each reviews their own
    targets = list(Target.objects.filter(programme=phong_tho).prefetch_related("applies_to"))
    typed = [target for target in targets if target.is_typed]
    # Some targets apply to villages too, some not.
    for target in typed[::2]:
        target.applies_to.add(village_kind)
    units = list(Unit.objects.filter(parent=area)) + villages + [outsider]
    periods = programme_periods(phong_tho)
    # Models registered before the reports, so that approving fixes 1 of 1 into some of them.
    for index, unit in enumerate(units[20:34] + villages[:1]):
        registered = datetime.date(2024, 1 + index % 9, 5)
        ExemplaryModel.objects.create(
            unit=unit,
            year=2024,
            name=f"Mô hình sớm {index}",
            field_id="economy",
            registered_on=registered,
            recognised_on=registered + datetime.timedelta(days=60) if index % 2 else None,
            recognition_level_id="district" if index % 2 else None,
        )
    for unit in units:
        for period in periods:
            roll = rng.random()
            if roll < 0.15:
                continue  # missing
            figures = figures_for(rng, report_coverage(unit, period).typed)
            submission = submission_import(unit=unit, period=period, figures=figures, actor_label="thử")
            who = reviewers.get(unit.id, reviewer)
            if roll < 0.25:
                submission_return(user=who, submission=submission, version=None, comment="Sửa lại")
            elif roll < 0.3:
                Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.DRAFT)
            elif roll < 0.65:
                submission_approve(user=who, submission=submission, version=None)
            if roll > 0.9:
                Submission.objects.filter(pk=submission.pk).update(is_late=True)
    # A figure for a target that does not apply to the unit's kind (no form takes it; the sums must skip it).
    police = Unit.objects.get(code="109-CA")
    foreign = next(t for t in typed if not t.applies_to.filter(pk=police.kind_id).exists())
    submission = Submission.objects.filter(unit=police, status__in=Submission.COUNTING).first()
    if submission:
        Value.objects.update_or_create(
            submission=submission, target=foreign, defaults={"numerator": 5, "denominator": 5}
        )
    # Units closed or opened during the year, and a unit moved out of the area after it reported.
    communes = list(Unit.objects.filter(parent=area, kind=commune).order_by("code"))
    Unit.objects.filter(pk=communes[0].pk).update(closed_on=datetime.date(2024, 7, 1))
    Unit.objects.filter(pk=communes[1].pk).update(opened_on=datetime.date(2024, 10, 1))
    Unit.objects.filter(pk=villages[2].pk).update(closed_on=datetime.date(2024, 4, 1))
    Unit.objects.filter(pk=communes[2].pk).update(parent=elsewhere)
    # The register: models registered and recognised at various dates, one of another year.
    for index, unit in enumerate(communes[3:20] + villages[:2]):
        registered = datetime.date(2024, 1 + index % 12, 10)
        recognised = registered + datetime.timedelta(days=90) if index % 3 == 0 else None
        ExemplaryModel.objects.create(
            unit=unit,
            year=2024 if index % 7 else 2023,
            name=f"Mô hình {index}",
            field_id="forest",
            registered_on=registered,
            recognised_on=recognised,
            recognition_level_id="district" if recognised else None,
        )
    totals_refresh()  # the rows above were written directly, past the paths that keep the district's sums


@pytest.mark.parametrize("seed", range(2))
def test_the_database_sums_equal_the_unit_by_unit_figures(phong_tho, seed):
    build_world(phong_tho, seed)
    if seed % 2:  # thresholds with decimals, and both operators, on the same data
        Target.objects.filter(programme=phong_tho, code__in=["MT1", "MT6"]).update(threshold=Decimal("66.67"))
        Target.objects.filter(programme=phong_tho, code="MT3b").update(operator=Target.Operator.ABOVE)
        totals_refresh()
    periods = programme_periods(phong_tho)
    for approved_only in (False, True):
        for period in periods:
            period = Period.objects.select_related("programme__area").get(pk=period.pk)
            judged = district_compliance(period, approved_only=approved_only, by_unit=True)
            summed = district_compliance(period, approved_only=approved_only)
            assert summed.rows == judged.rows, (period.code, approved_only)
    assert any(result.units_reporting for _, result in summed.rows)  # the world is not empty


@pytest.mark.parametrize("seed", range(2))
def test_the_units_csv_judges_each_row_as_the_units_results(phong_tho, seed):
    """The download of every unit writes its rows from ``unit_judgement``; the pages and the other formats use
    ``unit_result``. Both give the same cells, for every kind of figure and a name CSV has to quote."""
    build_world(phong_tho, 10 + seed)
    quoted = Unit.objects.filter(parent=phong_tho.area, kind__code="commune").order_by("code")[5]
    Unit.objects.filter(pk=quoted.pk).update(name='Xã "Lả Nhì Thàng", cũ\nmới')
    Target.objects.filter(programme=phong_tho, code="MT6").update(threshold=Decimal("66.67"))
    totals_refresh()
    writer = csv.writer(_Line(), lineterminator="\n")
    written, statuses = [], set()
    for approved_only in (False, True):
        for period in programme_periods(phong_tho):
            period = Period.objects.select_related("programme__area").get(pk=period.pk)
            judged = district_compliance(period, approved_only=approved_only, by_unit=True)
            summed = district_compliance(period, approved_only=approved_only)

            lines = list(matrix_csv_lines(summed, unit_figures(period, approved_only=approved_only)))

            unit_lines = lines[1 + len(summed.rows) :]
            expected = [writer.writerow([r.unit.code, r.unit.name, *_cells(r.result)]) for r in judged.unit_rows]
            assert unit_lines == expected, (period.code, approved_only)
            written += unit_lines
            statuses |= {(r.result.status, r.has_figure) for r in judged.unit_rows}
    assert {(status, True) for status in compliance.Status} | {(compliance.Status.NO_DATA, False)} == statuses
    assert any(line.startswith(f'{quoted.code},"Xã ""Lả Nhì Thàng"", cũ\nmới",') for line in written)


def test_a_percentage_in_hundredths_is_written_as_the_decimal_one():
    for hundredths in [*range(10_001), 123_456]:
        assert _hundredths_text(hundredths) == _figure(Decimal(hundredths).scaleb(-2)), hundredths
    assert _hundredths_text(None) == _figure(None) == ""


def test_every_period_at_once_equals_each_period_alone(phong_tho):
    build_world(phong_tho, 7)
    periods = programme_periods(phong_tho)
    targets = list(Target.objects.filter(programme=phong_tho).prefetch_related("applies_to").order_by("order", "code"))
    together = district_reports(phong_tho, periods, targets, approved_only=False)
    for period in periods:
        alone = district_reports(phong_tho, [period], targets, approved_only=False)
        assert together[period.id].rows == alone[period.id].rows


def tally(period, marks) -> Completeness:
    """The completeness of a period added up from each unit's mark, the definitions' own arithmetic."""
    expected = [mark for mark in marks if mark.state != NOT_EXPECTED]
    return Completeness(
        period=period,
        expected=len(expected),
        on_time=sum(mark.state == ON_TIME for mark in expected),
        late=sum(mark.state == LATE for mark in expected),
        missing=sum(not mark.submitted for mark in expected),
        returned=sum(mark.state == RETURNED for mark in expected),
        approved=sum(mark.approved for mark in expected),
    )


def tallied_unit_by_unit(programme, periods, kind_id=None) -> list:
    """The completeness of each period as ``tally`` adds it up, over every expected unit."""
    units = units_by_period(programme, periods)
    states = report_states(periods)
    today = timezone.localdate()
    return [
        tally(
            period,
            [
                timeliness(period, states.get((period.id, unit.id)), expected=True, today=today)
                for unit in units[period.id]
                if kind_id is None or unit.kind_id == kind_id
            ],
        )
        for period in periods
    ]


@pytest.mark.parametrize("seed", range(2))
def test_the_database_tally_equals_the_unit_by_unit_tally(phong_tho, seed):
    build_world(phong_tho, seed)
    periods = programme_periods(phong_tho)
    area = phong_tho.area_id
    for kind_id in [None, *UnitKind.objects.filter(reports=True).values_list("id", flat=True)]:
        expected = tallied_unit_by_unit(phong_tho, periods, kind_id)
        assert completeness_by_period(periods, area, kind_id=kind_id) == expected, kind_id
        if kind_id is None:
            assert [district_completeness(period, area) for period in periods] == expected
            assert completeness(phong_tho, periods=periods).totals == expected
        else:
            table = completeness(phong_tho, periods=periods, kind=kind_id)
            assert table.totals == (expected if table.kind_id == kind_id else tallied_unit_by_unit(phong_tho, periods))
    totals = tallied_unit_by_unit(phong_tho, periods)
    assert any(total.late for total in totals) and any(total.returned for total in totals)
    assert len({kind.id for kind in completeness(phong_tho, periods=periods).kinds}) >= 3  # filters were tried
