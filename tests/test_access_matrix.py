"""Every URL × every role × GET and POST, generated from the URLconf, against the expected answer.

Officers never reach another unit's data: every URL naming unit A's objects is tried by the officer of unit B,
officers never see the other unit's data on any page, every POST that is not carried out changes nothing, and
every POST that a view would act on is refused without a CSRF token.

Everyone works inside their own organisation: the reviewer and the leader belong to Phong Thổ's district; a
reviewer and a leader of another district, with its own programme, try every URL naming Phong Thổ's programme,
units, periods, targets, reports, models and milestones (404, or 405 where the method is refused first, and
nothing changes), and Phong Thổ's reviewer and leader try the other district's.

The world (the Phong Thổ fixtures, the users, both units' reports and models) is built once for the module
inside a transaction rolled back at its end; each test runs in a savepoint of its own, so a POST that is carried
out is undone before the next test.
"""

import datetime
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from followup.models import EmailChoice, Kind, Notification, Reminder
from milestones.models import Milestone, MilestoneRecord
from programme.models import ExemplaryModel, Period, Target, Unit, UnitKind
from programme.services import exemplary_model_register
from reporting.models import Narrative, PreparedDownload, SignedDocument, Submission, SubmissionEvent, Value
from reporting.selectors.reports import report_sheet
from reporting.services import Content, Figures, submission_import, submission_save
from reporting.totals import totals_refresh
from reporting.workbook import SHEET_TITLE, build_template
from synthesis.models import PeriodReport, PeriodReportEvent, SignedPeriodReport
from tests.addresses import programme_reverse
from tests.factories import PeriodFactory, ProgrammeFactory, TargetFactory, UnitFactory, as_in_2024, make_user
from tests.surfaces import fetched
from tests.test_error_pages import assert_error_page

PASSWORD = "Mat-khau-thu-9"
ROLES = ["anonymous", "officer_a", "officer_b", "reviewer", "leader", "administrator"]
OFFICERS = ["officer_a", "officer_b"]

