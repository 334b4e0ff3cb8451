"""The inline SVG charts, without the database: valid XML, escaped labels, geometry that matches the figures."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.charts import (
    BAR_LEFT,
    BAR_RIGHT,
    BAR_WIDTH,
    LABEL_CHARS,
    SPARK_HEIGHT,
    SPARK_PAD,
    bar_chart,
    sparkline,
    sparkline_domain,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & Xã'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_sparkline_is_an_image_with_a_text_equivalent():
    svg = sparkline([("Q1", Decimal("80")), ("6T", Decimal("85.5")), ("9T", None), ("Năm", None)], Decimal(90))
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 160 48"
    assert root.get("width") == "100%"
    label = root.get("aria-label")
    assert label == root.find("svg:title", NS).text
    assert "Q1 80,00% · 6T 85,50% · 9T — · Năm —" in label
    assert "ngưỡng 90,00%" in label


def test_sparkline_draws_a_point_per_value_and_breaks_the_line_at_a_gap():
    svg = sparkline(
        [("Q1", Decimal(50)), ("6T", Decimal(60)), ("9T", None), ("Năm", Decimal(90)), ("X", Decimal(95))],
        Decimal(100),
    )
    root = parse(svg)
    assert len(root.findall("svg:circle", NS)) == 4
    lines = root.findall("svg:polyline", NS)
    assert [len(line.get("points").split()) for line in lines] == [2, 2]


def test_sparkline_threshold_line_is_at_the_thresholds_height():
    bottom, top = sparkline_domain([Decimal(80)], Decimal(90))
    assert (bottom, top) == (Decimal(80), Decimal(100))
    root = parse(sparkline([("Q1", Decimal(80))], Decimal(90)))
    line = root.find("svg:line[@class='threshold']", NS)
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    assert float(line.get("y1")) == pytest.approx(SPARK_PAD + inner / 2)  # 90 is halfway between 100 and 80
    point = root.find("svg:circle", NS)
    assert float(point.get("cy")) == pytest.approx(SPARK_PAD + inner)  # 80 is the bottom


def test_sparkline_escapes_its_labels():
    svg = sparkline([(HOSTILE, Decimal(1))], Decimal(50), label=HOSTILE)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert HOSTILE in root.get("aria-label")  # the XML parser reads the escaped text back


def test_bar_chart_widths_are_proportional_and_the_threshold_is_at_its_x():
    rows = [("Xã A", Decimal(25)), ("Xã B", Decimal(50)), ("Xã C", Decimal(100)), ("Xã D", None)]
    root = parse(bar_chart(rows, Decimal(90)))
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith(f"0 0 {BAR_WIDTH} ")
    bars = root.findall(".//svg:rect[@class='value']", NS)
    widths = [float(bar.get("width")) for bar in bars]
    full = BAR_RIGHT - BAR_LEFT
    assert widths == pytest.approx([full * 0.25, full * 0.5, full])
    assert all(float(bar.get("x")) == BAR_LEFT for bar in bars)
    line = root.find("svg:line[@class='threshold']", NS)
    assert float(line.get("x1")) == float(line.get("x2")) == pytest.approx(BAR_LEFT + full * 0.9)
    texts = [text.text for text in root.iter(f"{{{NS['svg']}}}text")]
    assert texts == ["Xã A", "25,00%", "Xã B", "50,00%", "Xã C", "100,00%", "Xã D", "—"]


def test_bar_chart_escapes_names_and_keeps_long_ones_short():
    long_name = "Phòng Nông nghiệp và Phát triển nông thôn huyện " * 3
    svg = bar_chart([(HOSTILE, Decimal("99.99")), (long_name, Decimal(1))], Decimal(100), label=HOSTILE)
    assert "<script>" not in svg
    assert svg.count("&lt;script&gt;") >= 3  # aria-label, title and the bar's own name
    root = parse(svg)
    names = [text.text for text in root.iter(f"{{{NS['svg']}}}text")][::2]
    assert names[0] == HOSTILE
    assert names[1].endswith("…") and len(names[1]) <= LABEL_CHARS
    titles = [g.find("svg:title", NS).text for g in root.findall("svg:g", NS)]
    assert titles[1].startswith(long_name)  # the full name stays in the bar's title


def test_an_empty_chart_is_still_valid():
    assert parse(bar_chart([], Decimal(50))).get("role") == "img"
    assert parse(sparkline([], Decimal(50))).get("role") == "img"


percents = st.decimals(min_value=0, max_value=100, places=2)


@given(st.lists(st.one_of(st.none(), percents), max_size=8), percents)
def test_charts_are_always_valid_xml(values, threshold):
    points = [(f"K{i}", value) for i, value in enumerate(values)]
    for svg in (sparkline(points, threshold), bar_chart(points, threshold)):
        root = parse(svg)
        for element in root.iter(f"{{{NS['svg']}}}*"):
            if element is root:
                continue
            for name in ("x", "y", "width", "cx", "cy", "x1", "y1"):
                if element.get(name) is not None:
                    assert float(element.get(name)) >= 0
