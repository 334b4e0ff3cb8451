"""A target's figure typed category by category (MT6 per mass organisation): the one home of the rule that the
target's figure is the sum of its parts, and of what a part may hold. The report service applies it to every
entry path (the form, the Excel template, the bulk upload, ``import_values``); the form's script shows the
same sum as it is typed (``static/js/report-form.js``). See docs/decisions/0028-breakdowns.md."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from programme.formatting import vn_number
from programme.models import Target, TargetCategory
from reporting.counts import MAX_COUNT


@dataclass(frozen=True)
class Part:
    numerator: int | None
    denominator: int | None


class BreakdownError(ValueError):
    """Parts that cannot make a target's figure; the message names the target and the category, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def categories_by_target(targets: Iterable[Target]) -> dict[int, list[TargetCategory]]:
    """The categories of the given targets, in their order, by target id (a target without any is left out).
    One query."""
    found: dict[int, list[TargetCategory]] = {}
    ids = [target.id for target in targets]
    for category in TargetCategory.objects.filter(target_id__in=ids).order_by("target_id", "order", "code"):
        found.setdefault(category.target_id, []).append(category)
    return found


def part_problem(part: Part) -> str | None:
    """What is wrong with one part's figures by the rule of a value's, or None."""
    if part.numerator is not None and part.denominator is not None and part.numerator > part.denominator:
        return f"tử số ({part.numerator}) không được lớn hơn mẫu số ({part.denominator})"
    return None


def _sum(figures: list[int | None]) -> int | None:
    """The sum, when every part gives the figure; otherwise unknown, as a blank value's figure is."""
    return None if any(f is None for f in figures) else sum(figures)  # type: ignore[arg-type]


def total_of(pairs: Sequence[tuple[int | None, int | None]]) -> tuple[int | None, int | None]:
    """The sums of the parts' numerators and denominators, each blank unless every part gives it: the rule
    ``static/js/breakdowns.js`` ports (tests/vectors/breakdowns.json)."""
    return _sum([num for num, _ in pairs]), _sum([den for _, den in pairs])


def breakdown_total(
    target: Target,
    categories: Sequence[TargetCategory],
    parts: Mapping[TargetCategory, Part],
    *,
    complete: bool,
) -> Part:
    """The target's figure from its parts: each figure is the sum of the parts' when every part gives it, and
    blank when none does. ``complete`` (a submission, a file) asks for every part's two figures once any is
    given; a draft keeps what is typed and leaves the sum blank until every part has it. Refuses a category of
    another target and a part whose numerator is above its denominator."""
    known = {category.id for category in categories}
    for category in parts:
        if category.id not in known:
            raise BreakdownError(f"Chỉ tiêu {target.code} không có phần chia “{category.name}”.")
    for category in categories:
        if (part := parts.get(category)) and (problem := part_problem(part)):
            raise BreakdownError(f"Chỉ tiêu {target.code} — {category.name}: {problem}.")
    given = [parts.get(category, Part(None, None)) for category in categories]
    if complete and any(p.numerator is not None or p.denominator is not None for p in given):
        lacking = [
            c.name for c, p in zip(categories, given, strict=True) if p.numerator is None or p.denominator is None
        ]
        if lacking:
            raise BreakdownError(
                f"Chỉ tiêu {target.code} được báo cáo theo từng tổ chức: còn thiếu số liệu của {', '.join(lacking)}."
            )
    total = Part(*total_of([(p.numerator, p.denominator) for p in given]))
    if max(total.numerator or 0, total.denominator or 0) > MAX_COUNT:
        raise BreakdownError(
            f"Chỉ tiêu {target.code}: tổng các tổ chức vượt quá số lớn nhất lưu được ({vn_number(MAX_COUNT)})."
        )
    return total
