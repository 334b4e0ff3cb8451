"""The copy of the report form kept in the browser, and the texts' limits, in a real browser.

The copy never wins over newer saved data: it is dropped once the server confirms a save or a submission and
on sign-out, offered back only when it holds something the saved report does not, and a copy typed against
an older version leads to the conflict page, never to a silent overwrite. A text over its limit is refused
with a counter that says so, never cut.
"""

import json

import pytest
from playwright.sync_api import expect

from programme.models import Period, Target
from reporting.breakdowns import Part
from reporting.forms import NOTE_MAX, TEXT_MAX
from reporting.models import Submission, Value
from reporting.selectors.reports import report_sheet
from reporting.services import Content, Figures, submission_return, submission_save
from tests.browser.conftest import log_in

KEPT = "Object.keys(localStorage).filter(k => k.startsWith('dv-report:'))"


@pytest.fixture
def q1(phong_tho):
    return Period.objects.get(programme=phong_tho, code="2024Q1")


def form_url(period, unit):
    return f"/bao-cao/{period.id}/{unit.code}/"


def kept(page) -> dict:
    """The copies this browser keeps, by key."""
    return {key: json.loads(page.evaluate(f"localStorage.getItem({key!r})")) for key in page.evaluate(KEPT)}


def saved_elsewhere(officer, commune, period, **figures):
    """A save from another device, over whatever version is current."""
    submission = Submission.objects.filter(unit=commune, period=period).first()
    by_code = {t.code: t for t in Target.objects.filter(code__in=figures, programme=period.programme)}
    current = {
        row.target: Figures(
            row.numerator if not row.parts else None,
            row.denominator if not row.parts else None,
            parts={part.category: Part(part.numerator, part.denominator) for part in row.parts},
        )
        for row in report_sheet(commune, period).rows
    }
    content = Content(
        figures={t: f for t, f in current.items() if t.is_typed} | {by_code[c]: f for c, f in figures.items()}
    )
    submission_save(
        user=officer,
        unit=commune,
        period=period,
        version=submission.version if submission else None,
        content=content,
        submit=False,
    )


def fill_everything(page):
    for row in page.locator("fieldset.target .pair, fieldset.target tr.part").all():  # a target's, or an organisation's
        row.locator('[data-role="num"]').fill("5")
        row.locator('[data-role="den"]').fill("5")
    for area in page.locator("textarea:visible").all():  # a warning's explanation only once it is raised
        area.fill("Nội dung.")


# --- the kept copy ---------------------------------------------------------------------------------------------


