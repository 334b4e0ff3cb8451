""" "Meets" and the percentage shown: one rule each (``meets``; ``display_percent`` through ``vn_percent``) on
every page and in every document, held to the cases of tests/vectors/percent.json, which
tests/test_percent_script.py and the browser test run through the form's script (static/js/percent.js) too, and
tests/test_meets_sql.py through the database's count of the units meeting a target.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from programme.compliance import display_percent, meets
from programme.formatting import vn_percent
from reporting.services import Content, submission_save
from tests.addresses import programme_reverse
from tests.factories import total_figures
from tests.test_dashboards import period
from tests.test_review import submitted_by_officer

VECTORS_FILE = Path(__file__).parent / "vectors" / "percent.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize(
    "case", VECTORS, ids=[f"{v['num']}/{v['den']} {v['operator']} {v['threshold']}" for v in VECTORS]
)
def test_the_shown_percentage_follows_the_shared_vectors(case):
    assert meets(case["num"], case["den"], case["operator"], Decimal(case["threshold"])) is case["met"], case["why"]
    shown = display_percent(case["num"], case["den"], case["operator"], Decimal(case["threshold"]))
    assert vn_percent(shown) == case["shown"], case["why"]
    assert Template("{% load vn %}{{ value|percent }}").render(Context({"value": shown})) == case["shown"]


def test_short_of_everyone_never_reads_100_percent_on_the_form_and_the_review_page(
    client, officer, reviewer, commune, phong_tho, targets
):
    """MT6 asks for "trên 90%": 99 999 of 100 000 meets it, and is still not everyone."""
    q1 = period(phong_tho, "2024Q1")
    submission_save(
        user=officer,
        unit=commune,
        period=q1,
        version=None,
        content=Content(figures={targets["MT6"]: total_figures(targets["MT6"], 99_999, 100_000)}),
        submit=False,
    )
    client.force_login(officer)
    form = client.get(reverse("report", args=[q1.id, commune.code])).text
    assert '<output data-role="pct">99,99%</output>' in form
    assert "100,00%" not in form

    s1 = period(phong_tho, "2024S1")
    submitted_by_officer(officer, commune, s1, figures=(99_999, 100_000))
    for user, url in [
        (officer, reverse("report", args=[s1.id, commune.code])),
        (reviewer, reverse("review", args=[s1.id, commune.code])),
        (reviewer, programme_reverse("unit_dashboard", args=[commune.code])),
    ]:
        client.force_login(user)
        text = client.get(url).text.replace("ngưỡng 100,00%", "")  # the sparkline names MT1's threshold
        assert "99,99%" in text and "100,00%" not in text, url
