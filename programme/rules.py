"""The programme's rules that more than one part of the site needs, each written once here.

What a unit's report covers: the targets that apply to the unit's kind and are reported in the period
(annual ratings in the annual report only), typed by the unit or derived from the register, and the
programme's task groups. The service, the report's page, the spreadsheet template and the imports all ask here.
"""

from dataclasses import dataclass

from programme.models import Period, Target, TaskGroup, Unit
from programme.selectors import applicable_kind_ids, programme_targets


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


@dataclass(frozen=True)
class Coverage:
    """What a unit's report for a period covers: its targets in the programme's order and its task groups.
    The closing texts (shortcomings, next steps, proposals) are in every report."""

    targets: list[Target]
    task_groups: list[TaskGroup]

    @property
    def typed(self) -> list[Target]:
        """The targets whose figures the unit types."""
        return [target for target in self.targets if target.is_typed]

    @property
    def derived(self) -> list[Target]:
        """The targets whose figures come from the register (MT5a, MT5b)."""
        return [target for target in self.targets if not target.is_typed]


def coverage(targets: list[Target], task_groups: list[TaskGroup], *, kind_id: int, period: Period) -> Coverage:
    """The coverage from the programme's targets and task groups already read."""
    return Coverage(
        targets=[target for target in targets if covers(target, kind_id=kind_id, period=period)],
        task_groups=list(task_groups),
    )


def report_coverage(unit: Unit, period: Period) -> Coverage:
    """What the unit's report for the period covers. Three queries."""
    programme = period.programme
    return coverage(programme_targets(programme), programme.task_groups.all(), kind_id=unit.kind_id, period=period)
