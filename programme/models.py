"""What the programme is: units, programmes, their targets, periods and the "Dân vận khéo" register."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal

from programme import tree
from programme.history import History
from programme.validation import Rule, RuleSyntaxError, parse_side

PLACEHOLDERS = ("{đơn vị}", "{cấp trên}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholder_problems(obj, names: tuple[str, ...]) -> dict[str, str]:
    """A message for each field of ``names`` naming a ``{…}`` that is not one of ``PLACEHOLDERS``: it would
    print as typed on every document."""
    problems = {}
    for name in names:
        unknown = [found for found in PLACEHOLDER.findall(getattr(obj, name)) if found not in PLACEHOLDERS]
        if unknown:
            problems[name] = (
                f"Không hiểu {', '.join(unknown)}: chỉ dùng được {{đơn vị}} (tên đơn vị) và {{cấp trên}} "
                "(tên đơn vị cấp trên)."
            )
    return problems


class DocumentStyleManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class DocumentStyle(models.Model):
    """How a kind of body heads and signs its documents (Hướng dẫn 36-HD/VPTW for the Party, Nghị định
    30/2020/NĐ-CP for the state, and the Mặt trận's and mass organisations' own forms). Data, so that a province
    adds its own; a unit may override any line (``UnitDocument``). In the left-hand lines ``{đơn vị}`` stands for
    the unit's name and ``{cấp trên}`` for its parent's, in capitals."""

    class System(models.TextChoices):
        PARTY = "party", "Văn bản của Đảng, đoàn thể (số 12-BC/…, dấu *)"
        STATE = "state", "Văn bản hành chính (Số: 12/BC-…, gạch dưới tên cơ quan)"

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên thể thức", max_length=120)
    system = models.CharField("hệ thể thức", max_length=5, choices=System.choices, default=System.PARTY)
    national = models.TextField(
        "góc phải (quốc hiệu, tên Đảng hoặc tổ chức)",
        blank=True,
        help_text="Mỗi dòng một dòng in, ví dụ “ĐẢNG CỘNG SẢN VIỆT NAM” hoặc “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM” "
        "và “Độc lập - Tự do - Hạnh phúc”; dòng cuối được gạch chân. Để trống khi tổ chức không ghi (Hội Nông "
        "dân ghi tên Hội ở góc trái).",
    )
    superior = models.TextField(
        "cơ quan cấp trên (góc trái, chữ đứng)",
        blank=True,
        help_text="Ví dụ “ĐẢNG BỘ {cấp trên}” hoặc “UBND {cấp trên}”; để trống nếu không có.",
    )
    issuing = models.TextField(
        "cơ quan ban hành (góc trái, chữ đậm)", help_text="Ví dụ “ĐẢNG ỦY {đơn vị}” hoặc “{đơn vị}”."
    )
    symbol = models.CharField(
        "ký hiệu văn bản", max_length=40, blank=True, help_text="Phần sau số, ví dụ BC/ĐU (Đảng) hoặc BC-UBND."
    )
    mark = models.CharField(
        "dấu dưới tên cơ quan ban hành",
        max_length=5,
        blank=True,
        default="*",
        help_text="Văn bản của Đảng, Hội Nông dân: *; của Đoàn: ***. Văn bản hành chính có gạch ngang ngắn thay dấu.",
    )
    number_colon = models.BooleanField(
        "“Số:” có dấu hai chấm",
        default=False,
        help_text="Như văn bản của Đoàn (Số: 12-BC/HĐTN); văn bản hành chính luôn có dấu hai chấm.",
    )
    signature = models.TextField(
        "thẩm quyền và chức vụ người ký", help_text="Mỗi dòng một dòng in, ví dụ “T/M ĐẢNG ỦY” và “BÍ THƯ”."
    )
    archive = models.CharField(
        "dòng lưu (cuối Nơi nhận)", max_length=120, default="Lưu VT.", help_text="Ví dụ “Lưu Văn phòng Đảng ủy.”"
    )

    objects = DocumentStyleManager()

    class Meta:
        ordering = ["code"]
        verbose_name = "thể thức văn bản"
        verbose_name_plural = "thể thức văn bản"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if problems := placeholder_problems(self, ("superior", "issuing", "signature")):
            raise ValidationError(problems)


class UnitKindManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class UnitKind(models.Model):
    """A kind of unit (commune/town, government body…). Kinds are data so that a province can add its own."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=120)
    reports = models.BooleanField(
        "có báo cáo", default=True, help_text="Bỏ chọn cho cấp tổng hợp (huyện, tỉnh) không tự nộp báo cáo."
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    document_style = models.ForeignKey(
        DocumentStyle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit_kinds",
        verbose_name="thể thức văn bản",
        help_text="Cách đơn vị loại này trình bày báo cáo của mình (tiêu đề, số ký hiệu, chữ ký).",
    )

    objects = UnitKindManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại đơn vị"
        verbose_name_plural = "loại đơn vị"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["programme.documentstyle"]


def exists_between(opened_on: datetime.date | None, closed_on: datetime.date | None, day: datetime.date) -> bool:
    """Whether a unit open from ``opened_on`` (included) until ``closed_on`` (excluded: the first day it no longer
    exists) exists on ``day``; ``exists_on`` below says the same in SQL."""
    return (opened_on is None or opened_on <= day) and (closed_on is None or day < closed_on)


def exists_on(day: datetime.date | models.F, prefix: str = "") -> Q:
    """The units (``prefix`` leads to them) that exist on ``day``, a date or a period's end in the query:
    ``exists_between`` in SQL."""
    return (Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


# Sent in the transaction of every write of units that may change who is expected to report (``Unit.save`` and
# ``delete`` send post_save and post_delete; these writes bypass them), with the ids of the parents whose units
# changed: the kept sums count the units expected (``reporting.apps``).
units_written = Signal()
COUNTED_FIELDS = {"parent", "parent_id", "kind", "kind_id", "opened_on", "closed_on"}


class UnitQuerySet(models.QuerySet):
    """Writes that bypass ``Unit.save`` keep the tree's paths too, and say which units they changed."""

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            tree.place_created(self.model, created)
            tree.arrange_created(self.model, created)
            units_written.send(self.model, parents={unit.parent_id for unit in created})
        return created

    def update(self, **kwargs):
        moves = bool({"parent", "parent_id"} & kwargs.keys())
        if not COUNTED_FIELDS & kwargs.keys():
            return self._update_tree(moves, **kwargs)
        with transaction.atomic(using=self.db):
            parents = set(self.values_list("parent_id", flat=True).order_by())
            count = self._update_tree(moves, **kwargs)
            if moves:
                parent = kwargs.get("parent", kwargs.get("parent_id"))
                parents.add(getattr(parent, "pk", parent))
            units_written.send(self.model, parents=parents)
        return count

    def _update_tree(self, moves: bool, **kwargs) -> int:
        if not moves and not {"order", "code"} & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = dict(self.values_list("pk", "parent_id"))
            count = super().update(**kwargs)
            if moves:
                for unit_id in before:  # each read afresh: moving one may have moved another already
                    tree.place(self.model, unit_id)
            after = dict(self.model._base_manager.filter(pk__in=before).values_list("pk", "parent_id"))
            # Each parent's children afresh, the new parents' first (see ``tree.place_saved``).
            for parent_id in dict.fromkeys([*after.values(), *before.values()]):
                tree.arrange(self.model, parent_id)
        return count

    def coded(self, code: str, on: datetime.date | None = None) -> "UnitQuerySet":
        """The units of that code: the one existing on ``on`` (at most one, see ``Unit.clean``), or without a
        day every unit that ever carried it (codes are reused: 03549 is Thị trấn Phong Thổ until 30/6/2025 and
        Xã Phong Thổ from 1/7/2025)."""
        units = self.filter(code=code)
        return units if on is None else units.filter(exists_on(on))

    def coded_in_year(self, code: str, year: int | None = None) -> "UnitQuerySet":
        """The units of that code that existed in ``year`` (without one: ever; ``Unit.exists_in_year`` in SQL),
        the last opened first: a programme's pages name its units by code, and in the year of a merger the
        successor is meant."""
        units = self.filter(code=code)
        if year is not None:
            units = units.filter(
                Q(opened_on__isnull=True) | Q(opened_on__lte=datetime.date(year, 12, 31)),
                Q(closed_on__isnull=True) | Q(closed_on__gt=datetime.date(year, 1, 1)),
            )
        return units.order_by(models.F("opened_on").desc(nulls_last=True))


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_by_natural_key(self, code, on=None):
        """A unit by its natural key: its code, and the day it opened when it has one (``Unit.natural_key``),
        or any day it existed on. A key of the code alone names the only unit of that code or, when the code was
        reused, the one that existed first (no opening day), as the fixtures written before 2025 mean it."""
        if on is not None:
            day = on if isinstance(on, datetime.date) else datetime.date.fromisoformat(on)
            return self.coded(code, day).get()
        units = self.filter(code=code)
        return units.get() if units.count() <= 1 else units.get(opened_on__isnull=True)


# A unit's code names it in addresses, file names and spreadsheets: a "/" would break its links, a leading "-"
# or "=" make a spreadsheet run it, and a code of dots read as a step up in an address.
UNIT_CODE = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z",
    "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu gạch ngang (-), gạch dưới (_), chấm (.), bắt đầu "
    "bằng chữ cái hoặc chữ số, ví dụ 03549 hoặc 109-BDV.",
)


class Unit(models.Model):
    """A reporting unit or an aggregate level (district, province), in a tree with validity dates."""

    code = models.CharField(
        "mã",
        max_length=20,
        db_index=True,
        validators=[UNIT_CODE],
        help_text="Mã TCTK, ví dụ 03549, hoặc mã tự đặt; chỉ chữ cái không dấu, chữ số và - _ . Hai đơn vị cùng "
        "tồn tại không được trùng mã; đơn vị mới sau sáp nhập được mang lại mã cũ.",
    )
    name = models.CharField("tên chính thức", max_length=200)
    aliases = models.JSONField("tên gọi khác", default=list, blank=True)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name="loại")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="trực thuộc"
    )
    opened_on = models.DateField("thành lập từ", null=True, blank=True)
    closed_on = models.DateField(
        "giải thể từ", null=True, blank=True, help_text="Ngày đơn vị thôi tồn tại; lịch sử vẫn được giữ."
    )
    order = models.PositiveIntegerField("thứ tự", default=0)
    # A merger gives a unit several predecessors, a split a unit several successors; the day of the change is the
    # successor's opening day. Their figures are shown on its page (``reporting.selectors.drilldown``) and summed
    # beside its own in the year-over-year view.
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name="đơn vị tiền thân",
        help_text="Các đơn vị được sáp nhập vào hoặc chia tách thành đơn vị này, từ ngày thành lập của nó.",
    )
    # Kept by programme/tree.py on every write; indexed for prefix searches (on PostgreSQL Django adds the
    # varchar_pattern_ops index that LIKE 'prefix%' uses).
    path = models.CharField("đường dẫn", max_length=255, default="", editable=False, db_index=True)
    # Kept by programme/tree.py beside the path: ORDER BY it is the tree's order.
    tree_order = models.CharField("thứ tự trong cây", max_length=255, default="", editable=False)

    objects = UnitManager()
    # The tree's keys are derived, and rewritten for other units than the one saved: not part of its history.
    history = History(
        excluded_fields=["path", "tree_order"],
        m2m_fields=[predecessors],
        verbose_name="lịch sử đơn vị",
        verbose_name_plural="lịch sử đơn vị",
    )

    class Meta:
        ordering = ["order", "code"]
        indexes = [
            models.Index(fields=["tree_order"], name="unit_tree_order"),
            # A page of the matrix or the completeness table is one kind's units in tree order.
            models.Index(fields=["kind", "tree_order"], name="unit_kind_tree_order"),
            # The few units closed before a day: those a table of several periods lists beside the kept counts.
            models.Index(fields=["closed_on"], condition=Q(closed_on__isnull=False), name="unit_closed"),
        ]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gt=models.F("opened_on")),
                name="unit_closed_after_opened",
                violation_error_message="Ngày giải thể phải sau ngày thành lập.",
            ),
            # Two units of one code opened the same day (or both with no day) can never have been apart in
            # time; the database refuses them whatever writes them. Overlaps of other spans: ``clean``.
            models.UniqueConstraint(
                "code",
                Coalesce("opened_on", models.Value(datetime.date(1, 1, 1))),
                name="unit_code_opened_unique",
                violation_error_message="Đã có đơn vị mang mã này thành lập cùng ngày.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):  # the unit and the paths it moves, together
            super().save(*args, **kwargs)

    def natural_key(self):
        # The code alone for a unit with no opening day, as every key written before codes were reused.
        return (self.code,) if self.opened_on is None else (self.code, self.opened_on.isoformat())

    def is_active_on(self, day: datetime.date) -> bool:
        return exists_between(self.opened_on, self.closed_on, day)

    def closed_by(self, day: datetime.date) -> bool:
        """Whether the unit has ended by ``day`` (its ``closed_on`` is the first day it no longer exists): its
        reports are history from then on."""
        return not exists_between(None, self.closed_on, day)

    @property
    def years(self) -> tuple[int | None, int | None]:
        """The first and last years in which the unit existed (None: open-ended): the programmes it takes part
        in, as ``coded_in_year`` reads them."""
        first = self.opened_on.year if self.opened_on else None
        last = None
        if self.closed_on:  # the first day it no longer exists: a unit closed on 1 January ended the year before
            last = self.closed_on.year - (self.closed_on == datetime.date(self.closed_on.year, 1, 1))
        return first, last

    def exists_in_year(self, year: int) -> bool:
        first, last = self.years
        return (first is None or first <= year) and (last is None or year <= last)

    def clean(self):
        if self.code and (other := self.sharing_code()):
            raise ValidationError(
                {
                    "code": f"Mã {self.code} đang là của {other.name} trong cùng thời gian tồn tại; một mã chỉ được "
                    "dùng lại sau ngày giải thể của đơn vị cũ."
                }
            )
        if self.pk is None or self.parent_id is None:
            return
        parent_path = Unit._base_manager.filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
        if self.parent_id == self.pk or tree.is_within(parent_path, self.pk):
            raise ValidationError({"parent": "Đơn vị không thể trực thuộc chính nó hoặc đơn vị cấp dưới của nó."})

    def sharing_code(self) -> "Unit | None":
        """Another unit of the same code whose existence overlaps this one's: codes are reused, never shared."""
        others = Unit.objects.filter(code=self.code).exclude(pk=self.pk)
        if self.closed_on is not None:
            others = others.filter(Q(opened_on__isnull=True) | Q(opened_on__lt=self.closed_on))
        if self.opened_on is not None:
            others = others.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=self.opened_on))
        return others.order_by("opened_on").first()


