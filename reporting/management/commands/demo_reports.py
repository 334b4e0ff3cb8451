"""Plausible demo reports for every programme, so that a try-out has dashboards to look at: the 2024 district's
and, where they are loaded, the 2026 province's and commune's, each for its periods ended by today.

Everything goes through the real services (``submission_import``, ``submission_approve``,
``submission_return``, ``exemplary_model_register``, ``exemplary_model_recognise``), each run on a simulated
clock set to the day it would have happened, so that timeliness and the reports' history read as they would
have. The actor is a dedicated account that cannot sign in, "Dữ liệu dùng thử". Deterministic (each programme
draws from ``random.Random`` seeded with its year, the oldest programme first, so the 2024 programme's reports are
the same whatever else is loaded); refuses to run in production mode; leaves alone a programme that already has
reports.
"""

import datetime
import random
from collections import Counter
from contextlib import contextmanager
from fractions import Fraction

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.management.commands.demo_accounts import demo_officer_units
from accounts.roles import Role
from milestones.models import MilestoneRecord
from milestones.selectors import programme_milestones, responsible
from programme.models import Period, Programme, Target, Unit
from programme.rules import covers, group_applies
from programme.selectors import (
    applicable_kind_ids,
    model_fields,
    programme_targets,
    programme_task_groups,
    recognition_levels,
    reporting_units,
)
from programme.services import exemplary_model_recognise, exemplary_model_register
from reporting.breakdowns import Part, categories_by_target
from reporting.demo_texts import closing_texts, group_text
from reporting.models import Submission
from reporting.official_report import period_phrase
from reporting.services import Figures, submission_approve, submission_import, submission_return
from reporting.totals import totals_deferred

DEMO_USERNAME = "he-thong-demo"
DEMO_LABEL = "Dữ liệu dùng thử"
# How large each denominator is for a unit (people, households, organisations…), by target code.
SIZES = {"MT3a": (20, 180), "MT3b": (400, 2_500), "MT6": (1_800, 9_000), "MT7": (800, 4_000), "MT8": (4, 5)}
# Points by which one organisation of a target with categories trails the unit's rate, so the breakdown shows
# which one lags.
LAG = (0.03, 0.12)
SMALL = (3, 24)
# A target that counts a part of another's units (the programme's "trong đó"; its validation rules say so): the
# same denominator, and a numerator within the other's.
PART_OF = {"MT4c": "MT4b"}
# Year-to-date progress of a cumulative target at each interim report, then at the annual one.
PACE = [(0.35, 0.7), (0.6, 0.9), (0.8, 1.0)]
# A model's name by its field's code (the fields of Kết luận 69-KL/TU); a field of another list gets its own name.
MODEL_NAMES = {
    "economy": "Vận động nhân dân trồng chè, thảo quả theo chuỗi giá trị",
    "forest": "Dân vận khéo trong bảo vệ rừng đầu nguồn",
    "culture": "Giữ gìn bản sắc văn hóa các dân tộc trong thôn, bản",
    "customs": "Vận động xóa bỏ tập tục thách cưới, ma chay kéo dài",
    "security": "Tổ tự quản an ninh trật tự, đường biên, mốc giới",
}
RETURN_COMMENT = "Đề nghị đơn vị kiểm tra lại mẫu số (tổng số hộ, tổng số cán bộ) cho khớp với báo cáo kỳ trước."


@contextmanager
def clock_at(moment: datetime.datetime):
    """The services stamp ``timezone.now()``; here it is the day the step would have happened."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def at_day(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def exactly_at(target: Target, sizes: dict) -> Figures:
    """The unit's figure moved to exactly the threshold, its denominator rounded so that this is whole."""
    ratio = Fraction(target.threshold) / 100
    den = max(sizes[target.code] - sizes[target.code] % ratio.denominator, ratio.denominator)
    sizes[target.code] = den
    return Figures(int(den * ratio), den)


