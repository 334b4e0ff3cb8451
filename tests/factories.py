"""Builders of test state. Reports are made through the real services, never by writing rows directly."""

import datetime
import json
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from programme.models import Period, PeriodKind, Programme, Target, TargetCategory, Unit, UnitKind
from reporting.breakdowns import Part


class UnitKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kind-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    reports = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    kind = factory.SubFactory(UnitKindFactory, code="commune", name="Xã, thị trấn")
    order = factory.Sequence(lambda n: n)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"thu-{n}")
    year = 2024
    title = "Chương trình công tác dân vận năm 2024"
    issuing_body = "Ban Thường vụ Huyện ủy Thử"
    area = factory.SubFactory(
        UnitFactory, kind=factory.SubFactory(UnitKindFactory, code="district", name="Huyện", reports=False)
    )


class PeriodKindFactory(factory.django.DjangoModelFactory):
    """A kind of period by its code: the migration has made the usual ones, unless a test emptied the database."""

    class Meta:
        model = PeriodKind
        django_get_or_create = ("code",)

    code = "year"
    name = factory.LazyAttribute(lambda o: o.code)
    annual = factory.LazyAttribute(lambda o: o.code == "year")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    programme = factory.SubFactory(ProgrammeFactory)
    code = "2024"
    kind = factory.SubFactory(PeriodKindFactory, code="year")
    name = "Năm 2024"
    short_name = "Năm"
    start = datetime.date(2024, 1, 1)
    end = datetime.date(2024, 12, 31)
    due = datetime.date(2025, 1, 5)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    order = factory.Sequence(lambda n: n)
    short_name = factory.LazyAttribute(lambda o: f"Chỉ tiêu {o.code}")
    wording = "Nội dung chỉ tiêu"
    numerator_label = "Số đạt"
    denominator_label = "Tổng số"
    operator = Target.Operator.AT_LEAST
    threshold = Decimal("100")
    judged = Target.Judged.STATE
    source = Target.Source.REPORTED

    @factory.post_generation
    def applies_to(self, create, kinds, **kwargs):
        if create and kinds:
            self.applies_to.set(kinds)


def make_user(username: str, role: Role, unit: Unit | None = None, password: str = "Mat-khau-thu-9") -> User:
    user = User.objects.create_user(username=username, password=password, unit=unit)
    user.groups.add(Group.objects.get(name=role.label))
    return user


def make_district(
    n_units: int, *, targets: int = 3, periods=(("2024Q1", "quarter", 3), ("2024", "year", 12)), year: int = 2024
):
    """A programme over ``n_units`` communes, with typed targets and the given periods."""
    commune = UnitKindFactory(code="commune", name="Xã, thị trấn")
    programme = ProgrammeFactory(year=year)
    Unit.objects.bulk_create(
        [
            Unit(code=f"{programme.code}-{i:05d}", name=f"Xã {i}", kind=commune, parent=programme.area, order=i)
            for i in range(n_units)
        ]
    )
    made_periods = [
        PeriodFactory(
            programme=programme,
            code=code,
            kind__code=kind,
            name=code,
            short_name=code,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, month, 28),
            due=datetime.date(year, month, 28) + datetime.timedelta(days=5),
        )
        for code, kind, month in periods
    ]
    made_targets = [TargetFactory(programme=programme, applies_to=[commune]) for _ in range(targets)]
    return programme, made_periods, made_targets


# Targets with categories (MT6, MT7, MT8 of the 2024 programme) are reported per category; these helpers let a
# test that means a target's total give it as its categories' figures, shared out so that they add up to it.
IMPORT_HEADER = ("unit", "period", "target", "category", "numerator", "denominator")


def shared_out(numerator: int, denominator: int, count: int) -> list[tuple[int, int]]:
    """``count`` pairs, each numerator within its denominator, adding up to (numerator, denominator)."""
    base, extra = divmod(denominator, count)
    pairs, left = [], numerator
    for i in range(count):
        den = base + (1 if i < extra else 0)
        pairs.append((min(den, left), den))
        left -= pairs[-1][0]
    return pairs


def target_categories(target: Target) -> list[TargetCategory]:
    return list(TargetCategory.objects.filter(target=target).order_by("order", "code"))


def total_figures(target: Target, numerator, denominator, note: str = ""):
    """The figures a report service takes for the target's total: itself, or its categories' shares of it."""
    from reporting.services import Figures

    categories = target_categories(target)
    if not categories or numerator is None or denominator is None:
        return Figures(numerator, denominator, note)
    pairs = shared_out(numerator, denominator, len(categories))
    return Figures(None, None, note, parts={c: Part(*pair) for c, pair in zip(categories, pairs, strict=True)})


def category_rows(rows) -> list[tuple]:
    """Rows (unit, period, target, numerator, denominator) as a file with ``IMPORT_HEADER`` has them: a target
    with categories gets a row per category, shared out of its figures."""
    codes = {row[2] for row in rows}
    categories: dict[str, list[str]] = {}
    for code, category in (
        TargetCategory.objects.filter(target__code__in=codes)
        .order_by("order", "code")
        .values_list("target__code", "code")
    ):
        categories.setdefault(code, []).append(category)
    out = []
    for unit, period, target, numerator, denominator in rows:
        own = categories.get(target)
        if not own:
            out.append((unit, period, target, "", numerator, denominator))
            continue
        for category, (num, den) in zip(own, shared_out(numerator, denominator, len(own)), strict=True):
            out.append((unit, period, target, category, num, den))
    return out


def work_in(user: User, unit: Unit) -> None:
    """Move ``user`` to ``unit``: a reviewer or a leader sees the units under their own (accounts.permissions)."""
    user.unit = unit
    user.save(update_fields=["unit"])


# The suite's Phong Thổ (the ``phong_tho`` fixture) is the district of 2024, as its units worked until the reform
# closed them on 1 July 2025 (the shipped fixture says so): the tests of that year act as its officers did then,
# when their reports could still be written. The tests of the reform close them as the fixture does, or load it.
REFORM = datetime.date(2025, 7, 1)


def close_as_shipped() -> None:
    """Close Phong Thổ's units on 1 July 2025, as the shipped fixture has them."""
    shipped = json.loads((settings.BASE_DIR / "fixtures" / "units_phong_tho.json").read_text(encoding="utf-8"))
    closed = {
        row["fields"]["code"] for row in shipped if row["model"] == "programme.unit" and row["fields"]["closed_on"]
    }
    for unit in Unit.objects.filter(code__in=closed, opened_on__isnull=True, closed_on__isnull=True):
        unit.closed_on = REFORM
        unit.save(update_fields=["closed_on"])


def as_in_2024() -> None:
    """Phong Thổ's units open again, as they were in 2024, in a world loaded from the shipped files: what the
    ``phong_tho`` fixture gives, for the tests whose officers write their 2024 reports."""
    for unit in Unit.objects.filter(closed_on=REFORM, opened_on__isnull=True):
        unit.closed_on = None
        unit.save(update_fields=["closed_on"])
