"""A unit is expected for a period when it exists on the period's last day, from ``opened_on`` included to
``closed_on`` excluded (docs/decisions/0004-expected-units.md). The pages that count in Python and those that
count in SQL must agree at each edge.

On the shipped fixtures 2024Q1 ends on 31/03/2024; "03391" is a commune.
"""

import datetime

import pytest

from programme.models import Unit
from programme.selectors import reporting_units, reports_under
from reporting.selectors.compliance import district_compliance
from reporting.selectors.timeliness import district_completeness
from reporting.services import Figures, submission_import
from reporting.totals import totals_refresh
from tests.test_dashboards import period

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "field, offset, expected",
    [
        ("closed_on", -DAY, False),  # closed the day before the last day
        ("closed_on", 0 * DAY, False),  # closed on the last day: gone on the day of the snapshot
        ("closed_on", DAY, True),  # closed the day after: its last day was the period's
        ("opened_on", 0 * DAY, True),  # opened on the last day
        ("opened_on", DAY, False),  # opened the day after
    ],
    ids=[
        "closed-the-day-before",
        "closed-on-the-last-day",
        "closed-the-day-after",
        "opened-on-the-last-day",
        "opened-the-day-after",
    ],
)
def test_python_and_sql_expect_a_unit_that_exists_on_the_last_day(phong_tho, targets, field, offset, expected):
    q1 = period(phong_tho, "2024Q1")
    unit = Unit.objects.get(code="03391")
    submission_import(unit=unit, period=q1, figures={targets["MT1"]: Figures(3, 4)})
    Unit.objects.filter(pk=unit.pk).update(**{field: q1.end + offset})
    totals_refresh()  # written past the paths that keep the district's sums
    unit.refresh_from_db()

    in_python = reporting_units(phong_tho, on=q1.end)
    assert (unit.id in {u.id for u in in_python}) is expected
    assert unit.is_active_on(q1.end) is expected
    assert reports_under(unit, phong_tho, on=q1.end) is expected

    tally = district_completeness(q1, phong_tho.area_id)  # kept counts
    assert (tally.expected, tally.submitted) == (len(in_python), int(expected))

    summed = dict(district_compliance(q1).rows)[targets["MT1"]]  # SQL
    judged = dict(district_compliance(q1, by_unit=True).rows)[targets["MT1"]]  # Python, unit by unit
    assert summed == judged
    assert (judged.numerator, judged.denominator, judged.units_reporting) == ((3, 4, 1) if expected else (0, 0, 0))