# What each role gets, per URL name. The URLs name unit A's objects (its 2024Q1 report, submitted; its open
# 2024S1 draft for the officer's form, template and upload; its model) and the 2024Q1 period. A POST carries
# the data that would change something if it were accepted (a saved report, an approval, a recognised model…).
#   200, 403, 404, 405  the status code
#   >name               a redirect to that page, with the request's own arguments (or a new object's, when the
#                       page names one the request does not: a download just asked for)
#   >login?next         the login page, then back here (anonymous users)
#   >own                the officer's own unit dashboard
#   +                   the POST is carried out; without it, the request must change nothing
# Every URL of the app must be listed in both tables: a new URL fails until someone decides who may use it.
GET = """
    name              anonymous    officer_a    officer_b    reviewer     leader       administrator
    health            200          200          200          200          200          200
    login             200          >home        >home        >home        >home        >home
    logout            405          405          405          405          405          405
    password_change   >login?next  200          200          200          200          200
    home              >login?next  200          200          200          200          200
    report            >login?next  200          404          >review      >review      >review
    report_history    >login?next  200          404          200          200          200
    history_change    >login?next  200          404          200          200          200
    unit_report_docx  >login?next  200          404          200          200          200
    report_template   >login?next  200          404          403          403          403
    report_upload     >login?next  200          404          403          403          403
    unit_dashboard    >login?next  200          404          200          200          200
    inbox             >login?next  403          403          200          200          200
    bulk_upload       >login?next  403          403          200          403          200
    review            >login?next  404          404          200          200          200
    overview          >login?next  >own         >own         200          200          200
    matrix            >login?next  >own         >own         200          200          200
    completeness      >login?next  >own         >own         200          200          200
    violations        >login?next  >own         >own         200          200          200
    target_dashboard  >login?next  404          404          200          200          200
    target_year_over_year >login?next 404       404          200          200          200
    programme_home    >login?next  >overview    >overview    >overview    >overview    >overview
    programme_latest  >login?next  >overview    >overview    >overview    >overview    >overview
    export_overview   >login?next  403          403          200          200          200
    export_matrix     >login?next  403          403          200          200          200
    export_values     >login?next  403          403          200          200          200
    export_texts      >login?next  403          403          200          200          200
    official_report   >login?next  403          403          200          200          200
    download_start    >login?next  403          403          200          200          200
    download_status   >login?next  403          403          200          404          404
    download_progress >login?next  403          403          200          404          404
    download_file     >login?next  403          403          200          404          404
    register          >login?next  200          200          200          200          200
    model_recognise   >login?next  405          405          405          405          405
    notifications     >login?next  200          200          200          200          200
    open_notification >login?next  >report+     404          404          404          404
    mark_read         >login?next  405          405          405          405          405
    email_choices     >login?next  200          200          200          200          200
    mailbox           >login?next  403          403          403          403          200
    urge              >login?next  403          403          405          403          405
    unit_milestones   >login?next  200          404          200          200          200
    milestones_board  >login?next  >own         >own         200          200          200
    milestone_review  >login?next  405          405          405          405          405
    milestone_attachment >login?next 200        404          200          200          200
    signed_documents  >login?next  200          404          200          200          200
    signed_document_file >login?next 200        404          200          200          200
    period_report     >login?next  403          403          200          200          200
    period_report_reopen >login?next 405        405          405          405          405
    period_report_docx >login?next 403          403          200          200          200
    period_report_issued >login?next 403        403          200          200          200
    period_report_signed >login?next 403        403          200          200          200
    period_report_signed_file >login?next 403   403          200          200          200
"""
POST = """
    name              anonymous    officer_a    officer_b    reviewer     leader       administrator
    health            405          405          405          405          405          405
    login             >home        >home        >home        >home        >home        >home
    logout            >login       >login       >login       >login       >login       >login
    password_change   >login?next  200          200          200          200          200
    home              >login?next  405          405          405          405          405
    report            >login?next  >report+     404          >review      >review      >review
    report_history    >login?next  405          405          405          405          405
    history_change    >login?next  405          405          405          405          405
    unit_report_docx  >login?next  405          405          405          405          405
    report_template   >login?next  405          405          405          405          405
    report_upload     >login?next  >report+     404          403          403          403
    unit_dashboard    >login?next  405          405          405          405          405
    inbox             >login?next  403          403          405          405          405
    bulk_upload       >login?next  403          403          >programme_latest+ 403    >programme_latest+
    review            >login?next  404          404          >review+     403          >review+
    overview          >login?next  405          405          405          405          405
    matrix            >login?next  405          405          405          405          405
    completeness      >login?next  405          405          405          405          405
    violations        >login?next  405          405          405          405          405
    target_dashboard  >login?next  405          405          405          405          405
    target_year_over_year >login?next 405       405          405          405          405
    programme_home    >login?next  405          405          405          405          405
    programme_latest  >login?next  405          405          405          405          405
    export_overview   >login?next  403          403          405          405          405
    export_matrix     >login?next  403          403          405          405          405
    export_values     >login?next  403          403          405          405          405
    export_texts      >login?next  403          403          405          405          405
    official_report   >login?next  403          403          405          405          405
    download_start    >login?next  403          403          >download_status+ >download_status+ >download_status+
    download_status   >login?next  403          403          405          405          405
    download_progress >login?next  403          403          405          405          405
    download_file     >login?next  403          403          405          405          405
    register          >login?next  >register+   >register+   403          403          403
    model_recognise   >login?next  403          403          >register+   403          >register+
    notifications     >login?next  405          405          405          405          405
    open_notification >login?next  405          405          405          405          405
    mark_read         >login?next  >notifications+ >notifications >notifications >notifications >notifications
    email_choices     >login?next  >email_choices+ >email_choices+ >email_choices+ >email_choices+ >email_choices+
    mailbox           >login?next  403          403          403          403          405
    urge              >login?next  403          403          >completeness+ 403       >completeness+
    unit_milestones   >login?next  >unit_milestones+ 404     403          403          403
    milestones_board  >login?next  405          405          405          405          405
    milestone_review  >login?next  403          403          >milestones_board+ 403    >milestones_board+
    milestone_attachment >login?next 405        405          405          405          405
    signed_documents  >login?next  >signed_documents+ 404    >signed_documents+ 403 >signed_documents+
    signed_document_file >login?next 405        405          405          405          405
    period_report     >login?next  403          403          >period_report+ 403      >period_report+
    period_report_reopen >login?next 403        403          >period_report+ 403      >period_report+
    period_report_docx >login?next 405          405          405          405          405
    period_report_issued >login?next 405        405          405          405          405
    period_report_signed >login?next 403        403          >period_report_signed+ 403 >period_report_signed+
    period_report_signed_file >login?next 405   405          405          405          405
"""
# Everything a POST could change: reports, their figures, texts and history, the register of models, and the
# downloads asked for (the reviewer's is one of the world's).
SNAPSHOT = {
    Submission: ("unit", "period", "status", "version", "review_comment", "shortcomings", "next_steps", "proposals"),
    Value: ("submission", "target", "numerator", "denominator", "note"),
    Narrative: ("submission", "task_group", "text"),
    SubmissionEvent: ("submission", "action", "to_status"),
    ExemplaryModel: ("unit", "year", "name", "field", "recognised_on", "recognition_level"),
    PreparedDownload: ("owner", "kind", "period", "approved_only", "state"),
    Notification: ("recipient", "kind", "read_at"),
    Reminder: ("unit", "period", "source", "sent_by"),
    EmailChoice: ("user", "kinds"),
    MilestoneRecord: ("milestone", "unit", "status", "done_on", "document_number", "review_comment"),
    SignedDocument: ("submission", "number", "signed_on", "signer"),
    PeriodReport: ("period", "status", "version", "people"),
    PeriodReportEvent: ("report", "action", "comment"),
    SignedPeriodReport: ("report", "number", "signer"),
}
# the officer's form: the 2024S1 draft; the Ban's report: 2024S1, not begun (its 2024Q1 one is complete)
OPEN_DRAFT_PAGES = {"report", "report_template", "report_upload", "period_report"}
EXPORTS = ["export_overview", "export_matrix", "export_values", "export_texts", "official_report"]
REFUSED = {403, 404, 405}
SAME_FOR_EVERYONE = {"health"}  # never asks who is there: the browser may keep it (dvproject/nostore.py)


