"""Downloads too long to make within a request, made by the background worker (django-tasks, its database
backend) and kept for the user who asked: ``docs/decisions/0016-background-downloads.md``.

At 10 000 units the matrix of every unit as XLSX takes about 6 s and the raw values' XLSX 3.5 s, which would
hold a web worker that long: they are always made here. The CSV downloads are streamed from their first line
within the request, 0.6 s to the last line at 10 000 units; past ``CSV_IN_REQUEST_UNITS`` expected units (3 s
at 50 000) they are made here too (``csv_in_background``). ``download_start`` records the request and queues ``reporting.tasks.prepare_download``, which calls
``download_build``; the page of the download follows its progress and offers the file when it is ready.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from programme.models import Period
from reporting import spreadsheets
from reporting.exports import BOM, matrix_csv_lines, texts_csv_lines, values_csv_lines
from reporting.inert import filename_part
from reporting.models import PreparedDownload
from reporting.selectors.compliance import district_compliance, unit_figures
from reporting.selectors.exports import period_texts, period_values
from reporting.spreadsheets import Progress, compliance_workbook, values_workbook

logger = logging.getLogger(__name__)

KEEP_FOR = datetime.timedelta(days=1)  # a file is deleted a day after it was asked for
# A download that has not moved for this long was lost (its worker stopped): it is marked failed, so that
# asking again starts a new one rather than waiting on it.
STALLED_AFTER = datetime.timedelta(minutes=15)
FAILED = "Không tạo được tệp do lỗi trên máy chủ. Hãy thử lại; nếu vẫn không được, xin báo cho quản trị hệ thống."
STALLED = "Tệp không được chuẩn bị xong (bộ xử lý nền dừng hoặc chưa chạy). Hãy thử lại."
Kind = PreparedDownload.Kind
State = PreparedDownload.State
# The most units a period's CSV is streamed for within the request: at 10 000 units the last line leaves in
# 0.6 s, at 50 000 in 3 s (docs/benchmarks.md), beyond the 2 s a request may hold a web worker.
CSV_IN_REQUEST_UNITS = 20_000


def csv_in_background(expected_units: int) -> bool:
    """Whether a period's CSV of every unit (the matrix, the raw values, the texts) is made in the background
    rather than streamed, by the number of units expected to report in the period (``Completeness.expected``)."""
    return expected_units > CSV_IN_REQUEST_UNITS


def download_filename(stem: str, period: Period, fmt: str, *, approved_only: bool = False) -> str:
    """The name every download of the period is saved under, e.g. ``ma-tran-2024Q1-da-duyet.xlsx``."""
    return f"{stem}-{filename_part(period.code)}{'-da-duyet' if approved_only else ''}.{fmt}"


def _matrix(period: Period, *, approved_only: bool, progress: Progress) -> bytes:
    report = district_compliance(period, approved_only=approved_only, by_unit=True)
    return compliance_workbook(report, by_unit=True, progress=progress)


def _values(period: Period, *, approved_only: bool, progress: Progress) -> bytes:
    values = period_values(period, approved_only=approved_only)
    return values_workbook(period, values, approved_only=approved_only, progress=progress)


def _csv(lines: Iterable[str], *, total: int, progress: Progress) -> bytes:
    """The lines as the streamed download sends them (UTF-8, after the BOM), telling the lines written every
    ``spreadsheets.PROGRESS_ROWS`` of ``total`` (0 when not known before the end), and all of them at the end."""
    written, done = [BOM], 0
    for done, line in enumerate(lines, 1):
        written.append(line)
        if done % spreadsheets.PROGRESS_ROWS == 0:
            progress(done, max(total, done))
    progress(done, done)
    return "".join(written).encode("utf-8")


def _matrix_csv(period: Period, *, approved_only: bool, progress: Progress) -> bytes:
    report = district_compliance(period, approved_only=approved_only)
    total = 1 + len(report.rows) + sum(result.units_expected for _, result in report.rows)
    lines = matrix_csv_lines(report, unit_figures(period, approved_only=approved_only))
    return _csv(lines, total=total, progress=progress)


def _values_csv(period: Period, *, approved_only: bool, progress: Progress) -> bytes:
    values = period_values(period, approved_only=approved_only)
    return _csv(values_csv_lines(values), total=1 + len(values), progress=progress)


def _texts_csv(period: Period, *, approved_only: bool, progress: Progress) -> bytes:
    return _csv(texts_csv_lines(period_texts(period, approved_only=approved_only)), total=0, progress=progress)


# What each background download (kind, format) is made of: the file the request makes, or made before it went
# to the background.
BUILDERS: dict[tuple[str, str], Callable[..., bytes]] = {
    (Kind.MATRIX, "xlsx"): _matrix,
    (Kind.VALUES, "xlsx"): _values,
    (Kind.MATRIX, "csv"): _matrix_csv,
    (Kind.VALUES, "csv"): _values_csv,
    (Kind.TEXTS, "csv"): _texts_csv,
}


def _same_request(*, user, kind: str, fmt: str, period: Period, approved_only: bool) -> Q:
    return Q(owner=user, kind=kind, format=fmt, period=period, approved_only=approved_only)


def download_active(*, user, kind: str, fmt: str, period: Period, approved_only: bool) -> PreparedDownload | None:
    """The user's download of that file still being made, if there is one."""
    request = _same_request(user=user, kind=kind, fmt=fmt, period=period, approved_only=approved_only)
    return PreparedDownload.objects.defer("content").filter(request, state__in=PreparedDownload.ACTIVE).first()


