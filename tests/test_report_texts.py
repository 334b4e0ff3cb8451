"""The report's texts: refused over their limit and never cut, shown beside the saved ones after a conflict, and
kept in a history that names what changed while the page stays small."""

import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from programme.models import Period
from reporting.forms import NOTE_MAX, TEXT_MAX, ReportForm
from reporting.models import Submission, SubmissionEvent
from reporting.official_report import build_official_report, build_unit_report
from reporting.selectors.exports import period_texts
from reporting.selectors.reports import report_sheet
from reporting.services import submission_return
from tests.test_report_form import ORGANISATION_ROW_BYTES, ORGANISATION_ROWS_Q1, TYPED_Q1, complete_post, url

PAGE_LIMIT = 60_000 + ORGANISATION_ROW_BYTES * ORGANISATION_ROWS_Q1  # the form's rows of MT6's and MT7's organisations


@pytest.fixture
def q1(phong_tho):
    return Period.objects.select_related("programme__area").get(programme=phong_tho, code="2024Q1")


def saved(client, period, unit, **fields):
    """Save a draft over the current version, as the form would; the response must be a confirmed save."""
    submission = Submission.objects.filter(unit=unit, period=period).first()
    version = str(submission.version) if submission else ""
    response = client.post(url(period, unit), {"version": version, "action": "save", **fields})
    assert response.status_code == 302, response.content[:2000]
    return Submission.objects.get(unit=unit, period=period)


# --- the limit: refused, never cut ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"),
    [("shortcomings", TEXT_MAX), ("group_2", TEXT_MAX), ("proposals", TEXT_MAX), ("note_MT6", NOTE_MAX)],
)
def test_a_text_at_its_limit_is_saved_and_one_more_character_is_refused_whole(
    client, officer, commune, q1, field, limit
):
    client.force_login(officer)
    over = "x" * (limit + 1)
    response = client.post(url(q1, commune), complete_post(**{field: over}))
    assert response.status_code == 400
    limit_text = f"{limit:,}".replace(",", ".")
    assert f"Dài tối đa {limit_text} ký tự (đang có {limit + 1:,}).".replace(",", ".") in response.text
    assert "không bị cắt bớt" in response.text
    assert over in response.text  # shown back whole, for the officer to shorten
    assert not Submission.objects.exists()

    assert client.post(url(q1, commune), complete_post(**{field: "x" * limit})).status_code == 302
    submission = Submission.objects.get()
    kept = {
        "shortcomings": submission.shortcomings,
        "proposals": submission.proposals,
        "group_2": submission.narratives.get(task_group__number=2).text,
        "note_MT6": submission.values.get(target__code="MT6").note,
    }[field]
    assert kept == "x" * limit


def test_the_page_gets_the_limits_as_data_not_as_a_cutting_maxlength(client, officer, commune, q1):
    client.force_login(officer)
    text = client.get(url(q1, commune)).text
    assert "maxlength" not in text
    areas = re.findall(r'<textarea name="(?!explain_)[^>]*>', text)
    assert len(areas) == 4 + len(Submission.closing_texts())  # the four task groups and the closing texts
    assert all(f'data-max="{TEXT_MAX}"' in area for area in areas)
    explanations = re.findall(r'<textarea name="explain_[^>]*>', text)  # the warnings' explanations
    assert explanations and all('data-max="2000"' in area for area in explanations)
    notes = re.findall(r'<input[^>]*name="note_[^>]*>', text)
    assert len(notes) == len(TYPED_Q1)
    assert all(f'data-max="{NOTE_MAX}"' in note for note in notes)


# --- one home for the labels ---------------------------------------------------------------------------------


def test_the_closing_texts_are_labelled_by_the_model(q1):
    assert Submission.closing_texts() == {
        "shortcomings": "Hạn chế, nguyên nhân",
        "next_steps": "Phương hướng, nhiệm vụ thời gian tới",
        "proposals": "Đề xuất, kiến nghị",
    }


RENAMED = {"shortcomings": "nhãn thử một", "next_steps": "nhãn thử hai", "proposals": "nhãn thử ba"}


