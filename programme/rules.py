"""The programme's rules that more than one part of the site needs, each written once here.

What a unit's report covers: the targets that apply to the unit's kind and are reported in the period
(annual ratings in the annual report only), typed by the unit or derived from the register, and the
task groups that apply to the unit's kind. The service, the report's page, the spreadsheet template and the imports all ask here.
"""

from collections.abc import Collection
from dataclasses import dataclass

from programme.models import Period, Target, TaskGroup, Unit
from programme.selectors import applicable_kind_ids, programme_targets, programme_task_groups


def applies(target: Target, *, kind_id: int) -> bool:
    """Whether the target applies to units of that kind, in any period. Reads ``target.applies_to`` (one query
    unless prefetched, as `programme_targets` does)."""
    return kind_id in applicable_kind_ids(target)


def _left_out(target: Target, *, kind_id: int, period: Period) -> str | None:
    """Why a report of a unit of that kind for that period leaves the target out: "kind" (it does not apply
    to the kind), "annual" (an annual rating outside the annual report), or None (the report covers it).
    Reads ``target.applies_to`` (one query unless prefetched, as `programme_targets` does)."""
    if not applies(target, kind_id=kind_id):
        return "kind"
    if not target.is_reported_in(period):
        return "annual"
    return None


def covers(target: Target, *, kind_id: int, period: Period) -> bool:
    """Whether a report of a unit of that kind for that period covers the target."""
    return _left_out(target, kind_id=kind_id, period=period) is None


def not_typed(target: Target, *, unit: Unit, period: Period) -> str | None:
    """Why the unit does not type figures for the target in that period, in Vietnamese (None: it does): its
    report leaves the target out, or the register gives the target's figures."""
    left_out = _left_out(target, kind_id=unit.kind_id, period=period)
    if left_out == "kind":
        return f"chỉ tiêu {target.code} không áp dụng cho {unit.kind.name.lower()} ({unit.name})"
    if left_out == "annual":
        return f"chỉ tiêu {target.code} chỉ báo cáo trong kỳ báo cáo năm"
    if not target.is_typed:
        return f"chỉ tiêu {target.code} được tính từ sổ mô hình “Dân vận khéo”, không nhập số liệu"
    return None


def group_applies(group: TaskGroup, *, kind_id: int) -> bool:
    """Whether units of that kind write the task group's results. Reads ``group.applies_to`` (one query unless
    prefetched, as `programme_task_groups` does)."""
    return any(kind.id == kind_id for kind in group.applies_to.all())


@dataclass(frozen=True)
class Coverage:
    """What a unit's report for a period covers: its targets in the programme's order and its task groups.
    The closing texts (shortcomings, next steps, proposals) are in every report.

    ``task_groups`` are the groups the report shows: those that apply to the unit's kind, which it must write,
    and any other the report already holds a text for (``kept``: written before the group was narrowed to other
    kinds), shown and editable so that no text is hidden or lost, but never asked for."""

    targets: list[Target]
    task_groups: list[TaskGroup]
    kept: frozenset[int] = frozenset()

    @property
    def typed(self) -> list[Target]:
        """The targets whose figures the unit types."""
        return [target for target in self.targets if target.is_typed]

    @property
    def derived(self) -> list[Target]:
        """The targets whose figures come from the register (MT5a, MT5b)."""
        return [target for target in self.targets if not target.is_typed]

    @property
    def asked(self) -> list[TaskGroup]:
        """The task groups whose results the report must carry before it is submitted."""
        return [group for group in self.task_groups if group.id not in self.kept]


def coverage(
    targets: list[Target],
    task_groups: list[TaskGroup],
    *,
    kind_id: int,
    period: Period,
    written: Collection[int] = (),
) -> Coverage:
    """The coverage from the programme's targets and task groups already read; ``written`` are the ids of the
    task groups the report already holds a text for."""
    shown = [group for group in task_groups if group_applies(group, kind_id=kind_id) or group.id in written]
    return Coverage(
        targets=[target for target in targets if covers(target, kind_id=kind_id, period=period)],
        task_groups=shown,
        kept=frozenset(group.id for group in shown if not group_applies(group, kind_id=kind_id)),
    )


def report_coverage(unit: Unit, period: Period, *, written: Collection[int] = ()) -> Coverage:
    """What the unit's report for the period covers, given the task groups it already holds a text for. Four
    queries."""
    programme = period.programme
    return coverage(
        programme_targets(programme),
        programme_task_groups(programme),
        kind_id=unit.kind_id,
        period=period,
        written=written,
    )