pre_save.connect(tree.remember_stored_path, sender=Unit, dispatch_uid="unit_tree_stored_path")
post_save.connect(tree.place_saved, sender=Unit, dispatch_uid="unit_tree_place")
post_delete.connect(tree.arrange_deleted, sender=Unit, dispatch_uid="unit_tree_arrange_deleted")


class UnitDocumentManager(models.Manager):
    def get_by_natural_key(self, *unit_key):
        return self.get(unit=Unit.objects.get_by_natural_key(*unit_key))


class UnitDocument(models.Model):
    """What one unit's documents say differently from its kind's style: another style, its own name as it heads
    a document, its symbol, its signature lines, and the name of the one who signs. Blank: the style's."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="document", verbose_name="đơn vị"
    )  # not the primary key: a backup with natural keys leaves primary keys out, and would lose it
    style = models.ForeignKey(
        DocumentStyle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name="thể thức văn bản",
        help_text="Để trống: thể thức của loại đơn vị.",
    )
    superior = models.TextField("cơ quan cấp trên", blank=True, help_text="Để trống: theo thể thức.")
    issuing = models.TextField(
        "tên cơ quan ban hành", blank=True, help_text="Viết hoa, ví dụ BAN DÂN VẬN; để trống: theo thể thức."
    )
    symbol = models.CharField("ký hiệu văn bản", max_length=40, blank=True, help_text="Ví dụ BC/BDVHU.")
    signature = models.TextField(
        "thẩm quyền và chức vụ người ký", blank=True, help_text="Mỗi dòng một dòng in; để trống: theo thể thức."
    )
    signer_name = models.CharField(
        "họ tên người ký", max_length=120, blank=True, help_text="Để trống thì chừa chỗ ghi họ tên bằng tay."
    )

    objects = UnitDocumentManager()

    class Meta:
        verbose_name = "thể thức văn bản của đơn vị"
        verbose_name_plural = "thể thức văn bản của đơn vị"

    def __str__(self):
        return str(self.unit)

    def natural_key(self):
        return self.unit.natural_key()

    def clean(self):
        if problems := placeholder_problems(self, ("superior", "issuing", "signature")):
            raise ValidationError(problems)

    natural_key.dependencies = ["programme.unit", "programme.documentstyle"]


class ProgrammeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Programme(models.Model):
    """One year's programme of one party committee, covering the units under ``area``."""

    code = models.SlugField("mã", max_length=60, unique=True, help_text="Ví dụ phong-tho-2024.")
    year = models.PositiveSmallIntegerField("năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("tên chương trình", max_length=300)
    document_number = models.CharField("số hiệu văn bản", max_length=60, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuing_body = models.CharField("cơ quan ban hành", max_length=200)
    legal_basis = models.TextField("căn cứ", blank=True)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=120, blank=True)
    area = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="địa bàn",
        help_text="Đơn vị cấp trên (huyện, tỉnh…): mọi đơn vị trực thuộc đều báo cáo theo chương trình này.",
    )
    # The body that reviews the units and issues the period report: its letterhead, symbol and signature are
    # that unit's (``programme.documents``), the one home of a body's document lines.
    reviewing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_programmes",
        verbose_name="cơ quan tổng hợp, báo cáo",
        help_text=(
            "Cơ quan thẩm định báo cáo của các đơn vị và ký báo cáo tổng hợp, ví dụ Ban Dân vận Huyện ủy; tiêu đề, "
            "ký hiệu và người ký lấy theo thể thức văn bản của đơn vị này. Để trống: chính đơn vị địa bàn."
        ),
    )
    report_place = models.CharField("địa danh", max_length=100, blank=True, help_text="Ví dụ Phong Thổ.")
    report_recipients = models.TextField(
        "nơi nhận",
        blank=True,
        help_text="Mỗi dòng một nơi nhận, dòng cuối là dòng lưu, ví dụ “- Lưu BDVHU.”; báo cáo từng kỳ có thể sửa.",
    )
    # When the review page flags a figure as an implausible step from the unit's previous one
    # (reporting/plausibility.py): data, so that a programme with other populations can set its own.
    plausible_cumulative_fall = models.DecimalField(
        "mức giảm bất thường của chỉ tiêu lũy kế (điểm %)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Tỷ lệ của chỉ tiêu lũy kế giảm hơn mức này so với kỳ trước thì trang thẩm định đánh dấu ⚠.",
    )
    plausible_jump = models.DecimalField(
        "mức thay đổi bất thường của tỷ lệ (điểm %)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Tỷ lệ của bất kỳ chỉ tiêu nào tăng hoặc giảm hơn mức này so với kỳ trước thì được đánh dấu ⚠.",
    )
    plausible_denominator_change = models.DecimalField(
        "mức thay đổi bất thường của mẫu số (%)",
        max_digits=7,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Mẫu số tăng hoặc giảm hơn chừng này phần trăm so với kỳ trước thì được đánh dấu ⚠.",
    )

    objects = ProgrammeManager()
    history = History(verbose_name="lịch sử chương trình", verbose_name_plural="lịch sử chương trình")

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = "chương trình"
        verbose_name_plural = "chương trình"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)

    def clean(self):
        # The reviewing body is the area's or one of its own: the area's reviewers compose its report.
        if self.reviewing_unit_id and self.area_id and self.reviewing_unit_id != self.area_id:
            path = Unit._base_manager.filter(pk=self.reviewing_unit_id).values_list("path", flat=True).first() or ""
            if not tree.is_within(path, self.area_id):
                raise ValidationError(
                    {"reviewing_unit": "Cơ quan tổng hợp, báo cáo phải là đơn vị địa bàn hoặc đơn vị trực thuộc."}
                )


