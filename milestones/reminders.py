"""The daily run's reminders of milestones (``manage.py send_reminders``): on the days the programme's
``ReminderSchedule`` gives, counted from a milestone's due date, every unit that must deliver it and has not is
reminded, once a day however often the run is made (``MilestoneReminder``)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.permissions import officers_of
from followup import notify
from followup.models import Kind, schedule_for
from milestones.models import MilestoneReminder
from milestones.selectors import milestone_rows
from programme.models import Programme, Unit
from programme.selectors import UnitInfo


def milestone_text(name: str, due: datetime.date, unit_name: str, today: datetime.date) -> str:
    days, day = (due - today).days, f"{due:%d/%m/%Y}"
    if days > 0:
        return f"Còn {days} ngày đến hạn hoàn thành “{name}” của {unit_name} (hạn {day})."
    if days == 0:
        return f"Hôm nay ({day}) là hạn hoàn thành “{name}” của {unit_name}."
    return f"“{name}” của {unit_name} đã quá hạn {-days} ngày (hạn {day}): đề nghị hoàn thành và ghi vào ứng dụng."


def send_milestone_reminders(today: datetime.date) -> tuple[int, int, int]:
    """Remind, for every milestone due for a reminder today, each unit that must deliver it and has not (a
    returned one too). Returns (units reminded, notifications, e-mails)."""
    reminded = notifications = emails = 0
    for programme in Programme.objects.select_related("area"):
        schedule = schedule_for(programme)
        found = milestone_rows(programme, today=today)
        for milestone in found.milestones:
            if not schedule.reminds_on((milestone.due - today).days):
                continue
            late = [
                found.units[unit_id]
                for (milestone_id, unit_id), mark in found.standings.items()
                if milestone_id == milestone.id and not mark.done
            ]
            done = set(
                MilestoneReminder.objects.filter(milestone=milestone, day=today).values_list("unit_id", flat=True)
            )
            todo = [unit for unit in late if unit.id not in done]
            officers = officers_of([unit.id for unit in todo])
            for unit in todo:
                sent = _log(milestone, unit, officers.get(unit.id, []), today, programme_code=programme.code)
                if sent:
                    reminded, notifications, emails = reminded + 1, notifications + sent[0], emails + sent[1]
    return reminded, notifications, emails


def _log(
    milestone, unit: UnitInfo, officers: list, today: datetime.date, *, programme_code: str
) -> tuple[int, int] | None:
    """Send and log one reminder, in one transaction; None when today's is already there."""
    link = reverse("unit_milestones", args=[programme_code, unit.code])
    try:
        with transaction.atomic():
            reminder = MilestoneReminder.objects.create(milestone=milestone, unit_id=unit.id, day=today)
            made = notify.send(
                Kind.MILESTONE,
                officers,
                text=milestone_text(milestone.name, milestone.due, unit.name, today),
                unit=Unit(pk=unit.id, code=unit.code, name=unit.name),
                links={user.pk: link for user in officers},
            )
            reminder.recipients, reminder.emailed = len(made), sum(1 for n in made if n.emailed)
            reminder.save(update_fields=["recipients", "emailed"])
    except IntegrityError:
        return None
    return reminder.recipients, reminder.emailed
