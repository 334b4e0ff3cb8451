"""Reads whose number of SQL queries must not grow with the number of units or targets."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.models import ExemplaryModel, Target, Unit
from reporting.selectors.compliance import district_compliance
from reporting.services import Figures, submission_import
from reporting.totals import totals_refresh
from tests.factories import TargetFactory, make_district


def populate(n_units: int, n_targets: int):
    programme, periods, targets = make_district(n_units, targets=n_targets)
    annual = periods[-1]
    units = list(Unit.objects.filter(parent=programme.area))
    register = TargetFactory(programme=programme, source=Target.Source.MODELS_REGISTERED)
    register.applies_to.set([units[0].kind])
    for i, unit in enumerate(units):
        submission_import(unit=unit, period=annual, figures={t: Figures(i % 7, 7) for t in targets}, actor_label="test")
    ExemplaryModel.objects.bulk_create(
        [
            ExemplaryModel(
                unit=u, year=2024, name="Mô hình", field_id="forest", registered_on=datetime.date(2024, 2, 1)
            )
            for u in units[::3]
        ]
    )
    totals_refresh()  # written past the paths that keep the sums
    return annual


def count_queries(func) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return len(captured), result


@pytest.mark.parametrize("by_unit", [False, True])
def test_district_compliance_query_count_does_not_grow(db, by_unit):
    small = populate(10, 2)
    few, _ = count_queries(lambda: district_compliance(small, by_unit=by_unit))
    large = populate(60, 6)
    many, large_report = count_queries(lambda: district_compliance(large, by_unit=by_unit))
    assert few == many
    assert few <= 6
    assert len(large_report.rows) == 7
    assert large_report.rows[0][1].units_reporting == 60
    if by_unit:
        assert len(large_report.unit_rows) == 60 * 7