class Demo:
    """The story of one programme's year, drawn from one random generator."""

    def __init__(self, programme, actor, today: datetime.date, officers: list[Unit] = ()):
        self.rng = random.Random(programme.year)
        self.words = random.Random(programme.year + 1)  # the texts' own draws: the figures stay as without texts
        self.groups = programme_task_groups(programme)
        self.fields = model_fields(in_use=True)
        self.levels = recognition_levels()
        self.programme, self.actor, self.today = programme, actor, today
        self.periods = [p for p in programme.periods.order_by("end") if p.end < today]
        targets = programme_targets(programme)
        self.targets = [t for t in targets if t.is_typed]
        self.categories = categories_by_target(self.targets)
        # A unit of another kind has nothing to report in the programme (a commune's body in the province's).
        self.kinds = {kind for t in targets for kind in applicable_kind_ids(t)} | {
            kind.id for group in self.groups for kind in group.applies_to.all()
        }
        # The demo officers' units: their latest reports are left for the try-out (else the first unit's).
        self.officers = {unit.id for unit in officers}
        self.done: Counter = Counter()

    def split(self, target: Target, figures: Figures) -> Figures:
        """The unit's figure of a target with categories, as its categories' figures that add up to it exactly:
        the denominator shared out, one category trailing the others' rate."""
        categories = self.categories[target.id]
        weights = [self.rng.uniform(0.5, 1.5) for _ in categories]
        dens = [int(figures.denominator * w / sum(weights)) for w in weights]
        for i in range(figures.denominator - sum(dens)):
            dens[i % len(dens)] += 1
        rate = figures.numerator / figures.denominator if figures.denominator else 0
        lagging = self.rng.randrange(len(categories))
        nums = [
            min(den, round(den * max(0.0, rate - (self.rng.uniform(*LAG) if i == lagging else -0.01))))
            for i, den in enumerate(dens)
        ]
        # Move the rounding's difference onto the categories with room, so the parts add up to the figure.
        difference = figures.numerator - sum(nums)
        for i in range(len(nums)):
            step = max(-nums[i], min(dens[i] - nums[i], difference))
            nums[i] += step
            difference -= step
        parts = {c: Part(num, den) for c, num, den in zip(categories, nums, dens, strict=True)}
        return Figures(None, None, figures.note, parts=parts)

    def figures(self, unit, period: Period, index: int, sizes: dict, rates: dict) -> dict[Target, Figures]:
        figures = {}
        for target in self.targets:
            if not covers(target, kind_id=unit.kind_id, period=period):
                continue
            den = sizes.setdefault(target.code, self.rng.randint(*SIZES.get(target.code, SMALL)))
            if target.judged == Target.Judged.CUMULATIVE:
                low, high = PACE[index] if not period.is_annual else (0.93, 1.0)
                share = max(rates.get(target.code, 0), self.rng.uniform(low, high))
                share = 1.0 if period.is_annual and self.rng.random() < 0.6 else share
            else:  # a state or an annual rating: around the threshold, drifting a little
                base = rates.get(target.code) or float(target.threshold) / 100 + self.rng.uniform(-0.06, 0.04)
                share = min(1.0, max(0.5, base + self.rng.uniform(-0.01, 0.015)))
            rates[target.code] = share
            figures[target] = Figures(min(den, round(den * share)), den)
        by_code = {target.code: target for target in figures}
        for part, whole in PART_OF.items():
            if part in by_code and whole in by_code:
                within = figures[by_code[whole]]
                numerator = min(round(within.denominator * rates[part]), within.numerator)
                figures[by_code[part]] = Figures(numerator, within.denominator)
        return figures

    def texts(self, unit, period: Period) -> dict[str, str]:
        """What the unit writes on each task group of its kind, and its closing texts (``reporting.demo_texts``)."""
        written = {
            f"group_{group.number}": group_text(
                self.words, group.number, unit=unit.name, period=period_phrase(period), year=self.programme.year
            )
            for group in self.groups
            if group_applies(group, kind_id=unit.kind_id)
        }
        return written | closing_texts(self.words, outlook=period.outlook, year=self.programme.year)

    def file(self, unit, period: Period, figures: dict, *, may_return: bool = True) -> None:
        late = self.rng.random() < 0.15
        day = period.due + datetime.timedelta(days=self.rng.randint(1, 12) if late else -self.rng.randint(0, 10))
        day = max(day, period.end + datetime.timedelta(days=1))  # a report is filed after the period ends
        with clock_at(at_day(min(day, self.today), self.rng)):
            submission = submission_import(
                unit=unit, period=period, figures=figures, texts=self.texts(unit, period), actor=self.actor
            )
        self.done["filed"] += 1
        self.done["late"] += submission.is_late
        review_day = min(day + datetime.timedelta(days=self.rng.randint(1, 6)), self.today)
        draw = self.rng.random()
        with clock_at(at_day(review_day, self.rng)):
            if draw < 0.08 and may_return:
                submission_return(user=self.actor, submission=submission, version=None, comment=RETURN_COMMENT)
                self.done["returned"] += 1
            elif draw < (0.75 if period != self.periods[-1] else 0.45):
                submission_approve(user=self.actor, submission=submission, version=None)
                self.done["approved"] += 1

    def register(self, unit) -> None:
        if self.rng.random() > 0.55 or unit.exemplary_models.filter(year=self.programme.year).exists():
            return
        field = self.rng.choice(self.fields)
        registered = min(
            datetime.date(self.programme.year, self.rng.randint(1, 9), self.rng.randint(2, 28)), self.today
        )
        model = exemplary_model_register(
            user=self.actor,
            unit=unit,
            year=self.programme.year,
            name=MODEL_NAMES.get(field.code, f"Mô hình “Dân vận khéo”: {field.name}"),
            field=field.code,
            registered_on=registered,
        )
        self.done["models"] += 1
        if self.rng.random() < 0.4:
            recognised = min(registered + datetime.timedelta(days=self.rng.randint(30, 150)), self.today)
            # The two lowest levels in use on the day (cấp xã and cấp huyện until 30/06/2025).
            level = self.rng.choice([lv for lv in self.levels if lv.valid_on(recognised)][:2])
            exemplary_model_recognise(user=self.actor, model=model, recognised_on=recognised, level=level.code)
            self.done["recognised"] += 1

    def run(self) -> None:
        last = self.programme.periods.order_by("-end").first()
        units = [u for u in reporting_units(self.programme, on=last.end) if u.kind_id in self.kinds] if last else []
        left = self.officers or ({units[0].id} if units else set())
        others = [u for u in units if u.id not in left]
        interim = [p for p in self.periods if not p.is_annual]
        last_interim = interim[-1] if interim else None
        # One commune at exactly 90% of a "trên 90%" target in the latest interim report: equal is not above.
        strict = [t for t in self.targets if t.operator == Target.Operator.ABOVE and t.judged == Target.Judged.STATE]
        exact = next((u for u in others if strict and u.kind_id in applicable_kind_ids(strict[0])), None)
        for info in units:
            unit = Unit.objects.get(pk=info.id)
            sizes, rates = {}, {}
            for index, period in enumerate(self.periods):
                latest = period == last_interim
                if info.id in left and (period.is_annual or latest):
                    continue  # a demo officer's unit: its latest interim and annual reports are left to file
                skip = 0.8 if period.is_annual else (0.15 if latest else 0.06)
                if self.rng.random() < skip and not (info == exact and latest):
                    continue
                figures = self.figures(unit, period, min(index, len(PACE) - 1), sizes, rates)
                if info == exact and latest:
                    figures[strict[0]] = exactly_at(strict[0], sizes)
                for target in [t for t in figures if t.id in self.categories]:
                    figures[target] = self.split(target, figures[target])
                self.file(unit, period, figures, may_return=not (info == exact and latest))
            self.register(unit)
        self.deliver(others)  # a demo officer's unit is left its milestones to record

    def deliver(self, units) -> None:
        """Most units record their milestones, some late; the Ban has confirmed most of those."""
        who = responsible(programme_milestones(self.programme), self.programme)
        listed = {unit.id for unit in units}
        for milestone in programme_milestones(self.programme):
            for unit in who.units[milestone.id]:
                if unit.id not in listed or milestone.due > self.today or self.rng.random() > 0.75:
                    continue
                late = self.rng.random() < 0.2
                shift = self.rng.randint(1, 25) if late else -self.rng.randint(0, 40)
                day = min(milestone.due + datetime.timedelta(days=shift), self.today)
                confirmed = self.rng.random() < 0.7
                moment = at_day(day, self.rng)
                MilestoneRecord.objects.create(
                    milestone=milestone,
                    unit_id=unit.id,
                    status=MilestoneRecord.Status.CONFIRMED if confirmed else MilestoneRecord.Status.DONE,
                    done_on=day,
                    document_number=f"{self.rng.randint(1, 60):02d}-KH/ĐU" if milestone.evidence == "document" else "",
                    recorded_at=moment,
                    reviewed_by=self.actor if confirmed else None,
                    reviewed_at=min(moment + datetime.timedelta(days=3), timezone.now()) if confirmed else None,
                )
                self.done["milestones"] += 1


