"""Reads of the programme's own data, each with a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from programme.models import Period, Programme, Target, Unit


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind_id: int
    kind_name: str
    parent_id: int | None
    order: int


def reporting_units(programme: Programme, *, on: datetime.date) -> list[UnitInfo]:
    """The units under the programme's area that report and exist on ``on``, in tree order. One query.

    The whole unit table is read once and walked in memory, so the count of queries does not depend on
    the depth or the size of the tree.
    """
    rows = Unit.objects.values_list(
        "id", "code", "name", "kind_id", "kind__name", "kind__reports", "parent_id", "order", "opened_on", "closed_on"
    ).order_by("order", "code")
    children: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        children[row[6]].append(row)
    units: list[UnitInfo] = []
    stack = list(reversed(children[programme.area_id]))
    while stack:
        row = stack.pop()
        unit_id, code, name, kind_id, kind_name, reports, parent_id, order, opened_on, closed_on = row
        active = (opened_on is None or opened_on <= on) and (closed_on is None or on < closed_on)
        if reports and active:
            units.append(UnitInfo(unit_id, code, name, kind_id, kind_name, parent_id, order))
        stack.extend(reversed(children[unit_id]))
    return units


def programme_targets(programme: Programme) -> list[Target]:
    """The programme's targets with the unit kinds each applies to. Two queries."""
    return list(Target.objects.filter(programme=programme).prefetch_related("applies_to").order_by("order", "code"))


def applicable_kind_ids(target: Target) -> set[int]:
    return {kind.id for kind in target.applies_to.all()}


def period_with_programme(code: str, programme_code: str | None = None) -> Period:
    """The period of that code; the programme is needed only where several programmes share the code."""
    periods = Period.objects.select_related("programme__area").filter(code=code)
    if programme_code:
        periods = periods.filter(programme__code=programme_code)
    found = list(periods[:2])
    if not found:
        raise Period.DoesNotExist(f"Không có kỳ báo cáo mã “{code}”.")
    if len(found) > 1:
        raise Period.MultipleObjectsReturned(
            f"Mã kỳ “{code}” có trong nhiều chương trình; hãy chỉ rõ chương trình (--programme)."
        )
    return found[0]


def current_programme(unit: Unit | None = None) -> Programme | None:
    """The latest programme, or for a unit the latest one whose area contains it. Queries: the unit's depth."""
    programmes = Programme.objects.select_related("area").order_by("-year", "code")
    if unit is None:
        return programmes.first()
    ancestors = []
    node = unit
    while node.parent_id is not None:
        ancestors.append(node.parent_id)
        node = Unit.objects.only("parent_id").get(pk=node.parent_id)
    return programmes.filter(area_id__in=ancestors).first()
