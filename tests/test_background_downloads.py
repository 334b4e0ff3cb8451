"""The downloads made in the background (reporting/downloads.py): asked for with a POST, made by the worker with
their progress told as the rows are written, then served to the user who asked only, with the same content and
headers as when the request made them.

Most tests run the task within the request (the tests' immediate backend); ``test_the_worker_makes_the_file``
queues it in the database and runs ``manage.py db_worker`` on it, as `make run` and production do.
"""

import csv
import datetime
import io
import signal
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from reporting import downloads, spreadsheets
from reporting.models import PreparedDownload, Submission
from reporting.selectors.compliance import district_compliance
from reporting.selectors.exports import period_values
from reporting.selectors.timeliness import district_completeness
from reporting.spreadsheets import compliance_workbook, values_workbook
from tests.addresses import programme_reverse
from tests.factories import make_user
from tests.test_exports import district_with_reports

State = PreparedDownload.State
XLSX = [kind for kind, fmt in downloads.BUILDERS if fmt == "xlsx"]
CSV_EXPORTS = {
    "ma-tran": ("export_matrix", ["csv"]),
    "so-lieu": ("export_values", ["csv"]),
    "noi-dung": ("export_texts", []),
}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


@pytest.fixture
def period(db):
    return district_with_reports(12, 2024)  # 12 communes × 3 targets: 36 unit rows, 3 district rows


@pytest.fixture
def reviewer(period):
    return make_user("thamdinh", Role.REVIEWER, unit=period.programme.area)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client, kind: str, period, fmt: str = "xlsx", **params):
    return client.post(programme_reverse("download_start", args=[kind, fmt]) + f"?ky={period.id}" + _query(params))


def _query(params: dict) -> str:
    return "".join(f"&{key}={value}" for key, value in params.items())


def started_id(response) -> str:
    assert response.status_code == 302, response.status_code
    match = resolve(urlsplit(response["Location"]).path)
    assert match.url_name == "download_status"
    return str(match.kwargs["download_id"])


def cells(content: bytes) -> dict[str, list[tuple]]:
    """Every sheet's rows, but the moment the file was made."""
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [row for row in sheet.iter_rows(values_only=True) if row[0] != "Lập lúc"]
        for sheet in book.worksheets
    }


def made_in_the_request(kind: str, period, approved_only: bool) -> bytes:
    """The file as the request made it before it went to the background (reporting/views/exports.py)."""
    if kind == "ma-tran":
        return compliance_workbook(district_compliance(period, approved_only=approved_only, by_unit=True), by_unit=True)
    return values_workbook(period, period_values(period, approved_only=approved_only), approved_only=approved_only)


