"""The orders users see of reports, their values, their history and the register: each page, document and
admin list gives its own, so that no read in bulk has to join and sort for an order nobody sees.

Rows are written in an order other than the one shown, so that an order lost would show the order of writing.
On the shipped fixtures "03549" (Thị trấn Phong Thổ) comes before "03391" (Xã Lả Nhì Thàng).
"""

import datetime
import re

import pytest
from django.urls import reverse

from programme.models import ExemplaryModel, Period, Target, Unit
from reporting.models import Submission, SubmissionEvent
from reporting.services import submission_approve, submission_import, submission_reopen
from tests.factories import total_figures
from tests.test_official_report import file_report, read
from tests.test_register import register_model
from tests.test_review import review_url, submitted_by_officer

EVENT_HEAD = re.compile(r'<p class="event-head"><strong>([^<]*)</strong>')
REVIEW_ROW = re.compile(r'<th scope="row">(MT\w+) <span class="muted">')


@pytest.fixture
def other_unit(phong_tho):
    return Unit.objects.get(code="03391")


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def test_a_report_lists_its_targets_in_the_programme_order_in_its_docx_and_on_the_review_page(
    client, reviewer, officer, commune, period_2024, targets
):
    report = file_report(officer, commune, period_2024, texts={})
    Target.objects.filter(pk=targets["MT8"].pk).update(order=0)  # after its value was written, last
    shown = ["MT8", *(code for code in targets if code != "MT8")]
    assert list(report.values.values_list("target__code", flat=True).order_by("pk"))[-1] == "MT8"
    client.force_login(reviewer)
    assert REVIEW_ROW.findall(client.get(review_url(report)).text) == shown
    document = read(client.get(reverse("unit_report_docx", args=[period_2024.id, commune.code])).content)
    assert [row.cells[0].text.split(".")[0] for row in document.tables[1].rows[1:]] == shown


def test_the_history_lists_the_steps_oldest_first(client, officer, reviewer, commune, period_2024):
    report = submitted_by_officer(officer, commune, period_2024)
    report = submission_approve(user=reviewer, submission=report, version=report.version)
    submission_reopen(user=reviewer, submission=report, version=report.version, reason="Sửa MT6")
    steps = ["Nộp báo cáo", "Duyệt", "Mở lại"]
    client.force_login(officer)
    history = reverse("report_history", args=[period_2024.id, commune.code])
    assert EVENT_HEAD.findall(client.get(history).text) == steps
    client.force_login(reviewer)
    assert EVENT_HEAD.findall(client.get(review_url(report)).text) == steps


def test_the_register_lists_models_by_unit_then_date_and_a_unit_its_own_newest_first(
    client, officer, reviewer, commune, other_unit
):
    register_in_another_order(reviewer, commune, other_unit, prefix="Mô hình ")
    client.force_login(reviewer)
    assert names_in(client.get(reverse("register")).text) == [
        "Mô hình tháng Ba",
        "Mô hình tháng Tư",
        "Mô hình tháng Năm",
        "Mô hình Lả Nhì Thàng",
    ]
    client.force_login(officer)
    assert names_in(client.get(reverse("register")).text) == [
        "Mô hình tháng Năm",
        "Mô hình tháng Tư",
        "Mô hình tháng Ba",
    ]


def register_in_another_order(reviewer, commune, other_unit, *, prefix: str) -> None:
    register_model(reviewer, other_unit, name=f"{prefix}Lả Nhì Thàng")
    for month, name in ((3, "tháng Ba"), (5, "tháng Năm"), (4, "tháng Tư")):
        register_model(reviewer, commune, name=f"{prefix}{name}", registered_on=datetime.date(2024, month, 1))


def names_in(page: str) -> list[str]:
    return [name.strip() for name in re.findall(r'<th scope="row">(Mô hình [^<]*)', page)]


# --- the admin ----------------------------------------------------------------------------------------------


def admin_list(client, model) -> list:
    response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_admin_lists_reports_and_their_history_by_period_then_unit(
    client, administrator, commune, other_unit, period_2024, q1, targets
):
    written = [(commune, q1), (other_unit, period_2024), (other_unit, q1), (commune, period_2024)]
    for unit, period in written:
        submission_import(
            unit=unit, period=period, figures={targets["MT1"]: total_figures(targets["MT1"], 1, 2)}, actor_label="Tệp"
        )
    shown = [(commune, q1), (other_unit, q1), (commune, period_2024), (other_unit, period_2024)]
    client.force_login(administrator)
    assert [(s.unit, s.period) for s in admin_list(client, Submission)] == shown
    assert [(e.submission.unit, e.submission.period) for e in admin_list(client, SubmissionEvent)] == shown


def test_the_admin_shows_a_report_values_in_the_programme_order(client, administrator, commune, period_2024, targets):
    figures = {targets[code]: total_figures(targets[code], 1, 2) for code in ("MT1", "MT6", "MT8")}
    report = submission_import(unit=commune, period=period_2024, figures=figures, actor_label="Tệp")
    Target.objects.filter(pk=targets["MT8"].pk).update(order=0)
    client.force_login(administrator)
    response = client.get(reverse("admin:reporting_submission_change", args=[report.pk]))
    inline = next(
        formset for formset in response.context["inline_admin_formsets"] if formset.opts.model.__name__ == "Value"
    )
    assert [form.original.target.code for form in inline] == ["MT8", "MT1", "MT6"]


def test_the_admin_lists_the_register_by_unit_year_and_date(client, administrator, reviewer, commune, other_unit):
    register_in_another_order(reviewer, commune, other_unit, prefix="")
    client.force_login(administrator)
    names = [model.name for model in admin_list(client, ExemplaryModel)]
    assert names == ["tháng Ba", "tháng Tư", "tháng Năm", "Lả Nhì Thàng"]