def download_start(*, user, kind: str, fmt: str, period: Period, approved_only: bool) -> PreparedDownload:
    """The download of that file for the user: the one being made if the same was asked already, else a new one,
    queued for the worker. Old files are deleted first."""
    downloads_clean()
    asked = dict(user=user, kind=kind, fmt=fmt, period=period, approved_only=approved_only)
    if active := download_active(**asked):
        return active
    try:
        with transaction.atomic():
            download = PreparedDownload.objects.create(
                owner=user,
                kind=kind,
                format=fmt,
                period=period,
                approved_only=approved_only,
                filename=download_filename(kind, period, fmt, approved_only=approved_only),
            )
            # In the same transaction: the worker never sees a task without its download, nor the reverse.
            from reporting.tasks import prepare_download

            prepare_download.enqueue(str(download.pk))
    except IntegrityError:  # the same request, sent twice at once: the other one won
        return download_active(**asked)
    return download


def download_build(*, download_id: str) -> None:
    """Make the file of a waiting download, telling its progress as the rows are written; a failure is recorded
    with a message for the user, then raised for the worker's log."""
    now = timezone.now()
    if not PreparedDownload.objects.filter(pk=download_id, state=State.WAITING).update(
        state=State.RUNNING, updated_at=now
    ):
        return  # deleted, or given up as stalled, before the worker came to it
    download = PreparedDownload.objects.defer("content").select_related("period__programme__area").get(pk=download_id)
    mine = PreparedDownload.objects.filter(pk=download_id, state=State.RUNNING)

    def progress(done: int, total: int) -> None:
        mine.update(done=done, total=total, updated_at=timezone.now())

    try:
        build = BUILDERS[download.kind, download.format]
        content = build(download.period, approved_only=download.approved_only, progress=progress)
    except Exception:
        logger.exception("Background download %s failed", download_id)
        mine.update(state=State.FAILED, error=FAILED, updated_at=timezone.now())
        raise
    mine.update(state=State.DONE, content=content, updated_at=timezone.now())


def downloads_clean() -> None:
    """Delete the files asked for more than a day ago, and give up the downloads that stopped moving."""
    now = timezone.now()
    PreparedDownload.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    PreparedDownload.objects.filter(state__in=PreparedDownload.ACTIVE, updated_at__lt=now - STALLED_AFTER).update(
        state=State.FAILED, error=STALLED, updated_at=now
    )


def download_of(*, user, download_id) -> PreparedDownload | None:
    """The user's own download of that id (without its file), or None: another user's is nobody's. One that
    stopped moving is shown as failed, as the next ``downloads_clean`` records it."""
    download = (
        PreparedDownload.objects.defer("content")
        .select_related("period__programme")
        .filter(pk=download_id, owner=user)
        .first()
    )
    if download and download.state in PreparedDownload.ACTIVE and _stalled(download.updated_at, timezone.now()):
        download.state, download.error = State.FAILED, STALLED
    return download


def _stalled(updated_at: datetime.datetime, now: datetime.datetime) -> bool:
    return updated_at < now - STALLED_AFTER
