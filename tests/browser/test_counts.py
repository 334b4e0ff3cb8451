"""The browser reads counts as the server does: static/js/counts.js on every shared vector, on the report form."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from programme.models import Period
from reporting.counts import COMMA
from tests.browser.conftest import log_in

VECTORS = json.loads((Path(__file__).parent.parent / "vectors" / "counts.json").read_text(encoding="utf-8"))


@pytest.fixture
def form(page, officer, commune, phong_tho):
    q1 = Period.objects.get(programme=phong_tho, code="2024Q1")
    log_in(page, "canbo")
    page.goto(f"/bao-cao/{q1.id}/{commune.code}/")
    return page


def test_the_script_gives_every_vector_the_servers_verdict(form):
    verdicts = form.evaluate(
        "inputs => inputs.map(input => window.dvCounts.parse(input))", [v["input"] for v in VECTORS]
    )
    wrong = [
        (vector["input"], verdict)
        for vector, verdict in zip(VECTORS, verdicts, strict=True)
        if verdict != {key: value for key, value in vector.items() if key != "input"}
    ]
    assert not wrong


def test_the_form_checks_its_boxes_with_the_script(form):
    mt6 = form.locator('fieldset[data-code="MT6"]')
    numerator = mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: tử số")
    numerator.fill("1,000")
    expect(mt6).to_contain_text(COMMA)
    numerator.fill("   ")
    mt6.get_by_label("Đoàn TNCS Hồ Chí Minh: mẫu số").fill("1.500")
    expect(mt6).not_to_contain_text(COMMA)
    expect(numerator).not_to_have_attribute("aria-invalid", "true")
