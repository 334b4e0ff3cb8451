"""How to count each target ("cách tính"): programme data, shown on the report form, in the Excel template and on
the target's page, so that every unit counts the same way."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from programme.models import Target
from tests.addresses import programme_reverse
from tests.test_review import period


def test_every_2024_target_says_how_to_count_it(phong_tho):
    targets = Target.objects.filter(programme=phong_tho)
    assert targets.count() == 12 and all(len(target.guidance) > 80 for target in targets)
    guidance = {target.code: target.guidance for target in targets}
    assert "tự đánh giá mình (1/1 hoặc 0/1)" in guidance["MT4b"]  # a single office counts itself
    assert "không lớn hơn tử số MT4b" in guidance["MT4c"] and "chỉ được đếm một lần" in guidance["MT1"]


def test_the_form_shows_how_to_count_each_target(client, officer, commune, phong_tho):
    q1 = period(phong_tho, "2024Q1")
    client.force_login(officer)
    page = client.get(reverse("report", args=[q1.id, commune.code])).text
    mt3b = Target.objects.get(programme=phong_tho, code="MT3b")
    assert page.count('<details class="guidance"><summary>Cách tính</summary>') == 10  # the targets of Q1
    assert f"<p>{mt3b.guidance}</p>" in page


def test_a_target_without_guidance_shows_none(client, officer, commune, phong_tho):
    Target.objects.filter(programme=phong_tho).update(guidance="")
    q1 = period(phong_tho, "2024Q1")
    client.force_login(officer)
    assert "Cách tính" not in client.get(reverse("report", args=[q1.id, commune.code])).text


def test_the_template_carries_a_sheet_of_how_to_count(client, officer, commune, phong_tho):
    q1 = period(phong_tho, "2024Q1")
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(client.get(reverse("report_template", args=[q1.id, commune.code])).content))
    sheet = workbook["Cách tính"]
    rows = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["MT4b"] == Target.objects.get(programme=phong_tho, code="MT4b").guidance
    assert len(rows) == 10 and sheet.protection.sheet


def test_the_target_page_shows_how_to_count(client, reviewer, phong_tho):
    target = Target.objects.get(programme=phong_tho, code="MT6")
    client.force_login(reviewer)
    page = client.get(programme_reverse("target_dashboard", args=[target.id])).text
    assert "Cách tính</h2>" in page and target.guidance in page