class TaskGroupManager(models.Manager):
    def get_by_natural_key(self, programme_code, number):
        return self.get(programme__code=programme_code, number=number)


class TaskGroup(models.Model):
    """A group of tasks of the programme's section III; a report carries one narrative per group that applies to
    its unit's kind (``programme.rules.coverage``)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="task_groups", verbose_name="chương trình"
    )
    number = models.PositiveSmallIntegerField("số thứ tự")
    title = models.CharField("tên nhóm nhiệm vụ", max_length=400)
    applies_to = models.ManyToManyField(
        UnitKind,
        related_name="task_groups",
        verbose_name="áp dụng cho",
        help_text="Loại đơn vị viết kết quả nhóm nhiệm vụ này trong báo cáo; loại khác không được hỏi.",
    )

    objects = TaskGroupManager()

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = "nhóm nhiệm vụ"
        verbose_name_plural = "nhóm nhiệm vụ"
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="task_group_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def natural_key(self):
        return (*self.programme.natural_key(), self.number)

    natural_key.dependencies = ["programme.programme"]


class TargetManager(models.Manager):
    def get_by_natural_key(self, programme_code, code):
        return self.get(programme__code=programme_code, code=code)


class Target(models.Model):
    """A measurable target of section I.2: a percentage compared with a threshold."""

    class Operator(models.TextChoices):
        AT_LEAST = ">=", "đạt từ (≥)"
        ABOVE = ">", "trên (>)"

    class Judged(models.TextChoices):
        STATE = "state", "Đánh giá mỗi kỳ"
        CUMULATIVE = "cumulative", "Lũy kế, đánh giá cuối năm"
        ANNUAL = "annual", "Chỉ báo cáo năm"

    class Source(models.TextChoices):
        REPORTED = "reported", "Đơn vị báo cáo"
        MODELS_REGISTERED = "models_registered", "Sổ mô hình: đã đăng ký"
        MODELS_RECOGNISED = "models_recognised", "Sổ mô hình: có điển hình"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="targets", verbose_name="chương trình"
    )
    code = models.CharField("mã", max_length=20)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    short_name = models.CharField("tên ngắn", max_length=120)
    wording = models.TextField("nội dung chỉ tiêu")
    numerator_label = models.CharField("tử số", max_length=300)
    denominator_label = models.CharField("mẫu số", max_length=300)
    guidance = models.TextField(
        "cách tính",
        blank=True,
        help_text="Đếm gì, ai đếm: hiện trên biểu mẫu, mẫu Excel và trang chỉ tiêu để các đơn vị đếm như nhau.",
    )
    operator = models.CharField("phép so sánh", max_length=2, choices=Operator.choices)
    threshold = models.DecimalField(
        "ngưỡng (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    judged = models.CharField("đánh giá", max_length=12, choices=Judged.choices)
    source = models.CharField("nguồn số liệu", max_length=20, choices=Source.choices, default=Source.REPORTED)
    applies_to = models.ManyToManyField(UnitKind, related_name="targets", verbose_name="áp dụng cho")

    objects = TargetManager()
    history = History(m2m_fields=[applies_to], verbose_name="lịch sử chỉ tiêu", verbose_name_plural="lịch sử chỉ tiêu")

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="target_unique_code"),
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=100),
                name="target_threshold_percent",
                violation_error_message="Ngưỡng phải nằm trong khoảng 0–100%%.",
            ),
            models.CheckConstraint(condition=Q(operator__in=[">=", ">"]), name="target_operator_valid"),
            models.CheckConstraint(
                condition=Q(judged__in=["state", "cumulative", "annual"]), name="target_judged_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.short_name}"

    def natural_key(self):
        return (*self.programme.natural_key(), self.code)

    natural_key.dependencies = ["programme.programme", "programme.unitkind"]

    @property
    def is_typed(self) -> bool:
        return self.source == self.Source.REPORTED

    def is_reported_in(self, period: "Period") -> bool:
        return self.judged != self.Judged.ANNUAL or period.is_annual

    @property
    def threshold_text(self) -> str:
        word = "≥" if self.operator == self.Operator.AT_LEAST else ">"
        return f"{word} {self.threshold.normalize():f}%"


class TargetCategoryManager(models.Manager):
    def get_by_natural_key(self, programme_code, target_code, code):
        return self.get(target__programme__code=programme_code, target__code=target_code, code=code)


class TargetCategory(models.Model):
    """A part of a target's figure reported on its own (MT6's "Đoàn TNCS Hồ Chí Minh", "Hội Nông dân"…): a target
    with categories is typed category by category and its figure is their sum, so that one sees which of them
    lags. A target without categories is typed as one figure. See docs/decisions/0028-breakdowns.md."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="categories", verbose_name="chỉ tiêu")
    code = models.SlugField("mã", max_length=40, help_text="Ví dụ doan-thanh-nien; không đổi sau khi đã có số liệu.")
    name = models.CharField("tên", max_length=200)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = TargetCategoryManager()

    class Meta:
        verbose_name = "phần chia của chỉ tiêu"
        verbose_name_plural = "phần chia của chỉ tiêu (theo tổ chức)"
        constraints = [models.UniqueConstraint(fields=["target", "code"], name="target_category_unique_code")]

    def __str__(self):
        return f"{self.target.code} — {self.name}"

    def natural_key(self):
        return (*self.target.natural_key(), self.code)

    natural_key.dependencies = ["programme.target"]


