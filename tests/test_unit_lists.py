"""The lists of units paged by the database (the register's table of units, the completeness grid) show the same
units, in the same order and with the same figures, as the whole area read and arranged in Python, and a page
reads only its own units."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programme.models import ExemplaryModel, Target, Unit, UnitKind
from programme.selectors import (
    REGISTER_PAGE_SIZE,
    RegisterFilters,
    district_register,
    register_cutoff,
    register_kinds,
    register_status,
    register_targets,
    reporting_units,
    reporting_units_query,
)
from reporting.models import Submission
from reporting.selectors.dashboards import PAGE_SIZE, completeness, expected_kinds, kinds_among, ordered_by_kind
from reporting.selectors.matrix import expected_parents, matrix
from reporting.selectors.register import kept_register_tallies
from reporting.selectors.series import programme_periods, units_by_period
from reporting.selectors.timeliness import report_states, timeliness
from reporting.totals import totals_refresh
from tests.addresses import programme_reverse
from tests.factories import (
    PeriodFactory,
    ProgrammeFactory,
    TargetFactory,
    UnitFactory,
    UnitKindFactory,
    make_user,
)

CUTOFF = datetime.date(2024, 12, 31)


def deep_programme(communes: int = 7, villages: int = 9):
    """A district of communes, each with villages, and a non-reporting group with communes of its own; orders and
    codes chosen so that the tree's order is neither the codes' nor the ids'; some units closed or opened late,
    and models registered and recognised on both sides of the cut-off."""
    aggregate = UnitKindFactory(code="aggregate", reports=False)
    commune, village = UnitKindFactory(code="commune"), UnitKindFactory(code="village")
    area = UnitFactory(code="D", kind=aggregate)
    programme = ProgrammeFactory(area=area, year=2024)
    group = UnitFactory(code="NHOM", kind=aggregate, parent=area, order=3)
    made = []
    for c in range(communes):
        parent = group if c % 3 == 0 else area
        opened = datetime.date(2025, 1, 1) if c == 4 else None
        unit = UnitFactory(code=f"C{communes - c:02d}", kind=commune, parent=parent, order=c % 2, opened_on=opened)
        made.append(unit)
        for v in range(villages):
            closed = datetime.date(2024, 6, 1) if v == 2 else None
            made.append(UnitFactory(code=f"V{c}-{v}", kind=village, parent=unit, order=(v * 5) % 3, closed_on=closed))
    for index, unit in enumerate(made):
        for m in range((index * 7 + 1) % 3):
            registered = datetime.date(2024, 3, 1) if (index + m) % 4 else datetime.date(2025, 1, 5)
            recognised = [None, registered + datetime.timedelta(days=60), datetime.date(2025, 2, 1)][
                (index + m + 1) % 3
            ]
            ExemplaryModel.objects.create(
                unit=unit,
                year=2024,
                name=f"Mô hình {unit.code} {m}",
                field_id="forest",
                registered_on=registered,
                recognised_on=recognised,
                recognition_level_id="district" if recognised else None,
            )
    TargetFactory(programme=programme, source=Target.Source.MODELS_REGISTERED, applies_to=[commune, village])
    TargetFactory(programme=programme, source=Target.Source.MODELS_RECOGNISED, applies_to=[village])
    for code, kind, end in (("2024Q1", "quarter", datetime.date(2024, 3, 31)), ("2024", "year", CUTOFF)):
        PeriodFactory(programme=programme, code=code, kind__code=kind, name=code, end=end, due=end)
    return programme


def register_as_before(programme, kind_id=None):
    """The register's units and tallies as they were computed before the database paged them: every unit read,
    arranged in tree order in Python, each judged, the tallies summed over them."""
    cutoff = register_cutoff(programme)
    units = [u for u in reporting_units(programme, on=cutoff) if kind_id is None or u.kind_id == kind_id]
    targets = register_targets(programme)
    rows = []
    for unit in units:
        models = list(ExemplaryModel.objects.filter(unit_id=unit.id, year=programme.year))
        status = register_status(
            targets,
            unit.kind_id,
            registered_count=len(models),
            recognised_count=sum(1 for m in models if m.recognised_on is not None),
            registered_by_cutoff=sum(1 for m in models if m.registered_on <= cutoff),
            recognised_by_cutoff=sum(1 for m in models if m.recognised_on and m.recognised_on <= cutoff),
        )
        rows.append((unit, status))

    def tally(attribute):
        marks = [getattr(status, attribute) for _, status in rows if getattr(status, attribute).applies]
        return sum(1 for mark in marks if mark.met), len(marks)

    return rows, tally("registered"), tally("recognised")


@pytest.mark.parametrize("kept", [None, kept_register_tallies], ids=["counted", "kept"])
@pytest.mark.parametrize("kind", [None, "commune", "village"])
def test_the_register_pages_and_tallies_are_those_of_the_whole_tree_judged_in_python(db, kind, kept):
    """Counted over every unit, or (the page's way) read from the sums kept for the cut-off."""
    programme = deep_programme(communes=8, villages=14)  # more than two pages of units
    kind_id = Unit.objects.filter(kind__code=kind).values_list("kind_id", flat=True).first() if kind else None
    rows, registered, recognised = register_as_before(programme, kind_id)
    assert kind == "commune" or len(rows) > REGISTER_PAGE_SIZE
    pages = (len(rows) - 1) // REGISTER_PAGE_SIZE + 1
    for number in range(1, pages + 1):
        filters = RegisterFilters(kind_id=kind_id)
        register = district_register(programme, filters=filters, unit_page=number, kept=kept)
        assert (register.unit_count, register.registered_tally, register.recognised_tally) == (
            len(rows),
            registered,
            recognised,
        )
        expected = rows[(number - 1) * REGISTER_PAGE_SIZE : number * REGISTER_PAGE_SIZE]
        assert [(row.unit, row.status) for row in register.unit_page] == expected
    if kind is None:
        assert 0 < registered[0] < registered[1] and 0 < recognised[0] < recognised[1]


def test_a_register_without_periods_counts_its_tallies(db):
    """No sum is kept for a programme without periods: its register counts every unit at 31 December."""
    programme = deep_programme(communes=3, villages=2)
    programme.periods.all().delete()
    assert kept_register_tallies(programme, register_cutoff(programme)) is None
    rows, registered, recognised = register_as_before(programme)
    register = district_register(programme, filters=RegisterFilters(), kept=kept_register_tallies)
    assert (register.unit_count, register.registered_tally, register.recognised_tally) == (
        len(rows),
        registered,
        recognised,
    )
    assert register.unit_count > 0


def test_the_register_lists_the_models_in_their_units_tree_order(db):
    programme = deep_programme(communes=8, villages=14)
    rows, _, _ = register_as_before(programme)
    position = {unit.id: n for n, (unit, _) in enumerate(rows)}
    models = ExemplaryModel.objects.filter(year=programme.year, unit_id__in=position)
    expected = sorted(models, key=lambda model: (position[model.unit_id], model.registered_on, model.id))
    assert len(expected) > REGISTER_PAGE_SIZE
    listed, number = [], 1
    while True:
        register = district_register(programme, filters=RegisterFilters(), page=number)
        listed += register.page.object_list
        if not register.page.has_next():
            break
        number += 1
    assert [model.id for model in listed] == [model.id for model in expected]


def completeness_as_before(programme, periods, kind_id, today):
    """The completeness grid's rows as they were computed before the database paged them: every unit read,
    arranged in Python by kind and tree order."""
    units = units_by_period(programme, periods)
    everyone = {}
    for period in periods:
        for unit in units[period.id]:
            everyone.setdefault(unit.id, unit)
    kinds = [kind for kind in register_kinds() if any(unit.kind_id == kind.id for unit in everyone.values())]
    shown = ordered_by_kind([u for u in everyone.values() if kind_id in (None, u.kind_id)], kinds, None, False)
    states = report_states(periods, unit_ids=[unit.id for unit in shown])
    expected = {period.id: {unit.id for unit in units[period.id]} for period in periods}
    return kinds, [
        (
            unit.id,
            [
                timeliness(p, states.get((p.id, unit.id)), expected=unit.id in expected[p.id], today=today)
                for p in periods
            ],
        )
        for unit in shown
    ]


@pytest.mark.parametrize("kind", [None, "commune", "village"])
def test_the_completeness_pages_are_those_of_the_whole_tree_arranged_in_python(db, kind):
    programme = deep_programme(communes=8, villages=14)
    periods = programme_periods(programme)
    units = Unit.objects.filter(path__startswith=programme.area.path).order_by("?")
    for index, unit in enumerate(units[:40]):  # some reports, on time, late, returned
        status = [Submission.Status.SUBMITTED, Submission.Status.APPROVED, Submission.Status.RETURNED][index % 3]
        Submission.objects.create(
            unit=unit, period=periods[index % 2], status=status, is_late=index % 4 == 0, submitted_at=timezone.now()
        )
    totals_refresh()  # written past the paths that keep the counts
    kind_id = Unit.objects.filter(kind__code=kind).values_list("kind_id", flat=True).first() if kind else None
    kinds, rows = completeness_as_before(programme, periods, kind_id, timezone.localdate())
    pages = (len(rows) - 1) // PAGE_SIZE + 1
    for number in range(1, pages + 1):
        table = completeness(programme, periods=periods, kind=kind_id, page=number)
        assert table.kinds == kinds
        expected = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        assert [(row.unit.id, row.marks) for row in table.page] == expected
    assert table.page.paginator.count == len(rows) and table.page.paginator.num_pages == pages


def test_the_kinds_expected_are_read_from_the_kept_counts_as_from_every_unit(db):
    """The kinds and their counts of the matrix and the completeness table (``expected_kinds``), from the kept
    counts (``ReportCounts``) and the units closed before the last period's end, and the matrix's parents
    (``expected_parents``): the same as reading every unit expected, with units closed on a period's last day,
    the day before, and opened the day after; an area whose units all lie in areas below it is no parent."""
    programme = deep_programme(communes=6, villages=5)
    aggregate, commune = UnitKind.objects.get(code="aggregate"), UnitKind.objects.get(code="commune")
    block = UnitFactory(code="KHOI", kind=aggregate, parent=programme.area, order=5)
    UnitFactory(code="C99", kind=commune, parent=UnitFactory(code="KHOI-1", kind=aggregate, parent=block))
    village = Unit.objects.filter(kind__code="village").order_by("tree_order")
    for period in programme_periods(programme):
        closing = list(village.filter(closed_on__isnull=True, opened_on__isnull=True)[:3])
        Unit.objects.filter(pk=closing[0].pk).update(closed_on=period.end)
        Unit.objects.filter(pk=closing[1].pk).update(closed_on=period.end - datetime.timedelta(days=1))
        Unit.objects.filter(pk=closing[2].pk).update(opened_on=period.end + datetime.timedelta(days=1))
    totals_refresh()  # written past the paths that keep the counts
    periods = programme_periods(programme)
    for period in periods:
        every_unit = kinds_among(reporting_units_query(programme, [period.end]))
        assert expected_kinds(programme, [period]) == every_unit
        assert sum(every_unit[1].values()) == len(reporting_units(programme, on=period.end))
        every_parent = reporting_units_query(programme, [period.end]).values("parent_id")
        parents = Unit.objects.filter(id__in=every_parent).order_by("order", "name").values_list("id", "name")
        assert [(parent.id, parent.name) for parent in expected_parents(programme, period)] == list(parents)
    # Over several periods (the completeness table): the units of the last end, and those closed before it.
    every_unit = kinds_among(reporting_units_query(programme, [period.end for period in periods]))
    assert expected_kinds(programme, periods) == every_unit
    assert sum(every_unit[1].values()) > len(reporting_units(programme, on=periods[-1].end))


def unit_names_read(captured) -> list[str]:
    """The queries that read units with their names and kinds (a list of units; not a count, a filter or the
    parents offered in a filter)."""
    selects = [query["sql"] for query in captured]
    return [
        sql
        for sql in selects
        if '"programme_unit"."name"' in sql.split(" FROM ")[0]
        and '"programme_unit"."kind_id"' in sql.split(" FROM ")[0]
    ]


@pytest.mark.parametrize(
    "url,params",
    [
        ("register", {}),
        ("register", {"trang_don_vi": "2", "kind": "village"}),
        ("completeness", {}),
        ("completeness", {"page": "2"}),
        ("matrix", {}),
        ("matrix", {"page": "3", "trang_thai": "missing"}),
    ],
)
def test_a_page_of_a_large_tree_reads_only_its_own_units(client, db, url, params):
    programme = deep_programme(communes=20, villages=15)  # 320 units
    client.force_login(make_user("xem", Role.REVIEWER, unit=programme.area))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(url) if url == "register" else programme_reverse(url), params)
    assert response.status_code == 200
    reads = unit_names_read(captured)
    assert reads, "the page reads its units"
    assert [sql for sql in reads if not re.search(r"LIMIT \d+", sql)] == [], "a query read every unit of the area"
    assert Unit.objects.filter(path__startswith=programme.area.path).count() > 300


