"""A province-sized programme for the bench, seeded on top of the shipped fixtures.

A synthetic province (one more level above the districts) gets a copy of the 2024 programme (targets, task
groups, periods) with ``area`` = the province, so that it is the current programme and every page shows it.
Its districts are shaped like the real Phong Thổ: each has the same 50 communes and district bodies, of the
same kinds. Every unit reports every period; the rows are written with ``bulk_create``, bypassing the services
for speed, but they are valid (0 ≤ numerator ≤ denominator, complete narratives for every submitted report,
a history entry per transition).
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from programme.models import ExemplaryModel, ModelField, Period, Programme, RecognitionLevel, TaskGroup, Unit, UnitKind
from programme.rules import applies, covers
from programme.selectors import current_programme, unit_info
from reporting.models import Narrative, Submission, SubmissionEvent, Value
from reporting.selectors.compliance import register_figures_at, register_of
from reporting.totals import totals_refresh

SOURCE_PROGRAMME = "phong-tho-2024"
SOURCE_DISTRICT = "109"
BENCH_PROGRAMME = "bench-2024"
PASSWORD = "Bench-2024-chi-de-thu-tai"
ROLELESS = "tt-chua-phan-quyen"
BATCH = 5000
SEEDER = "Dữ liệu thử tải"

Status = Submission.Status


@dataclass(frozen=True)
class Seeded:
    """What the load generator needs to know about the seeded data."""

    units: int
    reporting_units: int
    password: str  # every seeded account's
    programme_code: str  # the seeded programme's, in its pages' addresses
    period_ids: list[int]  # in order, the annual period last
    sample_unit: str  # a commune, for the unit page
    target_id: int  # MT1, for the target page
    leaders: list[str]
    roleless: str  # an account without a role: its start page is a signed-in page that does nothing
    reviewers: list[str]
    officers: list[tuple[str, str]]  # (username, unit code); the first one is the sequential submit's
    editable_periods: dict[str, list[int]]  # officer's unit code → periods left in draft/returned for the load


def seed(*, units: int, officers: int, reviewers: int, leaders: int, log=print) -> Seeded:
    started = time.monotonic()
    rng = random.Random(2024)
    with transaction.atomic():
        source = Programme.objects.get(code=SOURCE_PROGRAMME)
        province, reporting = _unit_tree(units)
        log(f"  {units} units ({len(reporting)} reporting) in {time.monotonic() - started:.1f} s")
        programme = _programme_copy(source, area=province)
        periods = list(programme.periods.order_by("end"))
        communes = [u for u in reporting if u.kind.code == "commune"]
        officer_units = _spread(communes, officers)
        editable = {u.code: [periods[-2].id, periods[-1].id] for u in officer_units}
        editable[officer_units[0].code] = [periods[-1].id]  # the sequential submit's draft
        counts = _reports(programme, periods, reporting, editable, rng)
        log(f"  {counts} in {time.monotonic() - started:.1f} s")
        _register(programme.year, reporting, rng)
        _fix_register_figures(programme, periods)
        names = _users(officer_units, province, reviewers=reviewers, leaders=leaders)
        totals_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have done long before anyone opened a dashboard
    assert current_programme() == programme, "the bench programme must be the one the dashboards show"
    log(f"  seeded in {time.monotonic() - started:.1f} s")
    return Seeded(
        units=units,
        reporting_units=len(reporting),
        password=PASSWORD,
        programme_code=programme.code,
        period_ids=[p.id for p in periods],
        sample_unit=communes[len(communes) // 2].code,
        target_id=programme.targets.get(code="MT1").id,
        leaders=names[Role.LEADER],
        roleless=ROLELESS,
        reviewers=names[Role.REVIEWER],
        officers=list(zip(names[Role.OFFICER], [u.code for u in officer_units], strict=True)),
        editable_periods=editable,
    )


def _spread(items: list, count: int) -> list:
    """``count`` items evenly spread over the list (officers in many districts, not in the first one)."""
    step = max(1, len(items) // count)
    return items[::step][:count]


def _unit_tree(total: int) -> tuple[Unit, list[Unit]]:
    """Province → districts → communes and district bodies, ``total`` units in all, each district shaped
    like the real one (its children's kinds and names, cycled)."""
    pattern = list(Unit.objects.filter(parent__code=SOURCE_DISTRICT).select_related("kind").order_by("order", "code"))
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    province = Unit.objects.create(code="TN", name="Tỉnh Thử nghiệm", kind=kinds["province"], order=100)
    n_districts = max(1, round((total - 1) / (len(pattern) + 1)))
    districts = Unit.objects.bulk_create(
        Unit(code=f"TN{d:04d}", name=f"Huyện Thử nghiệm {d}", kind=kinds["district"], parent=province, order=d)
        for d in range(1, n_districts + 1)
    )
    children = []
    for i in range(total - 1 - n_districts):
        district, j = districts[i % n_districts], i // n_districts
        model = pattern[j % len(pattern)]
        children.append(
            Unit(
                code=f"{district.code}-{j + 1:03d}",
                name=f"{model.name} ({district.name})",
                kind=model.kind,
                parent=district,
                order=j + 1,
            )
        )
    Unit.objects.bulk_create(children, batch_size=BATCH)
    reporting = list(
        Unit.objects.filter(parent__parent=province).select_related("kind").order_by("parent__order", "order")
    )
    return province, reporting


def _programme_copy(source: Programme, *, area: Unit) -> Programme:
    programme = Programme.objects.get(pk=source.pk)
    programme.pk, programme.code, programme.area = None, BENCH_PROGRAMME, area
    programme.title = f"{source.title} (dữ liệu thử tải)"
    programme.save()
    for group in source.task_groups.all():  # not prefetched, as the targets below
        kinds = list(group.applies_to.all())
        copy = TaskGroup.objects.create(programme=programme, number=group.number, title=group.title)
        copy.applies_to.set(kinds)
    Period.objects.bulk_create(
        Period(
            programme=programme,
            code=p.code,
            kind=p.kind,
            name=p.name,
            short_name=p.short_name,
            start=p.start,
            end=p.end,
            due=p.due,
        )
        for p in source.periods.all()
    )
    for target in source.targets.all():  # not prefetched: a prefetched cache would survive the copy
        kinds = list(target.applies_to.all())
        target.pk, target.programme = None, programme
        target.save()
        target.applies_to.set(kinds)
    return programme


def _reports(programme, periods, units, editable, rng) -> str:
    """A submission per unit and period with its values, narratives and history: the earlier periods mostly
    approved, the annual one half approved and half waiting in the reviewers' inbox."""
    targets = list(programme.targets.prefetch_related("applies_to").order_by("order"))
    typed = {
        kind_id: [t for t in targets if t.is_typed and applies(t, kind_id=kind_id)]
        for kind_id in {u.kind_id for u in units}
    }
    groups = list(programme.task_groups.all())
    submissions, rows = [], []
    for unit in units:
        shares = {t.id: rng.uniform(0.4, 0.9) for t in typed[unit.kind_id]}
        sizes = {t.id: rng.choice((0, *range(5, 400))) for t in typed[unit.kind_id]}  # 0: not applicable here
        for index, period in enumerate(periods):
            status = _status(period, index, len(periods), rng)
            if period.id in editable.get(unit.code, []):
                status = Status.DRAFT if len(editable[unit.code]) == 1 else Status.RETURNED
            submission = _submission(unit, period, status, rng)
            submissions.append(submission)
            figures = []
            for target in typed[unit.kind_id]:
                if covers(target, kind_id=unit.kind_id, period=period):
                    den = sizes[target.id]
                    share = min(1.0, shares[target.id] + 0.1 * index)  # year to date: grows over the year
                    figures.append((target, round(den * share), den))
            rows.append((submission, figures))
    Submission.objects.bulk_create(submissions, batch_size=BATCH)
    values = [
        Value(submission=s, target=target, numerator=num, denominator=den)
        for s, figures in rows
        for target, num, den in figures
    ]
    Value.objects.bulk_create(values, batch_size=BATCH)
    Narrative.objects.bulk_create(
        (
            Narrative(submission=s, task_group=g, text=f"Kết quả thực hiện nhóm nhiệm vụ {g.number} của {s.unit.name}.")
            for s in submissions
            for g in groups
        ),
        batch_size=BATCH,
    )
    SubmissionEvent.objects.bulk_create(_history(submissions), batch_size=BATCH)
    return f"{len(submissions)} submissions, {len(values)} values"


def _status(period: Period, index: int, count: int, rng) -> str:
    approved_share = 0.5 if index == count - 1 else 0.9
    return Status.APPROVED if rng.random() < approved_share else Status.SUBMITTED


def _submission(unit: Unit, period: Period, status: str, rng) -> Submission:
    day = period.due + datetime.timedelta(days=rng.randint(-10, 3))  # a few are late
    submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    submission = Submission(
        unit=unit,
        period=period,
        status=status,
        version=2 if status in (Status.SUBMITTED, Status.DRAFT) else 3,
        submitted_at=submitted_at if status != Status.DRAFT else None,
        is_late=status != Status.DRAFT and day > period.due,
        shortcomings="Một số chỉ tiêu còn thấp do địa bàn rộng, giao thông khó khăn.",
        next_steps="Tiếp tục tuyên truyền, vận động nhân dân thực hiện các chỉ tiêu.",
        proposals="Đề nghị cấp trên quan tâm hỗ trợ kinh phí.",
    )
    if status in (Status.APPROVED, Status.RETURNED):
        submission.reviewed_at = submitted_at + datetime.timedelta(days=2)
        if status == Status.RETURNED:
            submission.review_comment = "Đề nghị rà soát lại số liệu các chỉ tiêu và nộp lại."
    return submission


def _history(submissions):
    """The transitions that led to each seeded status."""
    steps = {
        Status.DRAFT: [("saved", "", Status.DRAFT)],
        Status.SUBMITTED: [("submitted", "", Status.SUBMITTED)],
        Status.APPROVED: [("submitted", "", Status.SUBMITTED), ("approved", Status.SUBMITTED, Status.APPROVED)],
        Status.RETURNED: [("submitted", "", Status.SUBMITTED), ("returned", Status.SUBMITTED, Status.RETURNED)],
    }
    for submission in submissions:
        for action, before, after in steps[submission.status]:
            yield SubmissionEvent(
                submission=submission,
                action=action,
                from_status=before,
                to_status=after,
                actor_label=SEEDER,
                comment=submission.review_comment if action == "returned" else "",
            )


def _register(year: int, units: list[Unit], rng) -> None:
    """Four units in ten have registered a "Dân vận khéo" model; one in three of those is điển hình."""
    fields = list(ModelField.objects.filter(active=True).values_list("code", flat=True))
    levels = list(RecognitionLevel.objects.all())
    models = []
    for unit in units:
        if rng.random() < 0.4:
            registered = datetime.date(year, rng.randint(1, 11), rng.randint(1, 28))
            recognised = registered + datetime.timedelta(days=30) if rng.random() < 1 / 3 else None
            # The second lowest level in use on the day (cấp huyện until 30/06/2025), as often recognised.
            valid = [level.code for level in levels if recognised and level.valid_on(recognised)]
            models.append(
                ExemplaryModel(
                    unit=unit,
                    year=year,
                    name=f"Mô hình “Dân vận khéo” của {unit.name}",
                    field_id=rng.choice(fields),
                    registered_on=registered,
                    recognised_on=recognised,
                    recognition_level_id=valid[min(1, len(valid) - 1)] if valid else None,
                )
            )
    ExemplaryModel.objects.bulk_create(models, batch_size=BATCH)


def _fix_register_figures(programme: Programme, periods: list[Period]) -> None:
    """What approving does: an approved report keeps MT5a/MT5b as the register gave them."""
    targets = [t for t in programme.targets.prefetch_related("applies_to") if not t.is_typed]
    register = register_of(programme)
    values = []
    for period in periods:
        approved = list(Submission.objects.filter(period=period, status=Status.APPROVED).select_related("unit"))
        figures = register_figures_at(period, [unit_info(s.unit) for s in approved], register)
        values += [
            Value(submission=s, target=t, numerator=figure.numerator, denominator=figure.denominator)
            for s in approved
            for t in targets
            if covers(t, kind_id=s.unit.kind_id, period=period)
            for figure in [figures[t.source][s.unit_id]]
        ]
    Value.objects.bulk_create(values, batch_size=BATCH)


def _users(officer_units: list[Unit], province: Unit, *, reviewers: int, leaders: int) -> dict[Role, list[str]]:
    """Accounts for the load: one officer per officer unit, the reviewers and the leaders of the province (each
    works inside their own organisation), and one account without a role, all with the same password (hashed
    once: hashing is deliberately slow)."""
    password = make_password(PASSWORD)
    people = [(f"tt-canbo-{i}", Role.OFFICER, unit) for i, unit in enumerate(officer_units)]
    people += [(f"tt-thamdinh-{i}", Role.REVIEWER, province) for i in range(reviewers)]
    people += [(f"tt-lanhdao-{i}", Role.LEADER, province) for i in range(leaders)]
    users = User.objects.bulk_create(User(username=name, password=password, unit=unit) for name, _, unit in people)
    User.objects.create(username=ROLELESS, password=password)
    groups = {role: Group.objects.get(name=role.label) for role in Role}
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.id, group_id=groups[role].id)
        for user, (_, role, _) in zip(users, people, strict=True)
    )
    names: dict[Role, list[str]] = {role: [] for role in Role}
    for name, role, _ in people:
        names[role].append(name)
    return names
