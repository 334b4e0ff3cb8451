from django import template
from django.utils.html import format_html, format_html_join

from programme.formatting import vn_decimal, vn_number, vn_percent

register = template.Library()


@register.filter
def unit_segment(code: str) -> str:
    """A unit's code as a segment of an address built by hand (``reporting.urls.UnitCode``)."""
    from reporting.urls import UnitCode

    return UnitCode().to_url(str(code))


@register.filter
def number(value, decimals=0):
    """{{ value|number }} → 1.500; {{ value|number:1 }} → 1.500,0"""
    return vn_number(value, int(decimals))


@register.filter
def decimal(value):
    """{{ programme.plausible_jump|decimal }} → 9,5 (the decimals it has, no more)"""
    return vn_decimal(value)


@register.filter
def percent(value, decimals=2):
    """{{ result.percent|percent }} → 99,99%"""
    return vn_percent(value, int(decimals))


@register.simple_tag
def id_options(choices, chosen):
    """{% id_options board.parents board.chosen.parent %}: a filter's ``<option>``s, one per choice (an object with
    an ``id`` and a ``name``), the chosen id selected. Written at once rather than by a loop in the template: a
    province's matrix offers a thousand parent units."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((choice.id, " selected" if choice.id == chosen else "", choice.name) for choice in choices),
    )


@register.simple_tag
def result_cell(cell):
    """{% result_cell cell %}: a table cell with one unit's result for one target (``matrix.ResultCell``), its
    colour, its figures and its word for screen readers. A tag rather than an included template: the matrix
    has six hundred of them."""
    label = cell.label
    if cell.css == "na":
        return format_html(
            '<td class="cell na" title="{}"><span aria-hidden="true">–</span><span class="visually-hidden">{}</span></td>',
            label,
            label,
        )
    if cell.result is None:
        return format_html(
            '<td class="cell no_data" title="{}"><span aria-hidden="true">·</span>'
            '<span class="visually-hidden">{}</span></td>',
            label,
            label,
        )
    result = cell.result
    figures = f"{vn_number(result.numerator)}/{vn_number(result.denominator)}"
    if getattr(cell, "lowest", ""):  # a target with categories: which of the unit's organisations lags
        return format_html(
            '<td class="cell {}" title="{} · {} · {}">{}<small>{}</small><small class="lowest">{}</small>'
            '<span class="visually-hidden">{}</span></td>',
            cell.css,
            figures,
            label,
            cell.lowest,
            vn_percent(result.percent),
            figures,
            cell.lowest,
            label,
        )
    return format_html(
        '<td class="cell {}" title="{} · {}">{}<small>{}</small><span class="visually-hidden">{}</span></td>',
        cell.css,
        figures,
        label,
        vn_percent(result.percent),
        figures,
        label,
    )
