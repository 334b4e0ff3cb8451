from django import template

from programme.formatting import vn_number, vn_percent

register = template.Library()


@register.filter
def number(value, decimals=0):
    """{{ value|number }} → 1.500; {{ value|number:1 }} → 1.500,0"""
    return vn_number(value, int(decimals))


@register.filter
def percent(value, decimals=2):
    """{{ result.percent|percent }} → 99,99%"""
    return vn_percent(value, int(decimals))
