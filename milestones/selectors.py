"""Who must deliver which milestone, and how each stands: for a unit (its own page) and for the programme (the
board). Each read is a fixed number of queries, whatever the number of units and milestones."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from milestones.models import Milestone, MilestoneRecord
from programme.formatting import NAMED, named_units
from programme.models import Programme, Unit, due_passed
from programme.selectors import UnitInfo, reporting_units_on

PAGE_SIZE = 50

CONFIRMED, DONE, RETURNED, OVERDUE, OPEN = "confirmed", "done", "returned", "overdue", "open"
LABELS = {
    CONFIRMED: "Đã xác nhận",
    DONE: "Đã hoàn thành, chờ xác nhận",
    RETURNED: "Bị trả lại",
    OVERDUE: "Quá hạn",
    OPEN: "Chưa hoàn thành",
}


@dataclass(frozen=True)
class Standing:
    """One unit's standing on one milestone."""

    state: str
    record: MilestoneRecord | None
    late: bool  # the due date has passed and the milestone is not done

    @property
    def label(self) -> str:
        return LABELS[self.state] + (" (quá hạn)" if self.late and self.state == RETURNED else "")

    @property
    def done(self) -> bool:
        return self.state in (CONFIRMED, DONE)


def standing(record: MilestoneRecord | None, due: datetime.date, today: datetime.date) -> Standing:
    """The one rule of a milestone's standing: done once recorded (confirmed or waiting for it); a returned one
    is not done; not done after the due date (the due day itself is still in time) is overdue."""
    if record is not None and record.status != MilestoneRecord.Status.RETURNED:
        return Standing(CONFIRMED if record.status == MilestoneRecord.Status.CONFIRMED else DONE, record, False)
    late = due_passed(due, today)
    if record is not None:
        return Standing(RETURNED, record, late)
    return Standing(OVERDUE if late else OPEN, None, late)


def programme_milestones(programme: Programme) -> list[Milestone]:
    """The programme's milestones in order, with whom they name. Three queries."""
    return list(
        Milestone.objects.filter(programme=programme).prefetch_related("kinds", "units").order_by("order", "code")
    )


@dataclass(frozen=True)
class Responsible:
    units: dict[int, list[UnitInfo]]  # milestone id → the units that must deliver it, in tree order
    rank: dict[int, int]  # unit id → its place in the tree's order


def responsible(milestones: list[Milestone], programme: Programme) -> Responsible:
    """Who must deliver each milestone: the reporting units under the programme's area existing on its due
    date, of a kind it names or named themselves. One query."""
    on_day = reporting_units_on(programme, sorted({milestone.due for milestone in milestones}))
    rank: dict[int, int] = {}
    for units in on_day.values():  # one tree: a unit's place is the same on every day it exists
        for unit in units:
            rank.setdefault(unit.id, len(rank))
    found = {}
    for milestone in milestones:
        kinds = {kind.id for kind in milestone.kinds.all()}
        named = {unit.id for unit in milestone.units.all()}
        found[milestone.id] = [u for u in on_day[milestone.due] if u.kind_id in kinds or u.id in named]
    return Responsible(found, rank)


def records_of(
    milestones: list[Milestone], unit_ids: list[int] | None = None
) -> dict[tuple[int, int], MilestoneRecord]:
    """(milestone id, unit id) → its record. One query."""
    rows = MilestoneRecord.objects.filter(milestone__in=[m.id for m in milestones]).select_related("reviewed_by")
    if unit_ids is not None:
        rows = rows.filter(unit__in=unit_ids)
    return {(record.milestone_id, record.unit_id): record for record in rows.order_by()}


@dataclass(frozen=True)
class UnitMilestone:
    milestone: Milestone
    standing: Standing


def milestones_of(unit: Unit, programme: Programme, *, today: datetime.date) -> list[UnitMilestone]:
    """The milestones the unit must deliver, each with its standing. Five queries."""
    milestones = programme_milestones(programme)
    who = responsible(milestones, programme).units
    chosen = [milestone for milestone in milestones if any(u.id == unit.id for u in who[milestone.id])]
    records = records_of(chosen, [unit.id])
    return [UnitMilestone(m, standing(records.get((m.id, unit.id)), m.due, today)) for m in chosen]


@dataclass
class MilestoneRow:
    milestone: Milestone
    responsible: int = 0
    done: int = 0
    confirmed: int = 0
    waiting: int = 0  # done, waiting for confirmation
    overdue: int = 0
    overdue_units: list[UnitInfo] = field(default_factory=list)  # the first ``NAMED``, in tree order
    open: int = 0

    @property
    def late_names(self) -> str:
        """ "Xã A, Xã B và 3 đơn vị khác": the overdue units, the first few named."""
        return named_units([unit.name for unit in self.overdue_units], self.overdue)


@dataclass(frozen=True)
class BoardRow:
    unit: UnitInfo
    cells: list[Standing | None]  # per milestone; None where the unit is not responsible for it


@dataclass
class Board:
    programme: Programme
    milestones: list[Milestone]
    rows: list[MilestoneRow]
    page: Page  # of ``BoardRow``, 50 units a page
    today: datetime.date


def milestone_rows(programme: Programme, *, today: datetime.date) -> "Standings":
    """Every milestone with its counts (done, confirmed, overdue, the overdue units named) on ``today``, and
    each responsible unit's standing. Five queries: the milestones with their kinds and units (3), the
    responsible units (1), the records (1)."""
    milestones = programme_milestones(programme)
    who = responsible(milestones, programme)
    records = records_of(milestones)
    found = Standings(milestones, [], {}, {}, who.rank)
    for milestone in milestones:
        row = MilestoneRow(milestone)
        for unit in who.units[milestone.id]:
            found.units.setdefault(unit.id, unit)
            mark = standing(records.get((milestone.id, unit.id)), milestone.due, today)
            found.standings[milestone.id, unit.id] = mark
            row.responsible += 1
            row.done += mark.done
            row.confirmed += mark.state == CONFIRMED
            row.waiting += mark.state == DONE
            if mark.late:
                row.overdue += 1
                if len(row.overdue_units) < NAMED:
                    row.overdue_units.append(unit)
            elif not mark.done:
                row.open += 1
        found.rows.append(row)
    return found


@dataclass
class Standings:
    milestones: list[Milestone]
    rows: list[MilestoneRow]
    units: dict[int, UnitInfo]  # every responsible unit
    standings: dict[tuple[int, int], Standing]  # (milestone id, unit id) → the unit's standing
    rank: dict[int, int]  # unit id → its place in the tree's order


def milestone_board(programme: Programme, *, today: datetime.date, page: object = 1) -> Board:
    """``milestone_rows``, and a page of the units with their standing on each milestone. Five queries."""
    found = milestone_rows(programme, today=today)
    listed = sorted(found.units.values(), key=lambda unit: found.rank[unit.id])
    paged = Paginator(listed, PAGE_SIZE).get_page(page)
    paged.object_list = [
        BoardRow(unit, [found.standings.get((m.id, unit.id)) for m in found.milestones]) for unit in paged.object_list
    ]
    return Board(programme, found.milestones, found.rows, paged, today)