def progress_of(client, download_id: str) -> dict:
    response = client.get(reverse("download_progress", args=[download_id]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()


# --- the file --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("approved_only", [False, True])
@pytest.mark.parametrize("kind", XLSX)
def test_the_file_is_the_one_the_request_made(period, reviewer, kind, approved_only):
    client = signed_in(reviewer)
    download_id = started_id(start(client, kind, period, **({"chi_duyet": 1} if approved_only else {})))

    status = progress_of(client, download_id)
    file_url = reverse("download_file", args=[download_id])
    assert status["state"] == "done" and status["file"] == file_url and status["error"] == ""
    # Every expected unit has its row in the matrix; the raw values are the submitted reports' (none approved).
    assert status["done"] == status["total"] == {"ma-tran": 3 + 36, "so-lieu": 0 if approved_only else 36}[kind]
    page = client.get(reverse("download_status", args=[download_id])).content.decode()
    assert "Tệp đã sẵn sàng" in page and f'href="{file_url}"' in page and "Tải tệp" in page

    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"{kind}-{period.code}{'-da-duyet' if approved_only else ''}.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
    assert cells(response.content) == cells(made_in_the_request(kind, period, approved_only))


@pytest.mark.parametrize(("old", "kind"), [("export_matrix", "ma-tran"), ("export_values", "so-lieu")])
def test_the_old_address_leads_to_the_page_that_asks_for_the_file(period, reviewer, old, kind):
    client = signed_in(reviewer)
    response = client.get(programme_reverse(old, args=["xlsx"]), {"ky": period.id, "chi_duyet": 1})
    assert response.status_code == 302
    assert (
        response["Location"]
        == programme_reverse("download_start", args=[kind, "xlsx"]) + f"?ky={period.id}&chi_duyet=1"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Chuẩn bị tệp" in page.content.decode() and 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert not PreparedDownload.objects.exists()  # looking changes nothing; only the POST asks
    assert client.get(programme_reverse(old, args=["xlsx"]), {"ky": "999999"}).status_code == 404


# --- the CSVs of a large area ----------------------------------------------------------------------------------


def csv_export(kind: str) -> str:
    name, args = CSV_EXPORTS[kind]
    return programme_reverse(name, args=args)


def streamed(client, kind: str, period, **params) -> bytes:
    response = client.get(csv_export(kind), {"ky": period.id, **params})
    assert response.status_code == 200 and response.streaming, response.status_code
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("approved_only", [False, True])
@pytest.mark.parametrize("kind", list(CSV_EXPORTS))
def test_a_csv_made_in_the_background_is_the_one_the_request_streams(period, reviewer, kind, approved_only):
    Submission.objects.filter(period=period).update(shortcomings="Thiếu kinh phí;\n=1+1 chưa làm", proposals="Đề nghị")
    params = {"chi_duyet": 1} if approved_only else {}
    client = signed_in(reviewer)
    expected = streamed(client, kind, period, **params)
    download_id = started_id(start(client, kind, period, "csv", **params))

    records = list(csv.reader(io.StringIO(expected.decode("utf-8-sig"))))
    # Every expected unit is in the matrix; the values and texts are the submitted reports' (none approved).
    rows = {"ma-tran": 3 + 36, "so-lieu": 0 if approved_only else 36, "noi-dung": 0 if approved_only else 24}
    assert len(records) == 1 + rows[kind]
    status = progress_of(client, download_id)
    assert status["state"] == "done" and status["done"] == status["total"] == len(records)
    page = client.get(reverse("download_status", args=[download_id])).content.decode()
    assert f"{PreparedDownload.Kind(kind).label} (CSV)" in page and "Tải tệp" in page
    response = client.get(reverse("download_file", args=[download_id]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = f"{kind}-{period.code}{'-da-duyet' if approved_only else ''}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content == expected


@pytest.mark.parametrize("kind", list(CSV_EXPORTS))
def test_a_csv_of_more_units_than_a_request_streams_is_made_in_the_background(period, reviewer, kind, monkeypatch):
    assert district_completeness(period, period.programme.area_id).expected == 12
    client = signed_in(reviewer)
    monkeypatch.setattr(downloads, "CSV_IN_REQUEST_UNITS", 12)  # exactly the area's units: still streamed
    assert streamed(client, kind, period)
    monkeypatch.setattr(downloads, "CSV_IN_REQUEST_UNITS", 11)
    response = client.get(csv_export(kind), {"ky": period.id, "chi_duyet": 1})
    assert response.status_code == 302
    assert (
        response["Location"] == programme_reverse("download_start", args=[kind, "csv"]) + f"?ky={period.id}&chi_duyet=1"
    )
    page = client.get(response["Location"]).content.decode()
    assert f"<h1>Tải xuống {PreparedDownload.Kind(kind).label} (CSV)</h1>" in page and "Chuẩn bị tệp" in page
    assert not PreparedDownload.objects.exists()  # looking changes nothing; only the POST asks
    assert client.get(csv_export(kind), {"ky": "999999"}).status_code == 404
    # The district's own table, one row per target, is streamed whatever the size.
    assert client.get(programme_reverse("export_overview", args=["csv"]), {"ky": period.id}).streaming


def test_the_overview_asks_for_a_large_area_s_csvs_in_the_background(period, reviewer, monkeypatch):
    client = signed_in(reviewer)

    def links() -> str:
        return client.get(programme_reverse("overview"), {"ky": period.id}).content.decode()

    page = links()
    for kind in CSV_EXPORTS:
        assert f'<a href="{csv_export(kind)}?ky={period.id}" download>CSV</a>' in page
    assert "cả các tệp CSV" not in page
    monkeypatch.setattr(downloads, "CSV_IN_REQUEST_UNITS", 11)
    page = links()
    for kind in CSV_EXPORTS:
        asked = programme_reverse("download_start", args=[kind, "csv"])
        assert f'<a href="{asked}?ky={period.id}" data-prepare>CSV</a>' in page
        assert f'href="{csv_export(kind)}' not in page
    assert "cả các tệp CSV của từng đơn vị" in page


def test_the_texts_are_made_as_csv_only(period, reviewer):
    url = programme_reverse("download_start", args=["noi-dung", "xlsx"]) + f"?ky={period.id}"
    client = signed_in(reviewer)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not PreparedDownload.objects.exists()


# --- progress --------------------------------------------------------------------------------------------------


def test_progress_is_told_as_the_rows_are_written(period, reviewer, monkeypatch):
    """Every ``PROGRESS_ROWS`` rows, one write of the count, seen by the next read; never a write per row."""
    monkeypatch.setattr(spreadsheets, "PROGRESS_ROWS", 10)
    seen = []
    real = downloads.BUILDERS["ma-tran", "xlsx"]

    def watched(period, *, approved_only, progress):
        def told(done, total):
            progress(done, total)
            seen.append(PreparedDownload.objects.values_list("state", "done", "total").get())

        return real(period, approved_only=approved_only, progress=told)

    monkeypatch.setitem(downloads.BUILDERS, ("ma-tran", "xlsx"), watched)
    started_id(start(signed_in(reviewer), "ma-tran", period))

    assert seen == [("running", done, 39) for done in (0, 10, 20, 30, 39)]


def test_a_csv_tells_its_progress_as_its_lines_are_written(period, reviewer, monkeypatch):
    monkeypatch.setattr(spreadsheets, "PROGRESS_ROWS", 10)
    seen = []
    real = downloads.BUILDERS["so-lieu", "csv"]

    def watched(period, *, approved_only, progress):
        def told(done, total):
            progress(done, total)
            seen.append(PreparedDownload.objects.values_list("state", "done", "total").get())

        return real(period, approved_only=approved_only, progress=told)

    monkeypatch.setitem(downloads.BUILDERS, ("so-lieu", "csv"), watched)
    started_id(start(signed_in(reviewer), "so-lieu", period, "csv"))

    assert seen == [("running", done, 37) for done in (10, 20, 30, 37)]  # the header and 36 values


def test_the_page_shows_the_progress_while_the_file_is_made(period, reviewer):
    client = signed_in(reviewer)
    running = PreparedDownload.objects.create(
        owner=reviewer, kind="so-lieu", period=period, state=State.RUNNING, done=12000, total=36500, filename="x"
    )
    assert progress_of(client, running.pk) == {
        "state": "running",
        "done": 12000,
        "total": 36500,
        "file": None,
        "error": "",
    }
    page = client.get(reverse("download_status", args=[running.pk])).content.decode()
    assert "Đang chuẩn bị tệp…" in page
    assert '<progress id="download-progress" max="36500" value="12000">' in page
    assert "Đã ghi 12.000 / 36.500 dòng." in page
    assert f'data-progress-url="{reverse("download_progress", args=[running.pk])}"' in page
    assert client.get(reverse("download_file", args=[running.pk])).status_code == 404  # not made yet


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_the_file(period, reviewer):
    """The real path: the task queued in the database with the download, then run by ``manage.py db_worker``."""
    client = signed_in(reviewer)
    with override_settings(TASKS=DATABASE_TASKS):
        download_id = started_id(start(client, "so-lieu", period))
        assert progress_of(client, download_id) | {"file": None} == {
            "state": "waiting",
            "done": 0,
            "total": 0,
            "file": None,
            "error": "",
        }
        assert "Đang chờ đến lượt…" in client.get(reverse("download_status", args=[download_id])).content.decode()
        assert started_id(start(client, "so-lieu", period)) == download_id  # asked again while it waits

        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
        finally:  # the worker takes Ctrl-C for itself, and keeps it after a batch: give it back to the suite
            for number, handler in handlers.items():
                signal.signal(number, handler)

    status = progress_of(client, download_id)
    assert (status["state"], status["done"], status["total"]) == ("done", 36, 36)
    response = client.get(status["file"])
    assert response.status_code == 200
    assert cells(response.content) == cells(made_in_the_request("so-lieu", period, False))


# --- the same request twice ------------------------------------------------------------------------------------


def test_the_same_request_while_it_is_made_gets_the_same_download(period, reviewer):
    client = signed_in(reviewer)
    waiting = PreparedDownload.objects.create(owner=reviewer, kind="ma-tran", period=period, filename="x")

    assert started_id(start(client, "ma-tran", period)) == str(waiting.pk)
    page = client.get(programme_reverse("download_start", args=["ma-tran", "xlsx"]), {"ky": period.id})
    assert page.status_code == 302 and page["Location"] == reverse("download_status", args=[waiting.pk])
    assert PreparedDownload.objects.count() == 1
    # Another request (the switch, the other file), or another user, is another download.
    assert started_id(start(client, "ma-tran", period, chi_duyet=1)) != str(waiting.pk)
    assert started_id(start(client, "so-lieu", period)) != str(waiting.pk)
    assert started_id(
        start(signed_in(make_user("thamdinh2", Role.REVIEWER, unit=period.programme.area)), "ma-tran", period)
    ) != str(waiting.pk)
    assert PreparedDownload.objects.count() == 4
    # A finished one is not reused: the figures may have changed since.
    waiting.state = State.DONE
    waiting.save(update_fields=["state"])
    assert started_id(start(client, "ma-tran", period)) != str(waiting.pk)


def test_the_database_refuses_two_active_downloads_of_the_same_request(period, reviewer):
    """What decides a race between two POSTs: the second one's insert fails, and it takes the first."""
    PreparedDownload.objects.create(owner=reviewer, kind="ma-tran", period=period, filename="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        PreparedDownload.objects.create(owner=reviewer, kind="ma-tran", period=period, filename="x")
    PreparedDownload.objects.create(owner=reviewer, kind="ma-tran", period=period, filename="x", state=State.DONE)


# --- failures and old files ------------------------------------------------------------------------------------


def test_a_failure_is_shown_with_a_way_to_try_again(period, reviewer, monkeypatch):
    def broken(period, *, approved_only, progress):
        progress(0, 39)
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(downloads.BUILDERS, ("ma-tran", "xlsx"), broken)
    client = signed_in(reviewer)
    download_id = started_id(start(client, "ma-tran", period, chi_duyet=1))

    assert progress_of(client, download_id) == {
        "state": "failed",
        "done": 0,
        "total": 39,
        "file": None,
        "error": downloads.FAILED,
    }
    page = client.get(reverse("download_status", args=[download_id])).content.decode()
    assert "Không tạo được tệp" in page and downloads.FAILED in page and "disk" not in page
    again = programme_reverse("download_start", args=["ma-tran", "xlsx"]) + f"?ky={period.id}&amp;chi_duyet=1"
    assert f'<form method="post" action="{again}">' in page and "Thử lại" in page
    assert client.get(reverse("download_file", args=[download_id])).status_code == 404

    monkeypatch.undo()
    retried = started_id(start(client, "ma-tran", period, chi_duyet=1))
    assert retried != download_id and progress_of(client, retried)["state"] == "done"


def test_old_files_are_deleted_and_stalled_downloads_given_up(period, reviewer):
    now = timezone.now()

    def made(ago: datetime.timedelta, state: str, moved: datetime.timedelta = datetime.timedelta(0)):
        return PreparedDownload.objects.create(
            owner=reviewer,
            kind="so-lieu",
            period=period,
            state=state,
            filename="x",
            approved_only=state == State.DONE,  # two active ones of one request cannot exist
            created_at=now - ago,
            updated_at=now - moved,
            content=b"x" if state == State.DONE else None,
        )

    old = made(datetime.timedelta(hours=25), State.DONE)
    kept = made(datetime.timedelta(hours=23), State.DONE)
    stalled = made(datetime.timedelta(minutes=30), State.RUNNING, moved=datetime.timedelta(minutes=16))

    client = signed_in(reviewer)
    assert progress_of(client, stalled.pk)["state"] == "failed"  # so shown already, to whoever waits on it
    assert "Thử lại" in client.get(reverse("download_status", args=[stalled.pk])).content.decode()
    started_id(start(client, "ma-tran", period))  # every new request cleans first

    assert not PreparedDownload.objects.filter(pk=old.pk).exists()
    assert PreparedDownload.objects.filter(pk=kept.pk, state=State.DONE).exists()
    stalled.refresh_from_db()
    assert (stalled.state, stalled.error) == (State.FAILED, downloads.STALLED)


# --- who may ---------------------------------------------------------------------------------------------------


def test_a_download_is_its_askers_only(period, reviewer):
    download_id = started_id(start(signed_in(reviewer), "ma-tran", period))
    administrator = make_user("quantri", Role.ADMINISTRATOR)
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    area = period.programme.area
    for other in (
        make_user("thamdinh2", Role.REVIEWER, unit=area),
        make_user("lanhdao", Role.LEADER, unit=area),
        administrator,
    ):
        client = signed_in(other)
        for name in ("download_status", "download_progress", "download_file"):
            response = client.get(reverse(name, args=[download_id]))
            assert response.status_code == 404, (other, name)
            assert b"ma-tran" not in response.content


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMINISTRATOR])
def test_leaders_and_administrators_ask_for_their_own(period, role):
    client = signed_in(make_user("nguoi", role, unit=period.programme.area))
    download_id = started_id(start(client, "so-lieu", period))
    assert client.get(reverse("download_file", args=[download_id])).status_code == 200


def test_officers_and_anonymous_users_are_refused(period_2024, commune):
    officer = make_user("canbo", Role.OFFICER, unit=commune)
    url = programme_reverse("download_start", args=["ma-tran", "xlsx"]) + f"?ky={period_2024.id}"
    assert signed_in(officer).post(url).status_code == 403
    assert signed_in(officer).get(url).status_code == 403
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert not PreparedDownload.objects.exists()


@pytest.mark.parametrize("ky", ["abc", "999999", "1;DROP", "-1", "1" * 12])
def test_a_period_that_is_not_one_starts_nothing(period, reviewer, ky):
    response = signed_in(reviewer).post(programme_reverse("download_start", args=["so-lieu", "xlsx"]) + f"?ky={ky}")
    assert response.status_code == 404
    assert not PreparedDownload.objects.exists()