class Command(BaseCommand):
    help = (
        "Tạo báo cáo dùng thử cho các chương trình đã nạp (các kỳ đã kết thúc) để xem các bảng theo dõi. "
        "Chỉ khi DJANGO_DEBUG=true."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="ngày coi là hôm nay, dạng 2026-11-15 (mặc định: hôm nay): chỉ tạo báo cáo các kỳ kết thúc trước ngày này",
        )

    def handle(self, *args, today=None, **options):
        if not settings.DEBUG:
            raise CommandError("Số liệu dùng thử chỉ được tạo khi DJANGO_DEBUG=true.")
        programmes = list(Programme.objects.select_related("area").order_by("year", "code"))
        if not programmes:
            raise CommandError("Chưa có chương trình nào; hãy nạp fixtures trước (loaddata).")
        for programme in programmes:  # the oldest first: its reports are the same whatever else is loaded
            if Submission.objects.filter(period__programme=programme).exists():
                self.stdout.write(f"Chương trình {programme.code} đã có báo cáo: không tạo thêm số liệu dùng thử.")
                continue
            with transaction.atomic(), totals_deferred():
                demo = Demo(
                    programme, self._actor(programme), today or timezone.localdate(), demo_officer_units(programme)
                )
                demo.run()
            done = demo.done
            self.stdout.write(
                f"Số liệu dùng thử cho {programme.code}: {done['filed']} báo cáo đã nộp ({done['late']} nộp muộn, "
                f"{done['approved']} đã duyệt, {done['returned']} bị trả lại); {done['models']} mô hình “Dân vận "
                f"khéo” ({done['recognised']} điển hình); {done['milestones']} mốc công việc đã ghi hoàn thành."
            )

    def _actor(self, programme):
        """A reviewer account of the programme's area that cannot sign in, named so that the history says where
        the data came from."""
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        if created:
            user.first_name = DEMO_LABEL
            user.set_unusable_password()
        user.unit = programme.area  # a reviewer acts on the units under their own
        user.save()
        user.groups.add(Group.objects.get(name=Role.REVIEWER.label))
        return get_user_model().objects.get(pk=user.pk)  # fresh, so that the new group's permissions count