def test_every_surface_follows_a_label_changed_on_the_model(
    monkeypatch, client, officer, reviewer, commune, q1, period_2024
):
    """The form, the review page, the history, the texts' CSV and both DOCX reports read the labels from the
    model when they are shown: change the model's words and every one of them follows, none keeps a copy."""
    for name, words in RENAMED.items():
        monkeypatch.setattr(Submission._meta.get_field(name), "verbose_name", words)
    labels = [words.capitalize() for words in RENAMED.values()]
    headings = [
        f"{number}. {words.upper()}" for number, words in zip(("II", "III", "IV"), RENAMED.values(), strict=True)
    ]
    assert list(Submission.closing_texts().values()) == labels

    client.force_login(officer)
    client.post(url(q1, commune), complete_post())
    sheet = report_sheet(commune, q1)
    form = ReportForm(sheet=sheet)
    assert [form[name].label for name in RENAMED] == labels
    assert [section.title for section in sheet.narrative][-3:] == labels
    assert [row.section for row in period_texts(q1)][-3:] == labels
    event = Submission.objects.get().events.get()
    assert [change["field"] for change in event.changes if change.get("text") in RENAMED] == labels
    client.force_login(reviewer)
    page = client.get(reverse("review", args=[q1.id, commune.code])).text
    assert all(label in page for label in labels)

    for document in (build_unit_report(sheet), build_official_report(q1, number="", approved_only=False)):
        paragraphs = [paragraph.text for paragraph in Document(io.BytesIO(document)).paragraphs]
        assert [text for text in paragraphs if text in headings] == headings


# Each closing text's label as the model words it, in any case: no module, template or script of the app may
# hold its own copy (test_every_surface_follows_a_label_changed_on_the_model shows the surfaces read the model).
LABEL_WORDS = ("hạn chế, nguyên nhân", "phương hướng, nhiệm vụ", "đề xuất, kiến nghị")


def test_no_place_but_the_model_words_a_closing_texts_label():
    root = Path(__file__).resolve().parent.parent
    places = [
        path
        for folder in ("accounts", "programme", "reporting", "dvproject", "templates", "static")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".html", ".js", ".txt"} and "migrations" not in path.parts
    ]
    copies = [
        str(path.relative_to(root))
        for path in places
        if path != root / "reporting" / "models.py"
        and any(words in path.read_text(encoding="utf-8").lower() for words in LABEL_WORDS)
    ]
    assert copies == []


# --- the conflict view ---------------------------------------------------------------------------------------


def test_a_conflict_shows_every_saved_text_beside_the_officers(client, officer, commune, q1):
    client.force_login(officer)
    first = saved(client, q1, commune, group_1="Nhóm 1 lúc đầu.", shortcomings="Hạn chế lúc đầu.")
    opened_with = first.version
    saved(  # from another device
        client,
        q1,
        commune,
        num_MT1="20",
        note_MT1="Ghi chú máy khác.",
        group_1="Nhóm 1 sửa ở máy khác.",
        group_3="Nhóm 3 máy khác.",
        shortcomings="Hạn chế sửa ở máy khác.",
        next_steps="Phương hướng máy khác.",
        proposals="Đề xuất máy khác.",
    )
    typed = {
        "num_MT1": "2",
        "note_MT1": "Ghi chú máy này.",
        "group_1": "Nhóm 1 máy này.",
        "group_3": "Nhóm 3 máy khác.",
        "shortcomings": "Hạn chế máy này.",
        "next_steps": "Phương hướng máy này.",
        "proposals": "",
    }
    response = client.post(url(q1, commune), {"version": str(opened_with), "action": "save", **typed})
    assert response.status_code == 409
    text = response.text
    assert "Bản đang lưu: 20/—" in text and "Ghi chú máy khác." in text
    for saved_text in (
        "Nhóm 1 sửa ở máy khác.",
        "Hạn chế sửa ở máy khác.",
        "Phương hướng máy khác.",
        "Đề xuất máy khác.",
    ):
        assert f'<p class="long-text">{saved_text}</p>' in text, saved_text
    assert text.count("Bản đang lưu: giống nội dung trên.") == 1  # group 3: the same on both sides
    assert text.count("Bản đang lưu: (trống)") == 2  # groups 2 and 4 were never written
    for typed_text in ("Nhóm 1 máy này.", "Hạn chế máy này.", "Phương hướng máy này.", "Ghi chú máy này."):
        assert typed_text in text  # the officer's own text, kept in the form
    submission = Submission.objects.get()
    assert submission.shortcomings == "Hạn chế sửa ở máy khác."  # nothing overwritten


# --- the history ---------------------------------------------------------------------------------------------