def test_the_copy_records_its_owner_and_version(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("4")
    page.wait_for_timeout(500)
    [(key, copy)] = kept(page).items()
    assert key == f"dv-report:{officer.pk}:{commune.code}:{q1.id}"
    assert copy["version"] == "" and copy["values"]["num_MT1"] == "4"


def test_the_copy_is_dropped_once_the_report_is_submitted(page, officer, reviewer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    fill_everything(page)
    page.wait_for_timeout(500)
    assert len(kept(page)) == 1
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo.")).to_be_visible()
    expect(page.locator("#report-form")).to_have_count(0)  # the read-only page, without the form's script
    page.wait_for_load_state("load")
    assert kept(page) == {}

    submission = Submission.objects.get()
    submission_return(user=reviewer, submission=submission, version=submission.version, comment="Sửa MT1.")
    page.goto(form_url(q1, commune))
    expect(page.locator("#id_num_MT1")).to_have_value("5")
    expect(page.locator("#draft-restore")).to_be_hidden()


def test_a_copy_equal_to_what_is_saved_is_dropped_without_a_banner(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("3")
    page.wait_for_timeout(500)
    saved_elsewhere(officer, commune, q1, MT1=Figures(3, None))  # the same figure, saved from another device
    page.reload()
    expect(page.locator("#id_num_MT1")).to_have_value("3")
    page.wait_for_load_state("load")
    expect(page.locator("#draft-restore")).to_be_hidden()
    assert kept(page) == {}


def test_a_stale_copy_leads_to_the_conflict_page_not_over_newer_figures(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("1")
    page.locator("#id_den_MT1").fill("25")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    page.locator("#id_num_MT1").fill("2")
    page.get_by_label("Hạn chế, nguyên nhân").fill("Gõ trên máy này.")
    page.wait_for_timeout(500)  # kept, never saved: the tab is left open, then the officer moves on

    saved_elsewhere(officer, commune, q1, MT1=Figures(20, 25))  # corrected to 20 on another device
    page.goto(form_url(q1, commune))
    expect(page.locator("#id_num_MT1")).to_have_value("20")
    banner = page.locator("#draft-restore")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("báo cáo đã được lưu lại sau đó")
    banner.get_by_role("button", name="Khôi phục").click()

    expect(page.locator("#conflict")).to_contain_text("vừa được lưu lúc")
    expect(page.locator("#id_num_MT1")).to_have_value("2")
    expect(page.locator('fieldset[data-code="MT1"]')).to_contain_text("Bản đang lưu: 20/25")
    expect(page.locator('fieldset[data-code="MT1"] [data-role="pct"]')).to_have_text("8,00%")  # of 2/25, not 20/25
    expect(page.get_by_label("Hạn chế, nguyên nhân")).to_have_value("Gõ trên máy này.")
    assert Value.objects.get(target__code="MT1").numerator == 20  # nothing overwritten
    [copy] = kept(page).values()  # what was typed is still kept, now against the current version
    assert copy["version"] == str(Submission.objects.get().version) and copy["values"]["num_MT1"] == "2"


def test_a_page_left_right_after_typing_keeps_its_copy(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_num_MT1").fill("7")
    page.goto("/")  # at once: the copy's debounce has not run
    page.goto(form_url(q1, commune))
    banner = page.locator("#draft-restore")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Khôi phục").click()
    expect(page.locator("#id_num_MT1")).to_have_value("7")


def test_a_tab_closed_right_after_typing_keeps_its_copy(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.locator("#id_den_MT1").fill("8")
    context = page.context
    page.close(run_before_unload=True)
    again = context.new_page()
    again.goto(form_url(q1, commune))
    expect(again.locator("#draft-restore")).to_be_visible()
    assert kept(again)[f"dv-report:{officer.pk}:{commune.code}:{q1.id}"]["values"]["den_MT1"] == "8"


@pytest.mark.parametrize("header", ["kept", "dropped"])
def test_signing_out_drops_the_officers_copies(page, officer, commune, q1, header):
    """By the sign-out form's script, and by the response's Clear-Site-Data: each alone is enough."""
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    page.evaluate("localStorage.setItem('dv-report:999:00000:1', '{}')")  # another officer's, on a shared computer
    page.evaluate(f"localStorage.setItem('dv-report:{officer.pk}:03490:{q1.id}', '{{}}')")  # another of this one's
    if header == "dropped":  # as a browser that ignores the header (plain HTTP)

        def without_header(route):
            response = route.fetch(max_redirects=0)
            headers = {k: v for k, v in response.headers.items() if k.lower() != "clear-site-data"}
            route.fulfill(response=response, headers=headers)

        page.route("**/dang-xuat/", without_header)
    page.locator("#id_num_MT1").fill("9")  # then signs out at once: the copy must not be written on leaving
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    left = page.evaluate(KEPT)
    assert left == (["dv-report:999:00000:1"] if header == "dropped" else [])


# --- the texts' limits -----------------------------------------------------------------------------------------


def test_every_text_has_a_counter_and_an_over_long_paste_is_refused_not_cut(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    limited = page.locator("#report-form [data-max]")
    expect(page.locator("#report-form .counter")).to_have_count(limited.count())
    area = page.get_by_label("Hạn chế, nguyên nhân")
    counter = page.locator("#id_shortcomings-count")
    expect(counter).to_have_text("0 / 20.000 ký tự")

    pasted = "Dòng dài.." * 5_000  # 50 000 characters
    area.fill(pasted)
    assert page.evaluate("document.getElementById('id_shortcomings').value.length") == len(pasted)  # not cut
    expect(counter).to_contain_text("Dài 50.000 / 20.000 ký tự: quá giới hạn")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_timeout(300)
    assert not Submission.objects.exists()  # stopped in the browser
    assert page.evaluate("document.activeElement.id") == "id_shortcomings"

    # At the limit as the server counts it: each line break is sent as two characters.
    lines = "\n".join(["x" * 98] * 200)
    exact = lines + "x" * (TEXT_MAX - len(lines) - lines.count("\n"))
    area.fill(exact)
    expect(counter).to_have_text("20.000 / 20.000 ký tự")
    area.press("End")
    area.type("y")
    expect(counter).to_contain_text("Dài 20.001 / 20.000 ký tự")
    area.press("Backspace")
    expect(counter).to_have_text("20.000 / 20.000 ký tự")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    assert len(Submission.objects.get().shortcomings) == TEXT_MAX


def test_a_note_has_its_counter_and_its_limit(page, officer, commune, q1):
    log_in(page, "canbo")
    page.goto(form_url(q1, commune))
    note = page.locator("#id_note_MT6")
    counter = page.locator("#id_note_MT6-count")
    expect(counter).to_have_text(f"0 / {NOTE_MAX} ký tự")
    note.fill("g" * (NOTE_MAX + 1))
    expect(counter).to_contain_text(f"Dài {NOTE_MAX + 1} / {NOTE_MAX} ký tự: quá giới hạn")
    assert page.evaluate("document.getElementById('id_note_MT6').value.length") == NOTE_MAX + 1
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_timeout(300)
    assert not Submission.objects.exists()
