"""The signed and stamped report kept with the unit's report: added by its officer or a reviewer once the report
is submitted or approved, checked from its content, listed and downloaded by those who may see the unit.

On the shipped fixtures "03549" is a commune; its 2024Q1 period starts on 01/01/2024.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from programme.models import Unit
from reporting.models import SignedDocument, Submission
from reporting.services import Content, submission_return, submission_save
from tests.factories import make_user
from tests.test_review import imported, period

PDF = b"%PDF-1.7\n1 0 obj\n"
MB = 1024 * 1024


@pytest.fixture
def q1(phong_tho):
    return period(phong_tho, "2024Q1")


@pytest.fixture
def submitted(commune, q1, targets):
    return imported(commune, q1, {})


def page(unit, period_) -> str:
    return reverse("signed_documents", args=[period_.id, unit.code])


def posted(name="bao-cao-da-ky.pdf", content=PDF, **fields):
    return {
        "number": "15-BC/ĐU",
        "signed_on": "2024-03-28",
        "signer": "Phó Bí thư Nguyễn Văn A",
        "file": SimpleUploadedFile(name, content),
    } | fields


def test_the_officer_keeps_the_signed_report_and_anyone_who_sees_the_unit_downloads_it(
    client, officer, reviewer, commune, q1, submitted
):
    client.force_login(officer)
    response = client.post(page(commune, q1), posted(name="Báo cáo quý I.pdf"))
    assert response.status_code == 302 and response["Location"] == page(commune, q1)
    document = SignedDocument.objects.get()
    assert (document.submission, document.number, document.signed_on, document.signer, document.uploaded_by) == (
        submitted,
        "15-BC/ĐU",
        datetime.date(2024, 3, 28),
        "Phó Bí thư Nguyễn Văn A",
        officer,
    )
    assert document.file.name.startswith(f"van-ban-ky/{q1.id}/{commune.id}/") and "quý" not in document.file.name
    listing = client.get(page(commune, q1)).text
    assert "15-BC/ĐU" in listing and "28/03/2024" in listing and "Báo cáo quý I.pdf" in listing
    client.force_login(reviewer)
    download = client.get(reverse("signed_document_file", args=[document.id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


def test_the_report_and_review_pages_lead_to_the_signed_documents(client, officer, reviewer, commune, q1, submitted):
    client.force_login(officer)
    assert page(commune, q1) in client.get(reverse("report", args=[q1.id, commune.code])).text
    client.force_login(reviewer)
    assert page(commune, q1) in client.get(reverse("review", args=[q1.id, commune.code])).text


def test_a_reviewer_may_add_one_a_leader_may_not(client, reviewer, leader, commune, q1, submitted):
    client.force_login(leader)
    assert client.get(page(commune, q1)).status_code == 200
    assert client.post(page(commune, q1), posted()).status_code == 403
    assert not SignedDocument.objects.exists()
    client.force_login(reviewer)
    assert client.post(page(commune, q1), posted()).status_code == 302
    assert SignedDocument.objects.get().uploaded_by == reviewer


def test_another_units_officer_learns_nothing(client, commune, q1, submitted):
    document = SignedDocument.objects.create(
        submission=submitted,
        file=SimpleUploadedFile("a.pdf", PDF),
        file_name="a.pdf",
        number="1-BC",
        signed_on=datetime.date(2024, 3, 1),
        signer="A",
        uploaded_by=make_user("a", Role.OFFICER, unit=commune),
    )
    other = make_user("khac", Role.OFFICER, unit=Unit.objects.get(code="03490"))
    client.force_login(other)
    assert client.get(page(commune, q1)).status_code == 404
    assert client.post(page(commune, q1), posted()).status_code == 404
    assert client.get(reverse("signed_document_file", args=[document.id])).status_code == 404
    assert SignedDocument.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_report_not_submitted_has_nothing_signed_yet(client, officer, reviewer, commune, q1, status):
    if status == "draft":
        submission_save(user=officer, unit=commune, period=q1, version=None, content=Content(), submit=False)
    else:
        submission = imported(commune, q1, {})
        submission_return(user=reviewer, submission=submission, version=submission.version, comment="Bổ sung.")
    assert Submission.objects.get().status == status
    client.force_login(officer)
    shown = client.get(page(commune, q1)).text
    assert "Văn bản đã ký được lưu khi báo cáo đã nộp hoặc đã duyệt." in shown and 'name="file"' not in shown
    response = client.post(page(commune, q1), posted())
    assert (
        response.status_code == 400 and "Chỉ đính kèm văn bản đã ký khi báo cáo đã nộp hoặc đã duyệt" in response.text
    )
    assert not SignedDocument.objects.exists()


def test_no_page_before_the_report_exists(client, officer, commune, q1):
    client.force_login(officer)
    assert client.get(page(commune, q1)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"file": SimpleUploadedFile("bao-cao.docx", b"PK\x03\x04")}, "Văn bản đã ký phải là PDF, JPG hoặc PNG."),
        ({"file": SimpleUploadedFile("bao-cao", PDF)}, "Văn bản đã ký phải là PDF, JPG hoặc PNG."),
        ({"file": SimpleUploadedFile("bao-cao.pdf", b"<html><script>")}, "Nội dung tệp không phải tệp PDF"),
        ({"file": SimpleUploadedFile("anh.png", b"\xff\xd8\xff\xe0")}, "Nội dung tệp không phải tệp PNG"),
        (
            {"file": SimpleUploadedFile("lon.pdf", PDF + b"0" * (10 * MB + 1 - len(PDF)))},
            "tối đa 10 MB (tệp này 10,0 MB)",
        ),
        ({"number": "  "}, "Cần ghi số văn bản"),
        ({"number": "1" * 61}, "Số văn bản dài tối đa 60 ký tự"),
        ({"signer": ""}, "Cần ghi người ký"),
        ({"signed_on": ""}, "Cần nhập ngày ký"),
        ({"signed_on": "31/02/2024"}, "Ngày ký không hợp lệ"),
        ({"signed_on": "2023-12-31"}, "Ngày ký không thể trước ngày đầu kỳ báo cáo (01/01/2024)"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_kept(
    client, officer, commune, q1, submitted, fields, message
):
    client.force_login(officer)
    data = posted() | fields
    if "file" in fields and fields["file"] is None:
        del data["file"]
    response = client.post(page(commune, q1), data)
    assert response.status_code == 400 and message in response.text
    assert not SignedDocument.objects.exists()
    if "number" not in fields:
        assert 'value="15-BC/ĐU"' in response.text  # what was typed is shown again


def test_a_missing_file_is_asked_for(client, officer, commune, q1, submitted):
    client.force_login(officer)
    data = posted()
    del data["file"]
    response = client.post(page(commune, q1), data)
    assert response.status_code == 400 and "Cần chọn tệp văn bản đã ký" in response.text


def test_the_boundaries_of_size_and_date_are_accepted(client, officer, commune, q1, submitted):
    """Exactly 10 MB, signed on the period's first day or today: accepted; a day after today: refused."""
    client.force_login(officer)
    exactly = posted(content=PDF + b"0" * (10 * MB - len(PDF)), signed_on="01/01/2024")
    assert client.post(page(commune, q1), exactly).status_code == 302
    today = timezone.localdate()
    assert client.post(page(commune, q1), posted(signed_on=today.isoformat())).status_code == 302
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    response = client.post(page(commune, q1), posted(signed_on=tomorrow))
    assert response.status_code == 400 and "Ngày ký không thể sau hôm nay" in response.text
    assert SignedDocument.objects.count() == 2


def test_the_pages_query_count_does_not_grow_with_the_documents(client, officer, commune, q1, submitted):
    client.force_login(officer)
    client.post(page(commune, q1), posted())
    with CaptureQueriesContext(connection) as one:
        assert client.get(page(commune, q1)).status_code == 200
    for n in range(4):
        client.post(page(commune, q1), posted(number=f"{n}-BC"))
    with CaptureQueriesContext(connection) as five:
        assert client.get(page(commune, q1)).status_code == 200
    assert len(five) == len(one)
