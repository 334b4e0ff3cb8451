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
    for org in ("Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh"):  # MT6 is typed per organisation
        mt6.get_by_label(f"{org}: tử số").fill("0")
        mt6.get_by_label(f"{org}: mẫu số").fill("0")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: mẫu số").fill("100.000")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: tử số").fill("99.999")
    expect(mt6.locator('[data-role="pct"]')).to_have_text("99,99%")