@dataclass(frozen=True)
class Answer:
    status: int
    to: str = ""  # for a redirect: a URL name, "login?next" or "own"
    changes: bool = False

    @classmethod
    def parse(cls, token: str) -> "Answer":
        changes, token = token.endswith("+"), token.removesuffix("+")
        if token.startswith(">"):
            return cls(302, token[1:], changes)
        return cls(int(token), "", changes)

    @property
    def refused(self) -> bool:
        return self.status in REFUSED or self.to in {"login?next", "own"}


def _table(text: str) -> dict[str, dict[str, Answer]]:
    header, *rows = (line.split() for line in text.strip().splitlines())
    assert header[1:] == ROLES, header
    return {name: dict(zip(ROLES, map(Answer.parse, answers), strict=True)) for name, *answers in rows}


EXPECTED = {"GET": _table(GET), "POST": _table(POST)}


def app_patterns(patterns=None):
    """Every URL pattern of the app (the admin site has its own permission system and tests)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from app_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


PATTERNS = {pattern.name: pattern for pattern in app_patterns()}
URL_NAMES = sorted(name for name in PATTERNS if name)
UNIT_A_OBJECTS = {"unit_code", "pk", "event_id", "document_id"}  # what names unit A's data in a URL
UNIT_A_URLS = [
    (name, period)
    for name in URL_NAMES
    if UNIT_A_OBJECTS & set(PATTERNS[name].pattern.converters)
    for period in (["2024Q1", "2024S1", "2024"] if "period_id" in PATTERNS[name].pattern.converters else [""])
]
DISTRICT_WIDE = [name for name in URL_NAMES if not UNIT_A_OBJECTS & set(PATTERNS[name].pattern.converters)]


# --- the world -------------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    unit_a: Unit
    unit_b: Unit
    periods: dict[str, Period]
    target: Target
    model_a: ExemplaryModel
    event_a: SubmissionEvent  # the saving of unit A's 2024S1 draft, which wrote its shortcomings
    template_a: bytes  # unit A's 2024S1 template, filled in by its officer
    download: PreparedDownload  # the reviewer's, made: another user's address for everyone else
    notification_a: Notification  # officer A's, unread, leading to unit A's 2024Q1 report
    record_a: MilestoneRecord  # unit A's plan recorded done, waiting for the Ban's confirmation
    signed_a: SignedDocument  # the signed and stamped copy of unit A's 2024Q1 report
    issued_q1: PeriodReportEvent  # the completion of the Ban's 2024Q1 report, with the document as issued
    signed_q1: SignedPeriodReport  # its signed copy
    secrets: dict[str, list[str]]  # per officer: what of the other unit must never reach them
    elsewhere: dict  # the other district's programme, period, target and commune, with what shows its report
    sessions: dict[str, str]  # per role: a signed-in session, made once with ``force_login``


def _unit_data(*, unit: Unit, letter: str, periods, targets, officer: User, reviewer: User) -> list[str]:
    """A submitted 2024Q1 report, an open 2024S1 draft and a registered model; returns what shows them."""
    note, shortcoming, model = (f"{what} riêng của đơn vị {letter}" for what in ("Ghi chú", "Hạn chế", "Mô hình"))
    submission_import(
        unit=unit, period=periods["2024Q1"], figures={targets["MT1"]: Figures(3, 4, note)}, actor=reviewer
    )
    submission_save(
        user=officer,
        unit=unit,
        period=periods["2024S1"],
        version=None,
        content=Content(figures={targets["MT1"]: Figures(1, 2)}, shortcomings=shortcoming),
        submit=False,
    )
    exemplary_model_register(
        user=reviewer, unit=unit, year=2024, name=model, field="forest", registered_on=datetime.date(2024, 2, 1)
    )
    return [unit.name, unit.code, note, shortcoming, model]


def _elsewhere(province: Unit) -> dict:
    """Another district of the province, with a commune and its own programme, and the commune's report."""
    area = UnitFactory(code="KHAC", name="Huyện Nơi Khác", kind=UnitKind.objects.get(code="district"), parent=province)
    commune = UnitFactory(
        code="KHAC-01", name="Xã Riêng Nơi Khác", kind=UnitKind.objects.get(code="commune"), parent=area
    )
    programme = ProgrammeFactory(code="khac-2024", area=area, title="Chương trình công tác dân vận năm 2024 nơi khác")
    period = PeriodFactory(programme=programme, code="2024Q1", kind__code="quarter", end=datetime.date(2024, 3, 31))
    target = TargetFactory(programme=programme, code="MT1", applies_to=[commune.kind])
    note = "Ghi chú riêng của huyện khác"
    submission_import(unit=commune, period=period, figures={target: Figures(1, 2, note)}, actor_label="test")
    return {
        "area": area,
        "args": {
            "programme_code": programme.code,
            "unit_code": commune.code,
            "period_id": period.id,
            "target_id": target.id,
        },
        "shows": [commune.name, commune.code, note],
    }


