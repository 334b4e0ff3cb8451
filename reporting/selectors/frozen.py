"""Which approved reports a change of the programme's data would alter: an approved report is frozen, so the
admin refuses such a change and names them (``programme.admin.FrozenFiguresForm`` asks here)."""

from collections.abc import Mapping

from django.db.models import Model, Q

from programme import tree
from programme.models import Period, Programme, Target, Unit
from reporting.models import Submission

# The fields whose change alters the figures of a report (or what the report says about its period): how a
# target is judged and for whom, when a period runs and what kind it is, where a unit sits in the tree and
# when it exists, a programme's year (that of its register) and area.
FIGURE_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Target: ("programme", "operator", "threshold", "judged", "source", "applies_to"),
    Period: ("programme", "kind", "start", "end", "due"),
    Unit: ("kind", "parent", "opened_on", "closed_on"),
    Programme: ("year", "area"),
}
NAMED = 10  # a refusal names this many reports, then says how many more


def _saved(instance: Model, name: str):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return set(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else set()
    return getattr(instance, field.attname)


def _given(instance: Model, name: str, value):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return {item.pk for item in value}
    return getattr(value, field.target_field.attname) if field.is_relation and value is not None else value


def changed_figure_fields(instance: Model, data: Mapping[str, object]) -> list[str]:
    """The names of the fields of ``FIGURE_FIELDS`` that ``data`` (a form's cleaned data) changes."""
    return [
        name
        for name in FIGURE_FIELDS.get(type(instance), ())
        if name in data and _given(instance, name, data[name]) != _saved(instance, name)
    ]


def _target_reports(target: Target, data: Mapping[str, object]) -> Q:
    """The reports a target's change alters: of the units of the kinds it applies to before or after, in the
    periods that report it before or after."""
    kinds = _saved(target, "applies_to") | _given(target, "applies_to", data.get("applies_to", []))
    programmes = {target.programme_id, _given(target, "programme", data["programme"]) if "programme" in data else None}
    judged = {target.judged, data.get("judged", target.judged)} - {""}
    periods = Q(period__programme__in=programmes - {None})
    if judged == {Target.Judged.ANNUAL}:
        periods &= Q(period__kind__annual=True)
    return periods & Q(unit__kind__in=kinds)


def approved_reports_altered(instance: Model, data: Mapping[str, object]) -> list[Submission]:
    """The approved reports whose figures saving ``data`` over ``instance`` would change (none for a change
    of no figure field), in the order of periods and units."""
    changed = changed_figure_fields(instance, data)
    if not changed:
        return []
    if isinstance(instance, Target):
        which = _target_reports(instance, data)
    elif isinstance(instance, Period):
        which = Q(period=instance.pk)
    elif isinstance(instance, Unit):
        moved = "parent" in changed and instance.pk is not None  # a new unit has no reports yet
        which = tree.within(instance.path, "unit__") if moved else Q(unit=instance.pk)
    else:
        which = Q(period__programme=instance.pk)
    approved = Submission.objects.filter(which, status=Submission.Status.APPROVED)
    return list(approved.select_related("unit", "period").order_by("period__end", "unit__order", "unit__code"))


def refusal(reports: list[Submission]) -> str:
    """The Vietnamese message refusing a change that would alter these approved reports."""
    names = "; ".join(str(report) for report in reports[:NAMED])
    more = f" và {len(reports) - NAMED} báo cáo khác" if len(reports) > NAMED else ""
    return (
        f"Không lưu được: thay đổi này làm thay đổi số liệu của {len(reports)} báo cáo đã duyệt ({names}{more}). "
        "Báo cáo đã duyệt được giữ nguyên; cần mở lại các báo cáo đó trước khi sửa."
    )