def test_a_text_change_is_summed_up_and_its_previous_text_is_a_link_away(client, officer, commune, q1):
    client.force_login(officer)
    before = "Đầu. " + "a" * 300 + " Cuối."
    saved(client, q1, commune, shortcomings=before)
    after = "Đầu. " + "b" * 200 + " Cuối."
    submission = saved(client, q1, commune, shortcomings=after)
    event = submission.events.last()
    [change] = event.changes
    assert change["old"] == before and "new" not in change  # the new text is the report's own
    assert (change["added"], change["removed"]) == (200, 300)
    assert change["excerpt"] == "b" * 80 + "…"
    page = client.get(reverse("report_history", args=[q1.id, commune.code])).text
    assert "Hạn chế, nguyên nhân: thêm 200 ký tự, bỏ 300 ký tự" in page
    assert before not in page and after not in page
    link = reverse("history_change", args=[event.pk])
    assert link in page
    detail = client.get(link).text
    assert before in detail and after in detail

    latest = "Khác hẳn."
    saved(client, q1, commune, shortcomings=latest)
    detail = client.get(link).text  # the text after that change is now the next change's previous one
    assert before in detail and after in detail and latest not in detail


def test_a_save_that_changes_nothing_adds_nothing_but_a_submit_records_its_step(client, officer, commune, q1):
    client.force_login(officer)
    data = complete_post(action="save")
    submission = saved(client, q1, commune, **{k: v for k, v in data.items() if k not in ("version", "action")})
    version = submission.version
    for _ in range(2):
        again = saved(client, q1, commune, **{k: v for k, v in data.items() if k not in ("version", "action")})
        assert again.version == version
    assert submission.events.count() == 1
    response = client.post(url(q1, commune), data | {"version": str(version), "action": "submit"})
    assert response.status_code == 302
    events = list(submission.events.order_by("at", "pk").values_list("action", "changes"))
    assert events[-1] == ("submitted", [])
    assert len(events) == 2


def test_a_long_history_of_long_texts_keeps_every_page_small(client, officer, reviewer, commune, q1):
    client.force_login(officer)
    for n in range(30):
        letter = "abcdefghij"[n % 10]
        saved(client, q1, commune, **{name: letter * TEXT_MAX for name in ("shortcomings", "group_1", "proposals")})
    submission = saved(client, q1, commune, shortcomings="Ngắn.", group_1="Ngắn.", proposals="y" * TEXT_MAX)
    assert submission.events.count() == 31
    pages = {
        "form": client.get(url(q1, commune)),
        "history": client.get(reverse("report_history", args=[q1.id, commune.code])),
    }
    client.post(url(q1, commune), complete_post(version=str(submission.version), proposals="y" * TEXT_MAX))
    submission.refresh_from_db()
    submission_return(user=reviewer, submission=submission, version=submission.version, comment="Sửa MT1.")
    pages["returned form"] = client.get(url(q1, commune))
    client.force_login(reviewer)
    pages["review"] = client.get(reverse("review", args=[q1.id, commune.code]))
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert len(response.content) < PAGE_LIMIT, (name, len(response.content))
    history_url = reverse("report_history", args=[q1.id, commune.code])
    for name in ("returned form", "review"):  # 33 steps, the 10 latest shown
        assert pages[name].text.count('class="event-head"') == 10, name
        assert f'<a href="{history_url}">Xem toàn bộ lịch sử báo cáo</a>' in pages[name].text
    assert "Trang 1 / 2" in pages["history"].text
    assert client.get(history_url, {"trang": 2}).text.count('class="event-head"') == 33 - 30
    # the first text, cut from every page, is still there on demand
    first_change = submission.events.order_by("at", "pk")[1]
    detail = client.get(reverse("history_change", args=[first_change.pk]))
    assert detail.status_code == 200 and ("a" * TEXT_MAX).encode() in detail.content


def test_the_change_page_reads_a_fixed_number_of_queries(client, officer, commune, q1):
    client.force_login(officer)
    for n in range(3):
        saved(client, q1, commune, shortcomings=f"Lần {n}.", group_1=f"Nhóm lần {n}.")
    counts = []
    for event in SubmissionEvent.objects.order_by("pk"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("history_change", args=[event.pk])).status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


def test_the_report_page_reads_as_many_queries_with_a_long_history(client, officer, commune, q1):
    client.force_login(officer)
    counts = []
    for n in range(12):
        saved(client, q1, commune, shortcomings=f"Lần {n}.")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(q1, commune)).status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts
