"""Figures quoted in the body's own text, kept as references to the data and written out from it, formatted as
the report's table writes them, so that the text never disagrees with the table.

A reference is written between double braces:

- ``{{MT1}}``: the area's result for the target, "92,00% (23/25)";
- ``{{MT1 03549}}``: a unit's own result (by its code), "75,00% (3/4)";
- ``{{MT1 đạt}}``: how many units meet the target of those reporting it, "20/25 đơn vị";
- ``{{đã báo cáo}}``: how many units have reported of those expected, "47/50 đơn vị".

Anything else between double braces is refused when the text is saved, with the reason.
"""

import re
from dataclasses import dataclass, field

from programme import compliance
from programme.formatting import vn_number
from programme.models import Period, Target, Unit
from programme.selectors import exists_on, programme_counts
from reporting.official_report import result_text
from reporting.selectors.compliance import figures_by_period, rule_for

REFERENCE = re.compile(r"\{\{([^{}]*)\}\}")
REPORTED = "đã báo cáo"
MEETING = "đạt"


@dataclass(frozen=True)
class Reference:
    target: str = ""  # a target's code, or "" for the count of reports
    unit: str = ""  # a unit's code, or "" for the area
    meeting: bool = False


def parse(inside: str) -> Reference | str:
    """The reference written inside the braces, or why it is not one (in Vietnamese)."""
    words = inside.split()
    if " ".join(words).lower() == REPORTED:
        return Reference()
    if not words or len(words) > 2:
        return f"“{{{{{inside}}}}}” không phải số liệu chèn được"
    target, rest = words[0], words[1] if len(words) == 2 else ""
    if rest.lower() == MEETING:
        return Reference(target=target, meeting=True)
    return Reference(target=target, unit=rest)


def references(text: str) -> list[tuple[str, Reference | str]]:
    """Each ``{{…}}`` of the text, as written, with its reference or why it is not one."""
    return [(match.group(0), parse(match.group(1))) for match in REFERENCE.finditer(text)]


@dataclass
class Figures:
    """What the references of a period's report can name: the area's results per target, the count of reports,
    and the results of the units the texts name."""

    period: Period
    targets: dict[str, Target]
    area: dict[str, compliance.TargetResult]
    reported: int
    expected: int
    units: dict[str, dict[str, compliance.TargetResult]] = field(default_factory=dict)  # unit code → target code →
    unit_codes: set[str] = field(default_factory=set)  # the units that exist, of those the texts name

    def problem(self, reference: Reference | str) -> str:
        """Why the reference cannot be written out ("" when it can)."""
        if isinstance(reference, str):
            return reference
        if not reference.target:
            return ""
        target = self.targets.get(reference.target)
        if target is None:
            return f"không có chỉ tiêu {reference.target} trong chương trình"
        if reference.unit and reference.unit not in self.unit_codes:
            return f"không có đơn vị mã {reference.unit} báo cáo trong kỳ này"
        if reference.unit and not target.is_typed:
            return f"số liệu {target.code} của từng đơn vị lấy từ sổ mô hình; chỉ chèn được số liệu toàn địa bàn"
        return ""

    def written(self, reference: Reference) -> str:
        """The reference written out as the report's table writes it; "—" where there is no figure yet."""
        if not reference.target:
            return f"{vn_number(self.reported)}/{vn_number(self.expected)} đơn vị"
        if reference.unit:
            return result_text(self.units.get(reference.unit, {}).get(reference.target))
        result = self.area.get(reference.target)
        if reference.meeting:
            if result is None:
                return "—"
            return f"{vn_number(result.units_meeting)}/{vn_number(result.units_reporting)} đơn vị"
        return result_text(result)

    def render(self, text: str) -> str:
        """The text with every reference written out (a reference that names nothing stays as typed)."""

        def out(match):
            reference = parse(match.group(1))
            return match.group(0) if self.problem(reference) else self.written(reference)

        return REFERENCE.sub(out, text)


def problems(texts: dict[str, str], figures: Figures) -> dict[str, list[str]]:
    """The references that name nothing, per text (by its name), in Vietnamese."""
    found = {}
    for name, text in texts.items():
        listed = [f"{written}: {why}" for written, reference in references(text) if (why := figures.problem(reference))]
        if listed:
            found[name] = listed
    return found


def period_figures(period: Period, texts, *, compliance_rows, reported: int, expected: int, approved_only: bool):
    """The figures the texts can name, from the report's compliance rows (``official_report``) and, for the units
    the texts name, their own figures. Two queries whatever the number of units."""
    targets = {target.code: target for target, _ in compliance_rows}
    area = {target.code: result for target, result in compliance_rows}
    codes = {ref.unit for text in texts for _, ref in references(text) if isinstance(ref, Reference) and ref.unit}
    figures = Figures(period, targets, area, reported, expected)
    if not codes:
        return figures
    programme = period.programme
    units = dict(
        Unit.objects.filter(code__in=codes)
        .filter(programme_counts(programme), exists_on(period.end))
        .values_list("id", "code")
    )
    figures.unit_codes = set(units.values())
    found = figures_by_period([period], approved_only=approved_only, unit_ids=units)[period.id]
    by_id = {target.id: target for target in targets.values()}
    for (unit_id, target_id), figure in found.items():
        target = by_id.get(target_id)
        if target is not None:
            result = compliance.unit_result(rule_for(target), figure, annual_period=period.is_annual)
            figures.units.setdefault(units[unit_id], {})[target.code] = result
    return figures
