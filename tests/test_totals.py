"""The district's sums kept in ``TargetTotals`` follow every change that affects them, in its own transaction, and
``verify_totals`` finds and repairs any row that does not (``tests/conftest.py`` runs its check after every
test that used the database).

On the shipped fixtures, 03549 (Thị trấn Phong Thổ) and 03391 are communes of the district; their parent is the
district, the programme's area.
"""

import datetime
import io
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.models import Period, Target, Unit
from programme.services import exemplary_model_register
from reporting.imports import import_values
from reporting.models import ReportCounts, Submission, TargetTotals
from reporting.selectors.compliance import district_compliance
from reporting.selectors.timeliness import COUNTS_FIELDS, completeness_by_period
from reporting.services import (
    Figures,
    submission_approve,
    submission_import,
    submission_reopen,
    submission_return,
    submission_save,
)
from reporting.totals import totals_differences
from tests.factories import total_figures
from tests.faults import database_state, failing_statement, pause_after
from tests.test_approved_frozen import admin_save
from tests.test_concurrency import run_together
from tests.test_review import complete_content

FIELDS = ("numerator", "denominator", "units_reporting", "units_meeting", "units_not_applicable", "live")


@pytest.fixture
def q1(phong_tho) -> Period:
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def kept(period, target, area, *, approved_only=False) -> dict | None:
    """The sums of the figures kept for the target at the period over the area's units, as a dict; None when no
    figure counts there (the row then keeps only how many units are expected)."""
    row = TargetTotals.objects.filter(period=period, target=target, area=area, approved_only=approved_only).values(
        *FIELDS
    )
    found = row.first()
    return found if found and any(found.values()) else None


def sums(numerator, denominator, reporting=1, meeting=0, not_applicable=0, live=0) -> dict:
    return dict(zip(FIELDS, (numerator, denominator, reporting, meeting, not_applicable, live), strict=True))


def test_a_draft_keeps_nothing_and_submitting_adds_the_unit(officer, commune, q1, targets):
    content = complete_content(commune, q1, figures=(9, 10))
    draft = submission_save(user=officer, unit=commune, period=q1, version=None, content=content, submit=False)
    assert kept(q1, targets["MT1"], commune.parent) is None
    submission_save(user=officer, unit=commune, period=q1, version=draft.version, content=content, submit=True)
    assert kept(q1, targets["MT1"], commune.parent) == sums(9, 10)
    assert kept(q1, targets["MT1"], commune.parent, approved_only=True) is None


def test_approving_adds_the_approved_only_sums_and_returning_or_reopening_takes_them_out(
    reviewer, commune, q1, targets
):
    neighbour = Unit.objects.get(code="03391")
    submission_import(unit=neighbour, period=q1, figures={targets["MT1"]: Figures(4, 4)})
    report = submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    mt1, district = targets["MT1"], commune.parent
    assert kept(q1, mt1, district) == sums(5, 6, reporting=2, meeting=1)

    report = submission_approve(user=reviewer, submission=report, version=report.version)
    assert kept(q1, mt1, district, approved_only=True) == sums(1, 2)
    # MT5a, fixed at approval from the register (no model: 0 of 1), counts for the approved-only sums too.
    assert kept(q1, targets["MT5a"], district, approved_only=True) == sums(0, 1)

    report = submission_reopen(user=reviewer, submission=report, version=report.version, reason="Sửa số")
    assert kept(q1, mt1, district) == sums(4, 4, meeting=1)
    assert kept(q1, mt1, district, approved_only=True) is None
    assert kept(q1, targets["MT5a"], district, approved_only=True) is None

    again = submission_import(unit=commune, period=q1, figures={mt1: Figures(2, 2)})
    assert kept(q1, mt1, district) == sums(6, 6, reporting=2, meeting=2)
    submission_return(user=reviewer, submission=again, version=again.version, comment="Thiếu số liệu")
    assert kept(q1, mt1, district) == sums(4, 4, meeting=1)


def test_a_denominator_of_zero_counts_as_not_applicable(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(0, 0)})
    assert kept(q1, targets["MT1"], commune.parent) == sums(0, 0, reporting=0, not_applicable=1)


def test_an_import_of_many_reports_keeps_every_parent_in_one_refresh(commune, q1, targets):
    rows = (
        "unit,period,target,numerator,denominator\n03549,2024Q1,MT1,3,4\n03391,2024Q1,MT1,4,4\n109-CA,2024Q1,MT1,2,2\n"
    )
    assert Unit.objects.get(code="109-CA").parent == commune.parent
    with CaptureQueriesContext(connection) as captured:
        import_values(rows.encode(), "so-lieu.csv", actor_label="Tệp")
    assert kept(q1, targets["MT1"], commune.parent) == sums(9, 10, reporting=3, meeting=2)
    computed = [q for q in captured if 'SUM("reporting_value"."numerator")' in q["sql"]]
    assert len(computed) == 1, "the import refreshes once, at its end"