def _filled_template(unit: Unit, period: Period) -> bytes:
    workbook = load_workbook(io.BytesIO(build_template(report_sheet(unit, period))))
    sheet = workbook[SHEET_TITLE]
    row = next(cell.row for cell in sheet["A"] if cell.value == "MT1")
    sheet[f"D{row}"], sheet[f"F{row}"] = 7, 9
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _build_world() -> World:
    call_command("loaddata", "units_phong_tho", "programme_2024", "milestones_2024", verbosity=0)
    as_in_2024()  # its officers write their reports (a closed unit's: tests/test_closed_units.py)
    totals_refresh()  # what ``verify_totals`` does after ``loaddata``
    unit_a, unit_b = Unit.objects.get(code="03549"), Unit.objects.get(code="03490")
    periods = {p.code: p for p in Period.objects.select_related("programme__area")}
    targets = {t.code: t for t in Target.objects.all()}
    users = {
        "officer_a": make_user("canbo_a", Role.OFFICER, unit=unit_a, password=PASSWORD),
        "officer_b": make_user("canbo_b", Role.OFFICER, unit=unit_b, password=PASSWORD),
        "reviewer": make_user("thamdinh", Role.REVIEWER, unit=unit_a.parent, password=PASSWORD),
        "leader": make_user("lanhdao", Role.LEADER, unit=unit_a.parent, password=PASSWORD),
        "administrator": make_user("quantri", Role.ADMINISTRATOR, password=PASSWORD),
    }
    admin = users["administrator"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    data = {"periods": periods, "targets": targets, "reviewer": users["reviewer"]}
    shows_a = _unit_data(unit=unit_a, letter="A", officer=users["officer_a"], **data)
    shows_b = _unit_data(unit=unit_b, letter="B", officer=users["officer_b"], **data)
    elsewhere = _elsewhere(unit_a.parent.parent)
    users |= {
        "reviewer_b": make_user("thamdinh_khac", Role.REVIEWER, unit=elsewhere["area"], password=PASSWORD),
        "leader_b": make_user("lanhdao_khac", Role.LEADER, unit=elsewhere["area"], password=PASSWORD),
    }
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(
        users=users,
        unit_a=unit_a,
        unit_b=unit_b,
        periods=periods,
        target=targets["MT1"],
        model_a=ExemplaryModel.objects.get(unit=unit_a),
        event_a=SubmissionEvent.objects.get(submission__unit=unit_a, submission__period=periods["2024S1"]),
        template_a=_filled_template(unit_a, periods["2024S1"]),
        download=PreparedDownload.objects.create(
            owner=users["reviewer"],
            kind=PreparedDownload.Kind.MATRIX,
            period=periods["2024Q1"],
            state=PreparedDownload.State.DONE,
            filename="ma-tran-2024Q1.xlsx",
            content=b"PK",
        ),
        notification_a=Notification.objects.create(
            recipient=users["officer_a"],
            kind=Kind.APPROVED,
            text="Báo cáo đã được duyệt.",
            link=reverse("report", args=[periods["2024Q1"].id, unit_a.code]),
        ),
        record_a=MilestoneRecord.objects.create(
            milestone=Milestone.objects.get(code="KH-2024"),
            unit=unit_a,
            done_on=datetime.date(2024, 2, 1),
            document_number="05-KH/ĐU",
            attachment=ContentFile(b"%PDF-1.4\n", name="ke-hoach.pdf"),
            attachment_name="Kế hoạch riêng của đơn vị A.pdf",
            recorded_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
        ),
        signed_a=SignedDocument.objects.create(
            submission=Submission.objects.get(unit=unit_a, period=periods["2024Q1"]),
            file=ContentFile(b"%PDF-1.4\n", name="bao-cao-da-ky.pdf"),
            file_name="Báo cáo đã ký của đơn vị A.pdf",
            number="07-BC/ĐU",
            signed_on=datetime.date(2024, 3, 20),
            signer="Bí thư Đảng ủy A",
            uploaded_by=users["officer_a"],
        ),
        issued_q1=PeriodReportEvent.objects.create(
            report=PeriodReport.objects.create(
                period=periods["2024Q1"], status=PeriodReport.Status.COMPLETE, version=3
            ),
            actor=users["reviewer"],
            action=PeriodReportEvent.Action.COMPLETED,
            document=b"PK\x03\x04 the Ban's 2024Q1 report",
        ),
        signed_q1=SignedPeriodReport.objects.create(
            report=PeriodReport.objects.get(period=periods["2024Q1"]),
            file=ContentFile(b"%PDF-1.4\n", name="ban-da-ky.pdf"),
            file_name="Báo cáo quý I đã ký.pdf",
            number="10-BC/BDVHU",
            signed_on=datetime.date(2024, 3, 28),
            signer="Trưởng ban",
            uploaded_by=users["reviewer"],
        ),
        secrets={
            "officer_a": shows_b,
            "officer_b": shows_a,
            "reviewer_b": shows_a + shows_b,
            "leader_b": shows_a + shows_b,
            "reviewer": elsewhere["shows"],
            "leader": elsewhere["shows"],
        },
        elsewhere=elsewhere,
        sessions=sessions,
    )


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db):
    """The module's world, in this test's own savepoint."""
    return module_world