class ValidationRuleManager(models.Manager):
    def get_by_natural_key(self, programme_code, code):
        return self.get(programme__code=programme_code, code=code)


class ValidationRule(models.Model):
    """A check across a report's targets (``MT4c.numerator <= MT4b.numerator``): an error refuses the report's
    submission and any file that breaks it; a warning asks the officer for an explanation, which the reviewer
    reads. Parsed and judged by ``programme.validation`` only."""

    class Operator(models.TextChoices):
        LT = "<", "nhỏ hơn (<)"
        LE = "<=", "không lớn hơn (≤)"
        EQ = "=", "bằng (=)"
        GE = ">=", "không nhỏ hơn (≥)"
        GT = ">", "lớn hơn (>)"
        NE = "!=", "khác (≠)"

    class Importance(models.TextChoices):
        ERROR = "error", "Lỗi: không nộp được"
        WARNING = "warning", "Cảnh báo: cần giải trình"

    SIDE_HELP = (
        "Tổng các số liệu và số nguyên, nối bằng dấu +: MÃ.numerator là tử số, MÃ.denominator là mẫu số của chỉ "
        "tiêu, ví dụ “MT4c.numerator” hoặc “MT4b.numerator + 5”."
    )

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="validation_rules", verbose_name="chương trình"
    )
    code = models.SlugField("mã", max_length=60, help_text="Ví dụ mt4c-trong-mt4b.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    left = models.CharField("vế trái", max_length=400, help_text=SIDE_HELP)
    operator = models.CharField("phép so sánh", max_length=2, choices=Operator.choices)
    right = models.CharField("vế phải", max_length=400, help_text=SIDE_HELP)
    importance = models.CharField("mức độ", max_length=7, choices=Importance.choices, default=Importance.ERROR)
    message = models.CharField(
        "thông báo", max_length=500, help_text="Câu báo cho đơn vị khi số liệu vi phạm quy tắc, bằng tiếng Việt."
    )

    objects = ValidationRuleManager()

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = "quy tắc kiểm tra số liệu"
        verbose_name_plural = "quy tắc kiểm tra số liệu"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="validation_rule_unique_code"),
            models.CheckConstraint(
                condition=Q(operator__in=["<", "<=", "=", ">=", ">", "!="]), name="validation_rule_operator_valid"
            ),
            models.CheckConstraint(
                condition=Q(importance__in=["error", "warning"]), name="validation_rule_importance_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.left} {self.operator} {self.right}"

    def natural_key(self):
        return (*self.programme.natural_key(), self.code)

    natural_key.dependencies = ["programme.programme", "programme.target"]

    def compiled(self):
        """The rule as ``programme.validation`` judges it; RuleSyntaxError when a side cannot be read."""
        return Rule.parse(
            code=self.code,
            left=self.left,
            operator=self.operator,
            right=self.right,
            importance=self.importance,
            message=self.message,
        )

    def clean(self):
        errors = {}
        sides = {}
        for name in ("left", "right"):
            try:
                sides[name] = parse_side(getattr(self, name))
            except RuleSyntaxError as error:
                errors[name] = str(error)
        if sides and self.programme_id is not None:
            typed = dict(self.programme.targets.values_list("code", "source"))
            for name, side in sides.items():
                unknown = sorted(code for code in side.targets if code not in typed)
                derived = sorted(
                    code for code in side.targets if typed.get(code, Target.Source.REPORTED) != Target.Source.REPORTED
                )
                if unknown:
                    errors[name] = f"Chương trình không có chỉ tiêu {', '.join(unknown)}."
                elif derived:
                    errors[name] = (
                        f"Chỉ tiêu {', '.join(derived)} lấy số liệu từ sổ mô hình, đơn vị không nhập: "
                        "không dùng trong quy tắc được."
                    )
        if not errors and sides and not (sides["left"].operands or sides["right"].operands):
            errors["left"] = "Quy tắc phải có ít nhất một số liệu của chỉ tiêu."
        if errors:
            raise ValidationError(errors)


def period_dates_problems(year: int, start: datetime.date, end: datetime.date, due: datetime.date) -> dict[str, str]:
    """What is wrong with a period's dates for a programme of ``year`` (field → message; empty when nothing is):
    the period ends in the programme's year and starts in it, or in the last month of the year before (a
    cut-off such as 15 December); its due date is not before its start, and no later than 31 March of the next
    year (the annual report is due in January)."""
    problems = {}
    if not datetime.date(year - 1, 12, 1) <= start <= datetime.date(year, 12, 31):
        problems["start"] = (
            f"Kỳ báo cáo của chương trình năm {year} phải bắt đầu trong năm {year} "
            f"(hoặc từ ngày 01/12/{year - 1}, khi số liệu tính từ giữa tháng 12 năm trước)."
        )
    if end.year != year:
        problems["end"] = f"Kỳ báo cáo của chương trình năm {year} phải kết thúc trong năm {year}."
    if due < start or due > datetime.date(year + 1, 3, 31):
        problems["due"] = f"Hạn nộp phải từ ngày bắt đầu kỳ đến muộn nhất ngày 31/03/{year + 1}."
    return problems


def due_passed(due: datetime.date, today: datetime.date) -> bool:
    """Whether a due date (a report's, a milestone's) is behind ``today``: the due day itself is still in time."""
    return today > due


class PeriodKindManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class PeriodKind(models.Model):
    """A kind of reporting period (quarter, 6 months, 9 months, year). Kinds are data, so that a programme can
    report on "9 tháng" or any other span; the annual kind is the one whose report judges the targets judged
    on the year only."""

    code = models.SlugField("mã", max_length=20, unique=True)
    name = models.CharField("tên loại kỳ", max_length=60)
    annual = models.BooleanField(
        "kỳ cả năm",
        default=False,
        help_text="Báo cáo kỳ loại này là báo cáo năm: chỉ tiêu đánh giá theo năm chỉ được đánh giá ở kỳ này.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = PeriodKindManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "loại kỳ báo cáo"
        verbose_name_plural = "loại kỳ báo cáo"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class PeriodManager(models.Manager):
    def get_queryset(self):
        # A period's kind decides how its report is judged (``is_annual``): read with the period, so that asking
        # costs no query wherever periods are listed.
        return super().get_queryset().select_related("kind")

    def get_by_natural_key(self, programme_code, code):
        return self.get(programme__code=programme_code, code=code)


class Period(models.Model):
    """A reporting period; every value reported for it is a year-to-date snapshot at ``end``. Its titles are
    data: ``name`` is what documents call it ("6 tháng đầu năm 2024"), ``short_name`` what a chart's axis says
    ("6T"), whatever its dates (a period may start on 15 December of the year before)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="periods", verbose_name="chương trình"
    )
    code = models.CharField("mã kỳ", max_length=10, help_text="Theo DHIS2: 2024Q1, 2024S1, 2024Q3, 2024.")
    # Stored as the kind's code in the column "kind", as before kinds were data: fixtures say "kind": "quarter".
    kind = models.ForeignKey(
        PeriodKind,
        to_field="code",
        db_column="kind",
        on_delete=models.PROTECT,
        related_name="periods",
        verbose_name="loại kỳ",
    )
    name = models.CharField(
        "tên kỳ báo cáo",
        max_length=120,
        help_text="Như văn bản gọi kỳ, viết hoa chữ đầu: Quý I năm 2024, 6 tháng đầu năm 2024, 9 tháng năm 2024, "
        "Năm 2024.",
    )
    short_name = models.CharField("tên ngắn", max_length=12, help_text="Nhãn trên trục biểu đồ, ví dụ Q1, 6T, 9T, Năm.")
    outlook = models.CharField(
        "kỳ tới",
        max_length=120,
        blank=True,
        help_text="Kỳ tiếp theo mà báo cáo tổng hợp đặt ra nhiệm vụ, như văn bản viết, ví dụ 6 tháng cuối năm 2024, "
        "năm 2025: trích yếu báo cáo ghi kỳ này sau kết quả của kỳ báo cáo.",
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    due = models.DateField("hạn nộp")

    objects = PeriodManager()
    history = History(verbose_name="lịch sử kỳ báo cáo", verbose_name_plural="lịch sử kỳ báo cáo")

    class Meta:
        ordering = ["programme", "end"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="period_unique_code"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="period_end_after_start",
                violation_error_message="Ngày kết thúc kỳ phải sau ngày bắt đầu.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.programme.natural_key(), self.code)

    natural_key.dependencies = ["programme.programme", "programme.periodkind"]

    @property
    def is_annual(self) -> bool:
        return self.kind.annual

    def due_passed(self, today: datetime.date) -> bool:
        return due_passed(self.due, today)

    def clean(self):
        if self.programme_id is None or None in (self.start, self.end, self.due):
            return  # the fields' own errors say what is missing
        if problems := period_dates_problems(self.programme.year, self.start, self.end, self.due):
            raise ValidationError(problems)


def period_dates_checked(sender, instance: Period, raw=False, **kwargs):
    """Every save of a period, a fixture's too, keeps its dates in the programme's year."""
    year = Programme._base_manager.filter(pk=instance.programme_id).values_list("year", flat=True).first()
    if year is not None and (problems := period_dates_problems(year, instance.start, instance.end, instance.due)):
        raise ValidationError(f"Kỳ báo cáo {instance.code}: " + " ".join(problems.values()))


pre_save.connect(period_dates_checked, sender=Period, dispatch_uid="period_dates_checked")


class ModelFieldManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ModelField(models.Model):
    """A field in which a "Dân vận khéo" model is registered, as the province's document lists them (Lai Châu:
    the five fields of Kết luận 69-KL/TU). Fields are data: another document adds its own; a field no longer
    offered is made inactive, and the models registered in it keep it."""

    code = models.SlugField("mã", max_length=20, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=200)
    basis = models.CharField("văn bản quy định", max_length=120, help_text="Ví dụ: Kết luận 69-KL/TU.")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    active = models.BooleanField(
        "đang áp dụng", default=True, help_text="Chỉ lĩnh vực đang áp dụng được chọn khi đăng ký mô hình mới."
    )

    objects = ModelFieldManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "lĩnh vực mô hình “Dân vận khéo”"
        verbose_name_plural = "lĩnh vực mô hình “Dân vận khéo”"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class RecognitionLevelManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class RecognitionLevel(models.Model):
    """A level at which a model is recognised as điển hình. Levels are data with the days they may be used:
    "Cấp huyện" ends on 30/06/2025, when the districts ceased to exist."""

    code = models.SlugField("mã", max_length=20, unique=True)
    name = models.CharField("tên cấp", max_length=60)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    valid_from = models.DateField("áp dụng từ ngày", null=True, blank=True, help_text="Để trống: không giới hạn.")
    valid_until = models.DateField("áp dụng đến hết ngày", null=True, blank=True, help_text="Để trống: không giới hạn.")

    objects = RecognitionLevelManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "cấp công nhận điển hình"
        verbose_name_plural = "cấp công nhận điển hình"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="recognition_level_valid_span",
                violation_error_message="Ngày hết áp dụng không thể trước ngày bắt đầu áp dụng.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @property
    def span(self) -> str:
        """When the level may be used, in words ("đến 30/06/2025"); empty when it always may."""
        parts = []
        if self.valid_from:
            parts.append(f"từ {self.valid_from:%d/%m/%Y}")
        if self.valid_until:
            parts.append(f"đến {self.valid_until:%d/%m/%Y}")
        return " ".join(parts)

    @property
    def label(self) -> str:
        """The level's name with the days it may be used, as a list of choices shows it."""
        return f"{self.name} ({self.span})" if self.span else self.name


class ExemplaryModelManager(models.Manager):
    def get_queryset(self):
        # The field's and the level's names are shown wherever a model is: read with it, at no extra query.
        return super().get_queryset().select_related("field", "recognition_level")


class ExemplaryModel(models.Model):
    """A "Dân vận khéo" model registered by a unit; recognised ones are điển hình. Feeds MT5a and MT5b."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="exemplary_models", verbose_name="đơn vị")
    year = models.PositiveSmallIntegerField("năm đăng ký")
    name = models.CharField("tên mô hình", max_length=300)
    # Stored as the codes in the columns "field" and "recognition_level", as before the lists were data.
    field = models.ForeignKey(
        ModelField,
        to_field="code",
        db_column="field",
        on_delete=models.PROTECT,
        related_name="models",
        verbose_name="lĩnh vực",
    )
    description = models.TextField("mô tả", blank=True)
    started_on = models.DateField("bắt đầu thực hiện", null=True, blank=True)
    registered_on = models.DateField("ngày đăng ký")
    recognised_on = models.DateField("công nhận điển hình ngày", null=True, blank=True)
    recognition_level = models.ForeignKey(
        RecognitionLevel,
        to_field="code",
        db_column="recognition_level",
        on_delete=models.PROTECT,
        related_name="models",
        null=True,
        blank=True,
        verbose_name="cấp công nhận",
    )

    objects = ExemplaryModelManager()

    class Meta:
        verbose_name = "mô hình “Dân vận khéo”"
        verbose_name_plural = "sổ mô hình “Dân vận khéo”"
        permissions = [
            ("register_model", "Đăng ký mô hình của đơn vị mình"),
            ("recognise_model", "Công nhận điển hình"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recognised_on__isnull=True) | Q(recognised_on__gte=models.F("registered_on")),
                name="model_recognised_after_registered",
                violation_error_message="Ngày công nhận điển hình không thể trước ngày đăng ký.",
            ),
            models.CheckConstraint(
                condition=Q(recognised_on__isnull=True, recognition_level__isnull=True)
                | Q(recognised_on__isnull=False, recognition_level__isnull=False),
                name="model_recognition_complete",
                violation_error_message="Công nhận điển hình cần cả ngày và cấp công nhận.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """A new model is registered in a field still in use; a model is recognised at a level in use on the day
        of its recognition ("Cấp huyện" until 30/06/2025)."""
        errors = {}
        field = ModelField.objects.filter(code=self.field_id).first() if self._state.adding and self.field_id else None
        if field is not None and not field.active:
            errors["field"] = f"Lĩnh vực “{field.name}” không còn áp dụng cho mô hình đăng ký mới."
        if self.recognition_level_id and self.recognised_on:
            level = RecognitionLevel.objects.filter(code=self.recognition_level_id).first()
            if level is not None and not level.valid_on(self.recognised_on):
                errors["recognition_level"] = (
                    f"{level.name} chỉ dùng để công nhận {level.span}; ngày công nhận "
                    f"{self.recognised_on:%d/%m/%Y} nằm ngoài thời gian đó."
                )
        if errors:
            raise ValidationError(errors)


def no_level_stored_as_null(sender, instance: ExemplaryModel, raw=False, **kwargs):
    """A backup made before the levels were data says "recognition_level": "" for a model not recognised: no
    level, which a reference stores as NULL."""
    if instance.recognition_level_id == "":
        instance.recognition_level_id = None


pre_save.connect(no_level_stored_as_null, sender=ExemplaryModel, dispatch_uid="no_level_stored_as_null")
