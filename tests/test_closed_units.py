"""A unit closed by the reform keeps its history, read-only: its officer still signs in and reads every report
the unit made, on the same pages, and can no longer write anything for it (report, file, model, milestone,
signed document). The refusal is the server's, on every URL, and changes nothing; the pages say why."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from milestones.models import Milestone, MilestoneRecord
from programme.models import ExemplaryModel, Period
from reporting.models import Narrative, SignedDocument, Submission, SubmissionEvent, Value
from reporting.services import submission_import
from tests.addresses import programme_reverse
from tests.factories import close_as_shipped
from tests.test_report_form import complete_post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Submission, Value, Narrative, SubmissionEvent, ExemplaryModel, MilestoneRecord, SignedDocument)
    ]


@pytest.fixture
def history(client, officer, commune, phong_tho):
    """The town's 2024: a draft of the first half-year typed by its officer, the first quarter's report filed;
    then the reform closes the town."""
    periods = {p.code: p for p in Period.objects.filter(programme=phong_tho)}
    client.force_login(officer)
    draft = complete_post(action="save", num_MT1="7")
    assert client.post(reverse("report", args=[periods["2024S1"].id, commune.code]), draft).status_code == 302
    submission_import(unit=commune, period=periods["2024Q1"], figures={})
    close_as_shipped()
    return periods


def test_the_officer_reads_the_closed_units_reports_and_is_told_why_nothing_can_be_changed(client, commune, history):
    home = client.get(reverse("home")).text
    assert 'id="closed-unit"' in home and "đã thôi hoạt động từ ngày 01/07/2025" in home
    assert "không ghi thêm hay sửa được nữa" in home
    assert "Không nộp (đơn vị đã thôi hoạt động)" in home and "Quá hạn" not in home  # never filed, not late still
    for code in ("2024S1", "2024Q1"):
        page = client.get(reverse("report", args=[history[code].id, commune.code]))
        assert page.status_code == 200
        assert 'id="closed-unit"' in page.text
        assert page.context["editable"] is False and page.context["closed"], code
        assert 'id="report-form"' not in page.text and 'name="action"' not in page.text, code
    draft = client.get(reverse("report", args=[history["2024S1"].id, commune.code]))
    assert draft.context["sheet"].submission.status == Submission.Status.DRAFT  # kept as it was typed
    board = client.get(programme_reverse("unit_dashboard", args=[commune.code])).text
    assert reverse("report", args=[history["2024Q1"].id, commune.code]) in board  # its own page, not the Ban's
    milestones = client.get(programme_reverse("unit_milestones", args=[commune.code])).text
    assert 'id="closed-unit"' in milestones and 'name="done_on"' not in milestones
    register = client.get(reverse("register"))
    assert register.status_code == 200 and 'id="closed-unit"' in register.text and 'id="dang-ky"' not in register.text


def test_nothing_is_written_for_a_closed_unit(client, commune, history):
    before = snapshot()
    s1, q1 = history["2024S1"], history["2024Q1"]
    attempts = {
        "report": client.post(reverse("report", args=[s1.id, commune.code]), complete_post()),
        "template": client.get(reverse("report_template", args=[s1.id, commune.code])),
        "upload": client.post(reverse("report_upload", args=[s1.id, commune.code]), {}),
        "register": client.post(
            reverse("register"), {"name": "Mô hình mới", "field": "economy", "registered_on": "01/02/2024"}
        ),
        "milestone": client.post(
            programme_reverse("unit_milestones", args=[commune.code]),
            {"moc": Milestone.objects.first().pk, "done_on": "20/02/2024", "document_number": "05-KH/ĐU"},
        ),
        "signed": client.post(
            reverse("signed_documents", args=[q1.id, commune.code]),
            {
                "number": "15-BC/ĐU",
                "signed_on": "2024-03-28",
                "signer": "Phó Bí thư",
                "file": SimpleUploadedFile("a.pdf", PDF),
            },
        ),
    }
    assert {name: response.status_code for name, response in attempts.items()} == dict.fromkeys(attempts, 403)
    assert snapshot() == before


def test_the_day_before_closing_the_officer_still_writes(client, officer, commune, phong_tho):
    """``closed_on`` is the first day the unit no longer exists: until the day before, its officer writes."""
    period = Period.objects.get(programme=phong_tho, code="2024S1")
    commune.closed_on = timezone.localdate() + datetime.timedelta(days=1)
    commune.save(update_fields=["closed_on"])
    client.force_login(officer)
    response = client.post(reverse("report", args=[period.id, commune.code]), complete_post(action="save"))
    assert response.status_code == 302
    assert Submission.objects.filter(unit=commune, period=period).exists()
