"""The admin's "Lịch sử" page of a programme, target, period or unit: every saved change, old → new, and who
made it; a refused change, and rows loaded by ``loaddata`` or written in bulk, leave nothing there."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils.html import escape

from programme.history import STORED_BEFORE
from programme.models import Period, Programme, Target, Unit
from reporting.services import submission_approve, submission_import
from reporting.totals import totals_refresh
from tests.test_approved_frozen import admin_save, typed_figures


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def history_page(client, obj) -> str:
    response = client.get(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.text


def test_a_threshold_change_is_recorded_with_old_and_new_values_and_who_made_it(admin_client, administrator, phong_tho):
    target = Target.objects.get(programme=phong_tho, code="MT6")
    assert not target.history.exists()  # loaded by the fixtures: nothing was changed yet
    assert admin_save(admin_client, target, threshold="95").status_code == 302

    change, stored = target.history.all()  # newest first: the change, and the version stored before it
    assert (stored.history_user, stored.history_change_reason) == (None, STORED_BEFORE)
    assert (change.history_type, change.history_user) == ("~", administrator)
    delta = change.diff_against(change.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("threshold", target.threshold, Decimal("95.00"))]

    page = history_page(admin_client, target)
    assert "Lịch sử thay đổi: " in page and "Thay đổi (cũ → mới)" in page and STORED_BEFORE in page
    assert f"Ngưỡng (%):</strong> {target.threshold} → 95.00" in page
    assert administrator.get_username() in page


def test_a_change_of_a_choice_is_shown_by_its_name(admin_client, phong_tho):
    target = Target.objects.get(programme=phong_tho, code="MT6")
    old = target.get_operator_display()
    assert admin_save(admin_client, target, threshold="95").status_code == 302
    new_operator = next(value for value, _ in Target.Operator.choices if value != target.operator)
    assert admin_save(admin_client, target, operator=new_operator).status_code == 302
    assert escape(f"{old} → {Target.Operator(new_operator).label}") in history_page(admin_client, target)


def test_a_refused_change_is_not_recorded(admin_client, phong_tho, commune, reviewer):
    s1 = Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024S1")
    report = submission_import(unit=commune, period=s1, figures=typed_figures(commune, s1), actor_label="Tệp")
    submission_approve(user=reviewer, submission=report, version=report.version)
    target = Target.objects.get(programme=phong_tho, code="MT6")
    response = admin_save(admin_client, target, threshold="95")
    assert response.status_code == 200 and "Không lưu được" in response.text
    assert not target.history.exists()
    assert "Chưa có thay đổi nào được ghi lại" in history_page(admin_client, target)


def test_programme_period_and_unit_changes_are_recorded(admin_client, administrator, phong_tho, commune):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    assert admin_save(admin_client, q1, name="Quý 1 năm 2024", short_name="Q.1").status_code == 302
    assert admin_save(admin_client, phong_tho, signer_name="Lò Văn A").status_code == 302
    assert admin_save(admin_client, commune, name="Thị trấn Phong Thổ (mới)").status_code == 302
    for obj, shown in (
        (q1, ["Quý I năm 2024 → Quý 1 năm 2024", "Q1 → Q.1"]),
        (phong_tho, ["Lò Văn A"]),
        (commune, ["Thị trấn Phong Thổ → Thị trấn Phong Thổ (mới)"]),
    ):
        assert type(obj).history.filter(id=obj.pk, history_user=administrator).exists()
        page = history_page(admin_client, obj)
        assert all(text in page for text in shown), (obj, shown)


def test_loading_fixtures_and_bulk_writes_record_nothing(db):
    for _ in range(2):  # into an empty database, then over itself
        call_command("loaddata", "units_phong_tho", "programme_2024", verbosity=0)
    Unit.objects.bulk_create([Unit(code="T-1", name="Xã Thử", kind=Unit.objects.get(code="03549").kind)])
    assert Target.objects.exists()
    for model in (Programme, Target, Period, Unit):
        assert not model.history.exists(), model
    assert not apps.get_model("programme", "HistoricalTarget_applies_to").objects.exists()
    totals_refresh()  # what ``verify_totals`` does after ``loaddata``


def test_a_change_of_the_unit_kinds_a_target_applies_to_is_recorded(admin_client, phong_tho):
    target = Target.objects.annotate(kinds=Count("applies_to")).filter(programme=phong_tho, kinds__gt=1).first()
    kinds = list(target.applies_to.all())
    kept = [str(kind.pk) for kind in kinds[1:]]
    assert admin_save(admin_client, target, applies_to=kept).status_code == 302
    latest = target.history.latest()
    (change,) = latest.diff_against(latest.prev_record).changes
    assert change.field == "applies_to" and len(change.old) == len(kinds) and len(change.new) == len(kinds) - 1
    assert "Áp dụng cho:" in history_page(admin_client, target)