@pytest.mark.parametrize(
    "filters", [{}, {"kind": "village"}, {"parent": "C07"}, {"status": "missing"}, {"status": "approved"}]
)
def test_the_matrix_pages_are_those_of_the_whole_tree_filtered_in_python(db, filters):
    programme = deep_programme(communes=8, villages=14)
    periods = programme_periods(programme)
    period = periods[-1]
    units = Unit.objects.filter(path__startswith=programme.area.path).order_by("?")
    for index, unit in enumerate(units[:60]):
        status = [Submission.Status.SUBMITTED, Submission.Status.APPROVED, Submission.Status.DRAFT][index % 3]
        Submission.objects.create(unit=unit, period=periods[index % 2], status=status, submitted_at=timezone.now())
    totals_refresh()  # written past the paths that keep the counts
    kind_id = Unit.objects.filter(kind__code=filters.get("kind")).values_list("kind_id", flat=True).first()
    parent_id = Unit.objects.filter(code=filters.get("parent")).values_list("id", flat=True).first()
    status = filters.get("status")
    # As before: every unit read, its status looked up, filtered and arranged by kind in Python.
    expected = reporting_units(programme, on=period.end)
    statuses = dict(Submission.objects.filter(period=period).values_list("unit_id", "status"))
    kinds = [kind for kind in register_kinds() if any(unit.kind_id == kind.id for unit in expected)]
    shown = [
        (unit.id, statuses.get(unit.id, "missing"))
        for unit in ordered_by_kind(expected, kinds, None, False)
        if kind_id in (None, unit.kind_id)
        and parent_id in (None, unit.parent_id)
        and status in (None, statuses.get(unit.id, "missing"))
    ]
    assert shown
    pages = (len(shown) - 1) // PAGE_SIZE + 1
    for number in range(1, pages + 1):
        table = matrix(
            programme,
            periods=periods,
            period=period,
            approved_only=False,
            kind=kind_id,
            parent=parent_id,
            status=status,
            page=number,
        )
        assert table.kinds == kinds
        assert [(row.unit.id, row.report_status) for row in table.page] == shown[
            (number - 1) * PAGE_SIZE : number * PAGE_SIZE
        ]
    assert table.page.paginator.count == len(shown)


def test_the_filters_offer_each_choice_and_keep_the_one_chosen(client, db):
    programme = deep_programme(communes=4, villages=2)
    group = Unit.objects.get(code="NHOM")
    Unit.objects.filter(pk=group.pk).update(name="Nhóm <A & B>")
    village = Unit.objects.filter(kind__code="village").values_list("kind_id", flat=True).first()
    client.force_login(make_user("xem", Role.REVIEWER, unit=programme.area))
    html = client.get(programme_reverse("matrix"), {"cap_tren": group.id, "loai": village}).content.decode()
    table = matrix(
        programme,
        periods=programme_periods(programme),
        period=programme_periods(programme)[-1],
        approved_only=False,
        kind=village,
        parent=group.id,
    )
    for parent in table.parents:
        chosen = " selected" if parent.id == group.id else ""
        name = "Nhóm &lt;A &amp; B&gt;" if parent.id == group.id else parent.name
        assert f'<option value="{parent.id}"{chosen}>{name}</option>' in html
    for kind in table.kinds:
        assert f'<option value="{kind.id}"{" selected" if kind.id == village else ""}>{kind.name}</option>' in html
    assert len(table.parents) > 2 and len(table.kinds) > 1
