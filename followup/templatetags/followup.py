from django import template

register = template.Library()


@register.filter
def reminders_of(reminders: dict, unit_id: int) -> list:
    """The reminders of one unit from ``followup.reminders.latest_reminders``."""
    return reminders.get(unit_id, [])