# --- requests --------------------------------------------------------------------------------------------------


def url_args(name: str, world: World, period: str = "") -> dict:
    period = period or ("2024S1" if name in OPEN_DRAFT_PAGES else "2024Q1")
    values = {
        "period_id": world.periods[period].id,
        "unit_code": world.unit_a.code,
        "target_id": world.target.id,
        "fmt": "csv",
        "pk": world.model_a.pk,
        "event_id": world.event_a.pk,
        "kind": world.download.kind,
        "download_id": world.download.pk,
        "notification_id": world.notification_a.pk,
        "record_id": world.record_a.pk,
        "document_id": world.signed_a.pk,
        "issued_id": world.issued_q1.pk,
        "signed_id": world.signed_q1.pk,
        "programme_code": world.periods[period].programme.code,
        "rest": "tong-quan/",
    }
    wanted = set(PATTERNS[name].pattern.converters)
    assert wanted <= set(values), f"no test value for {wanted - set(values)} of {name}"
    return {key: values[key] for key in wanted}


def post_data(name: str, world: World, args: dict) -> dict:
    """What a form of that page would send; accepted, it changes the world (or signs in)."""
    unit = world.unit_a
    submission = Submission.objects.filter(unit=unit, period_id=args.get("period_id")).first()
    match name:
        case "login":
            return {"username": "canbo_a", "password": PASSWORD}
        case "report" if submission:
            return {"version": submission.version, "action": "save", "num_MT1": "5", "den_MT1": "9"}
        case "report_upload":
            return {"file": SimpleUploadedFile("bao-cao.xlsx", world.template_a)}
        case "bulk_upload":
            csv = f"unit,period,target,numerator,denominator\n{unit.code},2024Q1,MT2,5,6\n"
            return {"file": SimpleUploadedFile("so-lieu.csv", csv.encode())}
        case "review" if submission:
            return {"action": "approve", "version": submission.version, "comment": ""}
        case "register":
            return {"name": "Mô hình mới đăng ký", "field": "culture"}
        case "email_choices":
            return {"email": "nguoidung@example.vn", "kinds": [Kind.REMINDER]}
        case "urge":
            return {"ky": world.periods["2024Q1"].id, "tat_ca": "1", "loi_nhan": "Đề nghị nộp ngay."}
        case "unit_milestones":
            return {"moc": Milestone.objects.get(code="DH-MTTQ-XA").pk, "done_on": "2024-05-01"}
        case "milestone_review":
            return {"action": "confirm"}
        case "period_report":
            return {"version": "", "action": "save", "people": "Nhân dân phấn khởi."}
        case "period_report_signed":
            pdf = SimpleUploadedFile("ban-da-ky.pdf", b"%PDF-1.7\n")
            return {"number": "12-BC/BDVHU", "signed_on": "2024-03-30", "signer": "Trưởng ban", "file": pdf}
        case "period_report_reopen":
            return {"version": world.issued_q1.report.version, "reason": "Sửa số liệu."}
        case "signed_documents":
            pdf = SimpleUploadedFile("da-ky.pdf", b"%PDF-1.7\n")
            return {"number": "09-BC/ĐU", "signed_on": "2024-03-25", "signer": "Phó Bí thư", "file": pdf}
        case "model_recognise":
            prefix = f"m{world.model_a.pk}"
            return {f"{prefix}-recognised_on": "2024-05-10", f"{prefix}-recognition_level": "district"}
    return {}