def test_an_admin_threshold_change_recounts_the_units_meeting(client, administrator, commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT6"]: total_figures(targets["MT6"], 45, 50)})  # 90%
    mt6 = Target.objects.get(pk=targets["MT6"].pk)
    meets_now = kept(q1, mt6, commune.parent)["units_meeting"]
    client.force_login(administrator)
    threshold = "95" if meets_now else "80"
    assert admin_save(client, mt6, threshold=threshold).status_code == 302
    mt6.refresh_from_db()
    assert mt6.threshold == Decimal(threshold)
    assert kept(q1, mt6, commune.parent)["units_meeting"] == 1 - meets_now


def test_an_admin_parent_change_moves_the_unit_s_figures(client, administrator, commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    district = commune.parent
    other = Unit.objects.filter(parent=district, kind__code="commune").exclude(pk=commune.pk).first()
    province = district.parent
    client.force_login(administrator)
    assert admin_save(client, commune, parent=str(other.pk)).status_code == 302
    assert kept(q1, targets["MT1"], other) == sums(1, 2)
    assert kept(q1, targets["MT1"], district) == sums(1, 2), "still under the district, a level further down"
    commune.refresh_from_db()
    assert admin_save(client, commune, parent=str(province.pk)).status_code == 302
    assert kept(q1, targets["MT1"], other) is None
    assert kept(q1, targets["MT1"], district) is None, "out of the district, its figures leave with it"
    assert kept(q1, targets["MT1"], province) is None, "the programme counts only the units under its area"


def test_an_admin_change_of_a_unit_kind_that_stops_reporting_takes_its_units_out(
    client, administrator, commune, q1, targets
):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    kind = commune.kind
    url = reverse("admin:programme_unitkind_change", args=[kind.pk])
    client.force_login(administrator)
    data = {"code": kind.code, "name": kind.name, "order": kind.order}  # "reports" unticked
    assert client.post(url, data).status_code == 302
    assert kept(q1, targets["MT1"], commune.parent) is None


def test_the_register_changes_whether_it_counts_a_fixed_figure(reviewer, commune, q1, targets):
    report = submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    submission_approve(user=reviewer, submission=report, version=report.version)
    assert kept(q1, targets["MT5a"], commune.parent) == sums(0, 1)
    exemplary_model_register(
        user=reviewer, unit=commune, year=2024, name="Mô hình", field="forest", registered_on=datetime.date(2024, 2, 1)
    )
    assert kept(q1, targets["MT5a"], commune.parent) == sums(0, 1, live=1)  # counted 1 now, fixed at 0


def test_the_overview_reads_the_kept_rows_not_the_values(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    with CaptureQueriesContext(connection) as captured:
        report = district_compliance(q1)
    assert not [q for q in captured if '"reporting_value"' in q["sql"]]
    assert dict(report.rows)[targets["MT1"]].numerator == 1


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_totals", *args, stdout=out)
    return out.getvalue()


def test_verify_totals_reports_and_repairs_a_corrupted_row(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    district = commune.parent
    assert "khớp" in verify("--check")
    mt1 = TargetTotals.objects.filter(target=targets["MT1"], period=q1, area=district, approved_only=False)
    mt1.update(numerator=7)
    TargetTotals.objects.filter(target=targets["MT6"], period=q1, area=district).delete()
    stray = mt1.get()
    stray.pk, stray.area = None, commune  # a commune has no units under it: nothing is kept for it
    stray.save()

    with pytest.raises(CommandError) as refused:
        verify("--check")
    assert refused.value.returncode != 0
    assert kept(q1, targets["MT1"], district)["numerator"] == 7, "--check repairs nothing"

    printed = verify()
    assert (
        f"phong-tho-2024 kỳ 2024Q1, chỉ tiêu MT1, địa bàn {district.code} (đã nộp và đã duyệt): tổng tử số 7 → 1"
        in printed
    )
    assert f"chỉ tiêu MT1, địa bàn {commune.code} (đã nộp và đã duyệt): tổng tử số 7 → không có" in printed
    assert f"chỉ tiêu MT6, địa bàn {district.code} (chỉ đã duyệt): số đơn vị phải báo cáo không có → " in printed
    assert kept(q1, targets["MT1"], district) == sums(1, 2)
    assert not TargetTotals.objects.filter(area=commune).exists()
    assert TargetTotals.objects.filter(target=targets["MT6"], period=q1, area=district).count() == 2
    assert totals_differences(repair=False) == []
    assert "khớp" in verify("--check")


def test_verify_totals_restores_a_missing_row(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    TargetTotals.objects.all().delete()
    assert "tổng tử số không có → 1" in verify()
    assert kept(q1, targets["MT1"], commune.parent) == sums(1, 2)


@pytest.mark.django_db(transaction=True)
def test_a_failure_mid_change_leaves_the_totals_as_they_were(reviewer, commune, q1, targets):
    report = submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    before = database_state()
    with failing_statement('INSERT INTO "reporting_submissionevent"') as failure, pytest.raises(OperationalError):
        submission_approve(user=reviewer, submission=report, version=report.version)
    assert failure.fired and failure.writes_before >= 2  # the fixed figures and the approved-only sums
    assert database_state() == before
    assert kept(q1, targets["MT1"], commune.parent, approved_only=True) is None
    assert Submission.objects.get(pk=report.pk).status == Submission.Status.SUBMITTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks between connections are a PostgreSQL matter")
@pytest.mark.django_db(transaction=True)
def test_two_reports_under_one_parent_at_once_both_count(commune, q1, targets):
    """Each import writes its values, pauses, then refreshes the parent's sums: without the lock each would
    compute them without the other's values, still uncommitted."""
    neighbour = Unit.objects.get(code="03391")

    def imported(unit, numerator):
        def action():
            with pause_after('INSERT INTO "reporting_value"', 0.5):
                return submission_import(unit=unit, period=q1, figures={targets["MT1"]: Figures(numerator, 4)})

        return action

    outcomes = run_together(imported(commune, 1), imported(neighbour, 4))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert kept(q1, targets["MT1"], commune.parent) == sums(5, 8, reporting=2, meeting=1)


@pytest.mark.django_db(transaction=True)  # SQLite alters its tables only outside a transaction
def test_the_migration_that_makes_the_sums_fills_them_from_the_values_already_there(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(3, 4)})
    call_command("migrate", "reporting", "0005", verbosity=0)
    try:
        call_command("migrate", "reporting", verbosity=0)  # an upgrade: the table is made again, empty
        assert kept(q1, targets["MT1"], commune.parent) == sums(3, 4)
        assert totals_differences(repair=False) == []
    finally:
        call_command("migrate", verbosity=0)


def test_a_migrate_that_does_not_make_the_sums_leaves_them_alone(commune, q1, targets):
    submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(3, 4)})
    TargetTotals.objects.all().delete()
    call_command("migrate", verbosity=0)  # nothing to apply
    assert not TargetTotals.objects.exists()
    call_command("verify_totals", stdout=io.StringIO())  # what the test's own check would repair


def expected(period, target, area) -> int:
    """How many units the kept row counts as expected for the target at the period under the area."""
    row = TargetTotals.objects.filter(period=period, target=target, area=area, approved_only=False).first()
    return row.units_expected if row else 0


def test_every_write_of_a_unit_keeps_the_count_of_units_expected(commune, q1, targets):
    """The areas' rows count the units expected, so a unit made, closed, moved or deleted by any path (save,
    bulk_create, a queryset's update, delete) recounts them in its own transaction; the autouse check holds
    every other row."""
    mt1, district = targets["MT1"], commune.parent
    province, before = district.parent, expected(q1, mt1, district)
    assert before > 0

    made = Unit.objects.create(code="T-1", name="Xã Thử", kind=commune.kind, parent=district, order=99)
    assert expected(q1, mt1, district) == before + 1
    Unit.objects.bulk_create([Unit(code="T-2", name="Xã Thử 2", kind=commune.kind, parent=district, order=98)])
    assert expected(q1, mt1, district) == before + 2

    # Closed on the period's last day: it no longer exists on the period's end, so it is not expected.
    Unit.objects.filter(code="T-2").update(closed_on=q1.end)
    assert expected(q1, mt1, district) == before + 1
    Unit.objects.filter(code="T-2").update(closed_on=q1.end + datetime.timedelta(days=1))
    assert expected(q1, mt1, district) == before + 2

    made.closed_on = q1.end
    made.save(update_fields=["closed_on"])
    assert expected(q1, mt1, district) == before + 1
    Unit.objects.filter(code="T-2").update(parent=province)
    assert expected(q1, mt1, district) == before, "moved out of the programme's area"
    assert expected(q1, mt1, province) == 0, "no row above the programme's area"
    Unit.objects.filter(code="T-2").update(parent=district)
    assert expected(q1, mt1, district) == before + 1
    Unit.objects.filter(code="T-2").delete()
    assert expected(q1, mt1, district) == before


def tally(period, area, kind=None) -> dict:
    """Who has reported the period under the area (of one kind), from the kept counts."""
    rows = ReportCounts.objects.filter(period=period, area=area)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return {name: sum(getattr(row, name) for row in rows) for name in COUNTS_FIELDS}


def test_the_kept_counts_follow_a_report_through_submission_review_and_return(officer, reviewer, commune, q1, targets):
    district = commune.parent
    before = tally(q1, district)
    assert before["expected"] > 0
    content = complete_content(commune, q1, figures=(9, 10))
    draft = submission_save(user=officer, unit=commune, period=q1, version=None, content=content, submit=False)
    assert tally(q1, district) == before, "a draft is not reported"
    report = submission_save(user=officer, unit=commune, period=q1, version=draft.version, content=content, submit=True)
    late = "late" if report.is_late else "on_time"
    assert tally(q1, district, commune.kind)[late] == 1
    assert tally(q1, district)[late] == before[late] + 1
    report = submission_return(user=reviewer, submission=report, version=report.version, comment="Thiếu")
    assert tally(q1, district)[late] == before[late] and tally(q1, district)["returned"] == before["returned"] + 1
    report = submission_save(
        user=officer, unit=commune, period=q1, version=report.version, content=content, submit=True
    )
    submission_approve(user=reviewer, submission=report, version=report.version)
    assert tally(q1, district)["approved"] == before["approved"] + 1
    assert tally(q1, district)["returned"] == before["returned"]
    assert completeness_by_period([q1], district.pk)[0].approved == before["approved"] + 1


def test_verify_totals_prints_the_first_differences_and_counts_the_rest(commune, q1, targets):
    TargetTotals.objects.all().delete()  # as after loaddata: every row is missing
    missing = len(totals_differences(repair=False))
    assert missing > 50
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_totals", "--check", stdout=out)
    printed = out.getvalue().splitlines()
    assert len(printed) == 51 and printed[-1] == f"… và {missing - 50} sai lệch khác (in hết với -v 2)."
    assert len(verify("-v", "2").splitlines()) == missing + 1  # and the line saying they were repaired


@pytest.mark.skipif(connection.vendor != "postgresql", reason="locks between connections are a PostgreSQL matter")
@pytest.mark.django_db(transaction=True)
def test_a_review_and_a_change_elsewhere_at_once_both_succeed(reviewer, commune, q1, targets):
    """A review locks its report's row, pauses, then refreshes the sums; meanwhile a change in another unit
    refreshes them, writing rows that refer to the period. Had the review locked the period's row with its
    report's, the change would wait for it while holding the area's lock the review waits for: a deadlock."""
    report = submission_import(unit=commune, period=q1, figures={targets["MT1"]: Figures(1, 2)})
    elsewhere = Unit.objects.get(code="03391")

    def approve():
        with pause_after("FOR UPDATE", 0.5):
            return submission_approve(user=reviewer, submission=report, version=report.version)

    def change():
        time.sleep(0.1)  # after the review's lock
        return submission_import(unit=elsewhere, period=q1, figures={targets["MT1"]: Figures(3, 4)})

    outcomes = run_together(approve, change)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert kept(q1, targets["MT1"], commune.parent) == sums(4, 6, reporting=2, meeting=0)


def test_a_programme_counts_the_units_under_its_area_and_keeps_no_row_above_it(commune, q1, targets):
    """A reporting unit of another district exists in 2024 but is not the programme's: it is neither expected nor
    counted, and no row is kept for its district or for the province above the programme's area. Moving the
    programme's area to the province takes it in, and every row follows."""
    mt1, district = targets["MT1"], commune.parent
    province, before = district.parent, expected(q1, mt1, district)
    elsewhere = Unit.objects.create(code="T-9", name="Huyện Khác", kind=district.kind, parent=province, order=90)
    stranger = Unit.objects.create(code="T-10", name="Xã Khác", kind=commune.kind, parent=elsewhere, order=1)
    submission_import(unit=stranger, period=q1, figures={mt1: Figures(1, 1)})
    assert expected(q1, mt1, district) == before
    assert not TargetTotals.objects.filter(period=q1, area__in=[elsewhere, province]).exists()
    assert not ReportCounts.objects.filter(period=q1, area__in=[elsewhere, province]).exists()
    assert not totals_differences(repair=False), "the rule counts nothing outside the area either"

    programme = q1.programme
    programme.area = province
    programme.save()
    assert expected(q1, mt1, elsewhere) == 1 and kept(q1, mt1, elsewhere) == sums(1, 1, meeting=1)
    assert expected(q1, mt1, province) == before + 1
    assert tally(q1, province)["expected"] == tally(q1, district)["expected"] + tally(q1, elsewhere)["expected"]
