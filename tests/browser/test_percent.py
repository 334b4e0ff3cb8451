"""The form's script meets and shows the percentage by the server's rule: static/js/percent.js on every case of
tests/vectors/percent.json in the browser, and the form's live output through it."""

from playwright.sync_api import expect

from programme.models import Period
from tests.browser.conftest import log_in
from tests.test_percent_display import VECTORS


def test_the_script_shows_every_shared_vector_as_the_server_does(page, officer, commune, phong_tho):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    log_in(page, "canbo")
    page.goto(f"/bao-cao/{q1.id}/{commune.code}/")
    shown = page.evaluate(
        "vectors => vectors.map(v => [window.dvPercent(v.num, v.den, v.operator, v.threshold),"
        " window.dvMeets(v.num, v.den, v.operator, v.threshold)])",
        VECTORS,
    )
    assert [(v["num"], v["den"], v["operator"], v["threshold"], *s) for v, s in zip(VECTORS, shown, strict=True)] == [
        (v["num"], v["den"], v["operator"], v["threshold"], v["shown"], v["met"]) for v in VECTORS
    ]
    mt6 = page.locator('fieldset[data-code="MT6"]')  # "trên 90%": met, and still not everyone
    mt6.get_by_label("Tổng số quần chúng").fill("100.000")
    mt6.get_by_label("Số quần chúng là đoàn viên").fill("99.999")
    expect(mt6.locator("output")).to_have_text("99,99%")
