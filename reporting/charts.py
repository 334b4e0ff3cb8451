"""Small charts drawn on the server as inline SVG: no script, no chart library, readable without CSS.

Each function returns markup it built itself: every label goes through ``escape`` and every number is
formatted here, so the result is safe to mark as such. The SVG has a fixed ``viewBox`` and scales to the
width of its container; ``role="img"`` with a ``<title>`` and an ``aria-label`` carry the same figures as
text, and the pages show a table beside each chart.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from programme.formatting import vn_percent

SVG_NS = "http://www.w3.org/2000/svg"

# Sparkline: a small trend line in a card.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 160, 48, 6

# Bar chart: one row per unit, the name above its bar so that a phone's width is enough for both.
BAR_WIDTH = 320  # about a phone's width, so that 13 units of text read as 13 pixels there
BAR_LEFT, BAR_RIGHT = 2, 262  # the bar area, 0% to 100%; the value is written right of the bar area
BAR_ROW, BAR_TOP = 34, 8
LABEL_CHARS = 44


def _n(value: float | Decimal) -> str:
    """A coordinate, short and locale-free (SVG wants a decimal point)."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(width: int, height: int, label: str, body: list[str], css: str) -> SafeString:
    text = escape(label)
    # Safe: every label in ``body`` was escaped where it was put there, and ``text`` just above.
    return mark_safe(
        f'<svg xmlns="{SVG_NS}" class="{css}" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{text}"><title>{text}</title>'
        + "".join(body)
        + "</svg>"
    )


def sparkline_domain(values: list[Decimal], threshold: Decimal) -> tuple[Decimal, Decimal]:
    """The percentages the sparkline spans: from a round ten at or below every value and the threshold, to 100,
    at least 10 points tall, so that a move of a few points shows without exaggerating it."""
    low = min([*values, threshold])
    bottom = Decimal(int(low // 10 * 10))
    return min(bottom, Decimal(90)), Decimal(100)


def sparkline(points: list[tuple[str, Decimal | None]], threshold: Decimal, *, label: str = "") -> SafeString:
    """A trend over the programme's periods: ``points`` are (short period name, percent or None for no data),
    in order. The threshold is a dashed line; a period without data leaves a gap in the line."""
    values = [value for _, value in points if value is not None]
    bottom, top = sparkline_domain(values, threshold)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / (len(points) - 1) if len(points) > 1 else 0

    def x(index: int) -> float:
        return SPARK_PAD + (step * index if len(points) > 1 else inner_w / 2)

    def y(value: Decimal) -> float:
        return SPARK_PAD + float((top - value) / (top - bottom)) * inner_h

    body = [
        f'<line class="threshold" x1="{SPARK_PAD}" x2="{SPARK_WIDTH - SPARK_PAD}" y1="{_n(y(threshold))}" '
        f'y2="{_n(y(threshold))}" stroke="#5b6575" stroke-dasharray="3 3" stroke-width="1"/>'
    ]
    segment: list[str] = []
    for index, (_, value) in enumerate([*points, ("", None)]):
        if value is None:
            if len(segment) > 1:
                body.append(
                    f'<polyline class="trend" fill="none" stroke="#1a5fb4" stroke-width="2" points="{" ".join(segment)}"/>'
                )
            segment = []
            continue
        segment.append(f"{_n(x(index))},{_n(y(value))}")
    for index, (name, value) in enumerate(points):
        if value is not None:
            body.append(
                f'<circle cx="{_n(x(index))}" cy="{_n(y(value))}" r="3" fill="#1a5fb4">'
                f"<title>{escape(name)}: {vn_percent(value)}</title></circle>"
            )
    summary = " · ".join(f"{name} {vn_percent(value)}" for name, value in points)
    text = f"{label}: {summary}" if label else summary
    return _svg(SPARK_WIDTH, SPARK_HEIGHT, f"{text}; ngưỡng {vn_percent(threshold)}", body, "sparkline")


def bar_x(percent: Decimal) -> float:
    """Where a percentage falls on the bar chart's axis."""
    return BAR_LEFT + float(percent) / 100 * (BAR_RIGHT - BAR_LEFT)


def bar_chart(rows: list[tuple[str, Decimal | None]], threshold: Decimal, *, label: str = "") -> SafeString:
    """Horizontal bars, one per (name, percent) in the given order, on a 0–100% axis with the threshold as a
    vertical line. A row without a percentage shows its name and "—"."""
    height = BAR_TOP * 2 + BAR_ROW * max(len(rows), 1)
    body = []
    for index, (name, value) in enumerate(rows):
        top = BAR_TOP + index * BAR_ROW
        title = f"{escape(name)}: {vn_percent(value)}"
        body.append(f'<g class="bar"><title>{title}</title>')
        body.append(f'<text x="{BAR_LEFT}" y="{top + 12}" font-size="13">{escape(_clip(name, LABEL_CHARS))}</text>')
        body.append(
            f'<rect x="{BAR_LEFT}" y="{top + 17}" width="{_n(BAR_RIGHT - BAR_LEFT)}" height="12" fill="#eceef2"/>'
        )
        if value is not None:
            end = bar_x(value)
            body.append(
                f'<rect class="value" x="{BAR_LEFT}" y="{top + 17}" width="{_n(end - BAR_LEFT)}" height="12" '
                f'fill="#1a5fb4"/>'
            )
        body.append(f'<text x="{BAR_RIGHT + 5}" y="{top + 28}" font-size="12">{vn_percent(value)}</text></g>')
    line = _n(bar_x(threshold))
    body.append(
        f'<line class="threshold" x1="{line}" x2="{line}" y1="{BAR_TOP}" y2="{height - BAR_TOP}" '
        f'stroke="#a3161a" stroke-width="2" stroke-dasharray="4 2"/>'
    )
    summary = "; ".join(f"{name} {vn_percent(value)}" for name, value in rows)
    text = f"{label}: {summary}" if label else summary
    return _svg(BAR_WIDTH, height, f"{text}; ngưỡng {vn_percent(threshold)}", body, "bar-chart")