def signed_in(role: str, world: World, client: Client | None = None) -> Client:
    client = client or Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def expected_location(answer: Answer, url: str, args: dict, role: str, world: World) -> str:
    if answer.to == "login?next":
        return redirect_to_login(url)["Location"]
    if answer.to == "own":
        return programme_reverse(
            "unit_dashboard",
            kwargs={"unit_code": world.users[role].unit.code},
            programme=world.periods["2024Q1"].programme,
        )
    target = PATTERNS[answer.to].pattern.converters
    return reverse(answer.to, kwargs={key: value for key, value in args.items() if key in target})


def snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", *fields))
        for model, fields in SNAPSHOT.items()
    }


def assert_nothing_of_the_other_unit(response, role: str, world: World) -> None:
    """An officer never sees the other unit's name, code, figures, texts or models, nor is sent to its pages."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in world.secrets.get(role, []):
        assert secret.encode() not in body, secret
        # the page sent to (an old address keeps the query the user typed, which says nothing new)
        assert secret not in urlsplit(response.get("Location", "")).path, secret


def request(client: Client, method: str, name: str, world: World, args: dict, query: str = ""):
    url = reverse(name, kwargs=args)
    if method == "GET":
        return client.get(f"{url}{query}")
    return client.post(url, post_data(name, world, args))


def assert_answer(response, answer: Answer, name: str, role: str, world: World, args: dict) -> None:
    assert response.status_code == answer.status, (response.status_code, response.get("Location"))
    if answer.status in (403, 404):
        assert_error_page(response, answer.status)
    if answer.status == 302:
        location = response["Location"].split("#")[0]  # the anchor only scrolls to the recognised model
        if answer.to in PATTERNS and not set(PATTERNS[answer.to].pattern.converters) <= set(args):
            # a page of what the POST made, or of the newest programme (its query kept)
            assert resolve(urlsplit(location).path).url_name == answer.to, location
            return
        assert location == expected_location(answer, reverse(name, kwargs=args), args, role, world)


# --- the matrix ------------------------------------------------------------------------------------------------


def test_every_url_has_an_expected_answer():
    assert all(pattern.name for pattern in app_patterns()), "every URL of the app needs a name"
    assert len(PATTERNS) == len(list(app_patterns())), "two URLs share a name"
    assert set(EXPECTED["GET"]) == set(URL_NAMES)
    assert set(EXPECTED["POST"]) == set(URL_NAMES)


def test_no_officer_is_granted_another_units_data_or_the_district_exports():
    for name, _ in UNIT_A_URLS:
        for method in ("GET", "POST"):
            assert EXPECTED[method][name]["officer_b"].refused, (method, name)
    for name in EXPORTS:
        for officer in OFFICERS:
            assert EXPECTED["GET"][name][officer].status == 403, (name, officer)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_access(world, role, name, method):
    answer = EXPECTED[method].get(name, {}).get(role)
    assert answer, f"no expected answer to {method} {name}"
    args = url_args(name, world)
    before = snapshot()
    response = request(signed_in(role, world), method, name, world, args)
    assert_answer(response, answer, name, role, world, args)
    assert (snapshot() != before) == answer.changes
    assert_nothing_of_the_other_unit(response, role, world)
    if name in SAME_FOR_EVERYONE:
        assert "no-store" not in response.get("Cache-Control", "")
    elif role != "anonymous":
        assert "no-store" in response.get("Cache-Control", ""), "a signed-in answer may be kept by the browser"


# --- officer B and unit A --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("name", "period"), UNIT_A_URLS)
def test_officer_b_never_reaches_unit_a(world, name, period, method):
    """Refused, shown nothing of unit A, and answered as for a unit or a model that does not exist."""
    args = url_args(name, world, period)
    client = signed_in("officer_b", world)
    before = snapshot()
    response = request(client, method, name, world, args)
    assert response.status_code in REFUSED, response.status_code
    assert snapshot() == before
    assert_nothing_of_the_other_unit(response, "officer_b", world)
    nowhere = args | {
        key: value for key, value in {"unit_code": "99999", "pk": 999999, "event_id": 999999}.items() if key in args
    }
    assert request(client, method, name, world, nowhere).status_code == response.status_code


def test_unit_a_template_is_refused_by_unit_b_upload(world):
    """The whole file is refused; its message names the unit the file itself says it is for."""
    args = {"period_id": world.periods["2024S1"].id, "unit_code": world.unit_b.code}
    before = snapshot()
    response = signed_in("officer_b", world).post(
        reverse("report_upload", kwargs=args), {"file": SimpleUploadedFile("bao-cao.xlsx", world.template_a)}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_an_officer_registers_models_for_the_own_unit_only(world):
    other_unit = {"unit": world.unit_a.pk, "unit_code": world.unit_a.code, "don_vi": world.unit_a.code}
    response = signed_in("officer_b", world).post(reverse("register"), post_data("register", world, {}) | other_unit)
    assert response.status_code == 302
    assert ExemplaryModel.objects.get(name="Mô hình mới đăng ký").unit == world.unit_b


@pytest.mark.parametrize("name", DISTRICT_WIDE)
def test_a_query_naming_unit_a_gets_officer_b_nothing_more(world, name):
    args = url_args(name, world)
    a, q1 = world.unit_a, world.periods["2024Q1"]
    query = f"?ky={q1.id}&chi_duyet=1&don_vi={a.code}&cap_tren={a.code}&loai=commune&so=12-BC%2FDV&trang=1"
    response = request(signed_in("officer_b", world), "GET", name, world, args, query)
    assert_answer(response, EXPECTED["GET"][name]["officer_b"], name, "officer_b", world, args)
    assert_nothing_of_the_other_unit(response, "officer_b", world)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(name, fmt) for name in EXPORTS if name not in ("official_report", "export_texts") for fmt in ("csv", "xlsx")]
    + [("official_report", "docx"), ("export_texts", "csv")],
)
def test_officers_are_refused_the_district_exports(world, name, fmt):
    args = url_args(name, world) | ({"fmt": fmt} if name not in ("official_report", "export_texts") else {})
    query = f"?ky={world.periods['2024Q1'].id}&chi_duyet=0&don_vi={world.unit_a.code}&so=12-BC%2FDV"
    url = reverse(name, kwargs=args) + query
    for officer in OFFICERS:
        response = signed_in(officer, world).get(url)
        assert response.status_code == 403
        assert_nothing_of_the_other_unit(response, officer, world)
    client = signed_in("reviewer", world)
    district = fetched(client, client.get(url))  # an XLSX made in the background: asked for, made, taken
    assert district.status_code == 200
    assert district["Content-Disposition"].endswith(f'.{fmt}"')


@pytest.mark.parametrize("officer", OFFICERS)
def test_the_district_sees_what_an_officer_must_not(world, officer):
    """The check for the other unit's data finds all of it on the district's pages: its silence means something."""
    other = world.unit_b if officer == "officer_a" else world.unit_a
    urls = [
        reverse("review", kwargs={"period_id": world.periods[code].id, "unit_code": other.code})
        for code in ("2024Q1", "2024S1")
    ]
    urls += [
        reverse("register"),
        programme_reverse("export_values", kwargs={"fmt": "csv"}, programme=world.periods["2024Q1"].programme)
        + f"?ky={world.periods['2024Q1'].id}",
    ]
    shown = b""
    for url in urls:
        response = signed_in("reviewer", world).get(url)
        assert response.status_code == 200
        shown += b"".join(response.streaming_content) if response.streaming else response.content
    assert [secret for secret in world.secrets[officer] if secret.encode() not in shown] == []


# --- reviewers and leaders of another area ---------------------------------------------------------------------

OUTSIDERS = ["reviewer_b", "leader_b"]
AREA_OBJECTS = {"programme_code", "unit_code", "period_id", "target_id", "pk", "event_id", "record_id"}
AREA_A_URLS = [name for name in URL_NAMES if AREA_OBJECTS & set(PATTERNS[name].pattern.converters)]
# the URLs whose objects the other district has too (a programme, a unit, a period, a target)
ELSEWHERE_URLS = [
    name
    for name in AREA_A_URLS
    if set(PATTERNS[name].pattern.converters)
    <= {"programme_code", "unit_code", "period_id", "target_id", "fmt", "kind"}
]


def refused_outside(method: str, name: str, role: str) -> set[int]:
    """A unit or a programme outside the user's is a 404; a method the page never takes, or an action the role
    may take nowhere (``role``'s answer in its own area), is refused first, before anything is looked up."""
    first = {405} if EXPECTED["GET"][name]["reviewer"].status == 405 else set()
    if method == "POST":
        first |= {405}
    if EXPECTED[method][name][role].status == 403:
        first |= {403}
    return first | {404}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", AREA_A_URLS)
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_another_areas_reviewer_and_leader_never_reach_this_area(world, outsider, name, method):
    args = url_args(name, world)
    before = snapshot()
    response = request(signed_in(outsider, world), method, name, world, args)
    refused = refused_outside(method, name, outsider.removesuffix("_b"))
    assert response.status_code in refused, (response.status_code, response.get("Location"))
    assert snapshot() == before
    assert_nothing_of_the_other_unit(response, outsider, world)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", ELSEWHERE_URLS)
@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_this_areas_reviewer_and_leader_never_reach_another_area(world, role, name, method):
    args = url_args(name, world) | {k: v for k, v in world.elsewhere["args"].items() if k in url_args(name, world)}
    before = snapshot()
    response = request(signed_in(role, world), method, name, world, args)
    refused = refused_outside(method, name, role)
    assert response.status_code in refused, (response.status_code, response.get("Location"))
    assert snapshot() == before
    assert_nothing_of_the_other_unit(response, role, world)


@pytest.mark.parametrize("name", ELSEWHERE_URLS)
@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_each_areas_reviewer_and_leader_see_their_own_alike(world, role, name):
    """The other district's reviewer (leader) gets on its own programme what this one's gets on this one's."""
    own = request(signed_in(role, world), "GET", name, world, url_args(name, world))
    args = url_args(name, world) | {k: v for k, v in world.elsewhere["args"].items() if k in url_args(name, world)}
    theirs = request(signed_in(f"{role}_b", world), "GET", name, world, args)
    assert theirs.status_code == own.status_code != 404


# --- CSRF ------------------------------------------------------------------------------------------------------

CSRF_CASES = [(name, role) for name, answers in EXPECTED["POST"].items() for role in ROLES if not answers[role].refused]


@pytest.mark.parametrize(("name", "role"), CSRF_CASES)
def test_a_post_without_csrf_token_is_refused(world, name, role):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # as a browser: the login page sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    signed_in(role, world, client)
    args = url_args(name, world)
    url = reverse(name, kwargs=args)
    before = snapshot()
    assert client.post(url, post_data(name, world, args)).status_code == 403
    assert snapshot() == before
    response = client.post(url, post_data(name, world, args) | {"csrfmiddlewaretoken": token})
    answer = EXPECTED["POST"][name][role]
    assert_answer(response, answer, name, role, world, args)
    assert (snapshot() != before) == answer.changes
