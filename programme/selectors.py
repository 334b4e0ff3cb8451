"""Reads of the programme's own data, each with a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith

from programme import tree
from programme.models import (
    ExemplaryModel,
    ModelField,
    Period,
    Programme,
    RecognitionLevel,
    Target,
    TaskGroup,
    Unit,
    UnitKind,
    ValidationRule,
    exists_between,
    exists_on,
)
from programme.validation import Rule


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind_id: int
    kind_name: str
    parent_id: int | None
    order: int


def unit_info(unit: Unit) -> UnitInfo:
    """A unit read as a model, as the reads over many units give it (without its kind's name)."""
    return UnitInfo(unit.id, unit.code, unit.name, unit.kind_id, "", unit.parent_id, unit.order)


def reporting_units(programme: Programme, *, on: datetime.date) -> list[UnitInfo]:
    """The units the programme counts (``counted_by``) that report and exist on ``on``, in tree order. One
    query."""
    return reporting_units_on(programme, [on])[on]


def reporting_units_on(programme: Programme, days: list[datetime.date]) -> dict[datetime.date, list[UnitInfo]]:
    """``reporting_units`` on each of several days, from one read of the units under the area."""
    rows = (
        Unit.objects.filter(counted_by(area_path(programme), programme.year))
        .values_list(
            "id",
            "code",
            "name",
            "kind_id",
            "kind__name",
            "kind__reports",
            "parent_id",
            "order",
            "opened_on",
            "closed_on",
        )
        .order_by("order", "code")
    )
    units: dict[datetime.date, list[UnitInfo]] = {day: [] for day in days}
    for row in tree.in_tree_order(rows, itemgetter(0), itemgetter(6), programme.area_id):
        unit_id, code, name, kind_id, kind_name, reports, parent_id, order, opened_on, closed_on = row
        if reports:
            info = UnitInfo(unit_id, code, name, kind_id, kind_name, parent_id, order)
            for day, found in units.items():
                if exists_between(opened_on, closed_on, day):
                    found.append(info)
    return units


def reporting_units_query(programme: Programme, days: list[datetime.date]) -> QuerySet:
    """The units the programme counts that report and exist on any of ``days``, as a query to count, sort by
    ``tree_order`` and page in the database (``reporting_units`` reads them all)."""
    exists = Q()
    for day in days:
        exists |= exists_on(day)
    units = Unit.objects.filter(programme_counts(programme), exists, kind__reports=True)
    return units if days else units.none()


UNIT_INFO_FIELDS = ("id", "code", "name", "kind_id", "kind__name", "parent_id", "order")


def unit_infos(units: QuerySet) -> list[UnitInfo]:
    """The units of a query read as ``UnitInfo``, in the query's order. One query."""
    return [UnitInfo(*row) for row in units.values_list(*UNIT_INFO_FIELDS)]


class PagedRows:
    """``count`` rows of which a ``Paginator`` reads one page, ``read(start, stop)`` making them: a page of a
    list sorted and cut by the database, whatever the list's length."""

    def __init__(self, count: int, read: Callable[[int, int], list]):
        self.total, self.read = count, read

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("PagedRows gives one page: a slice without a step.")
        start, stop, _ = index.indices(self.total)
        return self.read(start, stop) if start < stop else []


def area_path(programme: Programme) -> str:
    """The path of the programme's area (no query when the area was read with the programme)."""
    return programme.area.path


def counted_by(area_path: str, year: int, prefix: str = "") -> Q:
    """The units a programme of ``year`` whose area has ``area_path`` counts (``prefix`` leads to them): every unit
    under its area, at any depth, except those under an *inner area*, the area of another programme of the same
    year that lies under its area and is itself of a kind that reports. The inner area is counted as one unit,
    with its own report; the units under it report to its own programme (docs/decisions/0032). The area itself
    is the committee that runs the programme. An indexed filter and a probe of the year's programmes;
    ``counting_programmes`` says the same in Python."""
    inner = (
        Programme.objects.filter(year=year, area__kind__reports=True, area__path__startswith=area_path)
        .exclude(area__path=area_path)
        .filter(StartsWith(OuterRef(f"{prefix}path"), F("area__path")))
        .exclude(area__path=OuterRef(f"{prefix}path"))
    )
    return tree.under(area_path, prefix) & ~Exists(inner)


def programme_counts(programme: Programme, prefix: str = "") -> Q:
    """``counted_by`` of that programme (no query when its area was read with it)."""
    return counted_by(area_path(programme), programme.year, prefix)


@dataclass(frozen=True)
class ProgrammeArea:
    area_id: int
    path: str
    year: int

    def counts(self, prefix: str = "") -> Q:
        return counted_by(self.path, self.year, prefix)


def programme_areas(programme_ids: Iterable[int]) -> dict[int, ProgrammeArea]:
    """programme id → its area (id, path) and year, what ``counted_by`` needs. One query."""
    rows = Programme.objects.filter(id__in=set(programme_ids)).values_list("id", "area_id", "area__path", "year")
    return {programme_id: ProgrammeArea(*found) for programme_id, *found in rows.order_by()}


def counting_programmes(unit: Unit, programmes: Iterable[Programme] | None = None) -> list[Programme]:
    """The programmes that count the unit (``counted_by`` in Python, whatever the unit's kind and dates),
    newest year first, then by code: of the programmes whose area is above it (``programmes``, when read
    already, with their areas and the areas' kinds), those with no inner area of the same year between their
    area and the unit. One query."""
    if programmes is None:
        programmes = Programme.objects.filter(area_id__in=ancestor_ids(unit)).select_related("area__kind")
    above = [programme for programme in programmes if tree.is_within(unit.path, programme.area_id)]
    above = [programme for programme in above if programme.area_id != unit.id]
    depth = {programme.id: len(tree.ids_of(programme.area.path)) for programme in above}

    def inner_between(outer: Programme) -> bool:
        return any(
            other.year == outer.year and other.area.kind.reports and depth[other.id] > depth[outer.id]
            for other in above
        )

    counting = [programme for programme in above if not inner_between(programme)]
    return sorted(counting, key=lambda programme: (-programme.year, programme.code))


def area_units(programme: Programme, *, on: datetime.date) -> list[UnitInfo]:
    """The reporting units directly under the programme's area that exist on ``on``, in order. One query."""
    rows = (
        Unit.objects.filter(exists_on(on), parent=programme.area_id, kind__reports=True)
        .order_by("order", "code")
        .values_list("id", "code", "name", "kind_id", "kind__name", "parent_id", "order")
    )
    return [UnitInfo(*row) for row in rows]


def programme_targets(programme: Programme) -> list[Target]:
    """The programme's targets with the unit kinds each applies to. Two queries."""
    return list(Target.objects.filter(programme=programme).prefetch_related("applies_to").order_by("order", "code"))


def programme_task_groups(programme: Programme) -> list[TaskGroup]:
    """The programme's task groups with the unit kinds each applies to, in order. Two queries."""
    return list(TaskGroup.objects.filter(programme=programme).prefetch_related("applies_to").order_by("number"))


def validation_rules(programme: Programme | int) -> list[Rule]:
    """The programme's validation rules, parsed, in their order. One query."""
    rows = ValidationRule.objects.filter(programme=programme).order_by("order", "code")
    return [row.compiled() for row in rows]


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


def ancestor_ids(unit: Unit) -> list[int]:
    """The ids of the unit's ancestors, nearest first, read from its path. No query."""
    return list(reversed(tree.ids_of(unit.path)[:-1]))


def reports_under(unit: Unit, programme: Programme, *, on: datetime.date) -> bool:
    """Whether the unit reports under the programme: a reporting kind, counted by it (``counted_by``), existing
    on ``on``. One query when the unit is under the programme's area."""
    if not (unit.kind.reports and unit.is_active_on(on) and programme.area_id in ancestor_ids(unit)):
        return False
    return programme in counting_programmes(unit)


def predecessor_links(
    successor_ids: Iterable[int], predecessor_ids: Iterable[int] | None = None
) -> dict[int, list[int]]:
    """successor id → the ids of its predecessors (of ``predecessor_ids`` only, when given), in the order the
    units are listed. One query."""
    links = Unit.predecessors.through.objects.filter(from_unit_id__in=list(successor_ids))
    if predecessor_ids is not None:
        links = links.filter(to_unit_id__in=list(predecessor_ids))
    found: dict[int, list[int]] = defaultdict(list)
    for successor, predecessor in links.order_by("to_unit__order", "to_unit__code").values_list(
        "from_unit_id", "to_unit_id"
    ):
        found[successor].append(predecessor)
    return found


def current_programme(unit: Unit | None = None) -> Programme | None:
    """The latest programme, or for a unit the latest one that counts it, of a year the unit existed in."""
    if unit is None:
        return Programme.objects.select_related("area").order_by("-year", "code").first()
    return next(iter(programmes_taking_part(unit)), None)


def programmes_taking_part(unit: Unit) -> list[Programme]:
    """The programmes the unit takes part in: those that count it (``counting_programmes``), of a year it existed
    in, newest first. One query."""
    return [programme for programme in counting_programmes(unit) if unit.exists_in_year(programme.year)]


# The "Dân vận khéo" register --------------------------------------------------------------------------------

REGISTER_SOURCES = (Target.Source.MODELS_REGISTERED, Target.Source.MODELS_RECOGNISED)
REGISTER_PAGE_SIZE = 50


@dataclass(frozen=True)
class RegisterTarget:
    """A target computed from the register (MT5a, MT5b), with the kinds of units it applies to."""

    code: str
    kind_ids: frozenset[int]


@dataclass(frozen=True)
class RegisterMark:
    """Whether a unit meets one register target: "Có", "Chưa" or "Không áp dụng"."""

    code: str
    applies: bool
    met: bool

    @property
    def label(self) -> str:
        if not self.applies:
            return "Không áp dụng"
        return "Có" if self.met else "Chưa"

    @property
    def css(self) -> str:
        if not self.applies:
            return "no_data"
        return "met" if self.met else "in_progress"


@dataclass(frozen=True)
class UnitRegisterStatus:
    """A unit's models of the programme's year and the register targets it meets at the cut-off."""

    registered_count: int
    recognised_count: int
    registered: RegisterMark
    recognised: RegisterMark


def register_cutoff(programme: Programme) -> datetime.date:
    """The day up to which the register counts for the programme's year: the end of its last period, as in
    the annual compliance figures (31 December when it has no periods yet). One query."""
    last_end = programme.periods.order_by("-end").values_list("end", flat=True).first()
    return last_end or datetime.date(programme.year, 12, 31)


def register_targets(programme: Programme) -> dict[str, RegisterTarget]:
    """Target source (models_registered / models_recognised) → the programme's target of that source. One query."""
    codes: dict[str, str] = {}
    kinds: dict[str, set[int]] = defaultdict(set)
    rows = (
        Target.objects.filter(programme=programme, source__in=REGISTER_SOURCES)
        .order_by("order", "code")
        .values_list("source", "code", "applies_to")
    )
    for source, code, kind_id in rows:
        if codes.setdefault(source, code) == code and kind_id is not None:
            kinds[source].add(kind_id)
    return {source: RegisterTarget(code, frozenset(kinds[source])) for source, code in codes.items()}


def register_status(
    targets: dict[str, RegisterTarget],
    kind_id: int,
    *,
    registered_count: int,
    recognised_count: int,
    registered_by_cutoff: int,
    recognised_by_cutoff: int,
) -> UnitRegisterStatus:
    """The same rule as the compliance figures: met when a model of the year was registered (recognised) by
    the cut-off; a target the programme lacks, or that does not apply to the unit's kind, is "not applicable"."""

    def mark(source: str, count: int) -> RegisterMark:
        target = targets.get(source)
        if target is None:
            return RegisterMark("", applies=False, met=count > 0)
        return RegisterMark(target.code, applies=kind_id in target.kind_ids, met=count > 0)

    return UnitRegisterStatus(
        registered_count=registered_count,
        recognised_count=recognised_count,
        registered=mark(Target.Source.MODELS_REGISTERED, registered_by_cutoff),
        recognised=mark(Target.Source.MODELS_RECOGNISED, recognised_by_cutoff),
    )


@dataclass(frozen=True)
class UnitRegister:
    """What a unit officer's register page shows: the unit's models of every year, newest first, and for the
    current programme's year whether the unit meets the register targets."""

    unit: Unit
    programme: Programme | None
    year: int
    cutoff: datetime.date | None
    models: list[ExemplaryModel]
    status: UnitRegisterStatus | None


def unit_register(unit: Unit, programme: Programme | None, *, year: int) -> UnitRegister:
    """The unit's register for ``year`` (the programme's, when there is one). Three queries at most."""
    models = list(ExemplaryModel.objects.filter(unit=unit).order_by("-year", "-registered_on", "-id"))
    if programme is None:
        return UnitRegister(unit, None, year, None, models, None)
    cutoff = register_cutoff(programme)
    of_year = [m for m in models if m.year == programme.year]
    status = register_status(
        register_targets(programme),
        unit.kind_id,
        registered_count=len(of_year),
        recognised_count=sum(1 for m in of_year if m.recognised_on is not None),
        registered_by_cutoff=sum(1 for m in of_year if m.registered_on <= cutoff),
        recognised_by_cutoff=sum(1 for m in of_year if m.recognised_on is not None and m.recognised_on <= cutoff),
    )
    return UnitRegister(unit, programme, year, cutoff, models, status)


@dataclass(frozen=True)
class KindChoice:
    id: int
    code: str
    name: str


def model_fields(*, in_use: bool = False) -> list[ModelField]:
    """The fields of the register's models, in their order; ``in_use``: only those a new model may be registered
    in. One query."""
    fields = ModelField.objects.all()
    return list(fields.filter(active=True) if in_use else fields)


def recognition_levels() -> list[RecognitionLevel]:
    """The levels at which a model may be recognised, in their order, each with the days it may be used. One
    query."""
    return list(RecognitionLevel.objects.all())


def register_kinds() -> list[KindChoice]:
    """The kinds of units that report, for filtering the register. One query."""
    return [KindChoice(*row) for row in UnitKind.objects.filter(reports=True).values_list("id", "code", "name")]


@dataclass(frozen=True)
class RegisterFilters:
    kind_id: int | None = None
    field: str | None = None
    recognised: bool | None = None


@dataclass(frozen=True)
class UnitRegisterRow:
    unit: UnitInfo
    status: UnitRegisterStatus


@dataclass
class DistrictRegister:
    """What the district's register page shows for the programme's year: one page of models (with their
    units), the tallies of the register targets over every reporting unit, and one page of those units, each
    with whether it meets the register targets."""

    programme: Programme
    cutoff: datetime.date
    targets: dict[str, RegisterTarget]
    unit_count: int  # every unit the filters keep
    registered_tally: tuple[int, int]  # (units meeting, units to which it applies) for the registered-model target
    recognised_tally: tuple[int, int]
    page: Page
    unit_page: Page  # the units shown, 50 a page

    @property
    def registered_target(self) -> RegisterTarget | None:
        return self.targets.get(Target.Source.MODELS_REGISTERED)

    @property
    def recognised_target(self) -> RegisterTarget | None:
        return self.targets.get(Target.Source.MODELS_RECOGNISED)


def in_register_by(day: datetime.date, prefix: str = "") -> dict[str, Q]:
    """Target source → the models (``prefix`` leads to them) that count for it on ``day``: registered by then
    (MT5a), and registered and recognised as điển hình by then (MT5b). A unit meets the target when it has one
    of the programme's year. The SQL of the register's rule: ``register_status`` on the register's page, the
    district sums and ``register_figures_at``'s Python all follow it."""
    registered = Q(**{f"{prefix}registered_on__lte": day})
    return {
        Target.Source.MODELS_REGISTERED: registered,
        Target.Source.MODELS_RECOGNISED: registered & Q(**{f"{prefix}recognised_on__lte": day}),
    }


def register_tallies(
    units: QuerySet, targets: dict[str, RegisterTarget], of_year: QuerySet, cutoff: datetime.date
) -> tuple[int, dict[str, tuple[int, int]]]:
    """The number of ``units``, and per register target (units meeting it, units it applies to), counted by
    the database: ``register_status``'s marks over every unit. One query."""
    aggregates = {"units": Count("id")}
    for source, counts in in_register_by(cutoff).items():
        target = targets.get(source)
        if target is not None and target.kind_ids:
            applies = Q(kind_id__in=sorted(target.kind_ids))
            met = Q(pk__in=of_year.filter(counts).values("unit_id"))  # one hashed set, not a probe per unit
            aggregates[f"{source}_applies"] = Count("id", filter=applies)
            aggregates[f"{source}_met"] = Count("id", filter=applies & met)
    counted = units.order_by().aggregate(**aggregates)
    tallies = {
        source: (counted.get(f"{source}_met", 0), counted.get(f"{source}_applies", 0)) for source in REGISTER_SOURCES
    }
    return counted["units"], tallies


# The tallies read from kept sums, when they are kept for the cut-off (``reporting.selectors.register``).
KeptTallies = Callable[[Programme, datetime.date], tuple[int, dict[str, tuple[int, int]]] | None]


def district_register(
    programme: Programme,
    *,
    filters: RegisterFilters,
    page: object = 1,
    unit_page: object = 1,
    kept: KeptTallies | None = None,
) -> DistrictRegister:
    """The register of the units under the programme's area for its year. Six or seven queries, whatever the
    number of units or models: cut-off, register targets, the tallies (from ``kept`` when given and no kind is
    chosen: two queries, neither reading every unit), the units' page with their counts, the page of models
    (count and rows), and one for the area when the programme was read without it.

    Units are those that report and exist at the cut-off, as in the annual compliance figures; the filters
    narrow the units (kind) and the models (field, recognised or not). ``page`` (of models) and
    ``unit_page`` (of the table of units) may be anything a user typed.
    """
    cutoff = register_cutoff(programme)
    units = reporting_units_query(programme, [cutoff])
    if filters.kind_id is not None:
        units = units.filter(kind_id=filters.kind_id)
    targets = register_targets(programme)
    of_year = ExemplaryModel.objects.filter(year=programme.year)
    found = kept(programme, cutoff) if kept is not None and filters.kind_id is None else None
    unit_count, tallies = found if found is not None else register_tallies(units, targets, of_year, cutoff)
    counted = in_register_by(cutoff)

    def models_of(unit_models: Q) -> Coalesce:
        found = of_year.filter(unit_models, unit=OuterRef("pk")).values("unit").annotate(n=Count("id")).values("n")
        return Coalesce(Subquery(found.order_by()), 0)

    counts = {  # each unit's models of the year, read with the page's units
        "registered_count": models_of(Q()),
        "recognised_count": models_of(Q(recognised_on__isnull=False)),
        "registered_by_cutoff": models_of(counted[Target.Source.MODELS_REGISTERED]),
        "recognised_by_cutoff": models_of(counted[Target.Source.MODELS_RECOGNISED]),
    }

    def rows(start: int, stop: int) -> list[UnitRegisterRow]:
        shown = units.annotate(**counts).order_by("tree_order").values_list(*UNIT_INFO_FIELDS, *counts)[start:stop]
        return [
            UnitRegisterRow(
                UnitInfo(*row[: len(UNIT_INFO_FIELDS)]),
                register_status(targets, row[3], **dict(zip(counts, row[len(UNIT_INFO_FIELDS) :], strict=True))),
            )
            for row in shown
        ]

    # The units above, said in SQL: counted by the programme, reporting, existing at the cut-off, of the kind chosen.
    models = of_year.filter(
        exists_on(cutoff, "unit__"), programme_counts(programme, "unit__"), unit__kind__reports=True
    ).select_related("unit")
    if filters.kind_id is not None:
        models = models.filter(unit__kind_id=filters.kind_id)
    if filters.field is not None:
        models = models.filter(field=filters.field)
    if filters.recognised is not None:
        models = models.filter(recognised_on__isnull=not filters.recognised)
    models = models.order_by("unit__tree_order", "registered_on", "id")  # the units in tree order: an indexed key
    models_page = Paginator(models, REGISTER_PAGE_SIZE).get_page(page)
    models_page.object_list = list(models_page.object_list)  # read here, not while the template renders
    units_shown = Paginator(PagedRows(unit_count, rows), REGISTER_PAGE_SIZE).get_page(unit_page)
    return DistrictRegister(
        programme,
        cutoff,
        targets,
        unit_count,
        tallies[Target.Source.MODELS_REGISTERED],
        tallies[Target.Source.MODELS_RECOGNISED],
        models_page,
        units_shown,
    )
