"""Reminding units that have not reported: by the daily run (``manage.py send_reminders``, on the days the
programme's ``ReminderSchedule`` gives) and by a reviewer ("đôn đốc" on the completeness page).

A unit has reported a period when its report counts (submitted or approved, as the completeness page says);
a draft or a returned report is still missing. Every reminder is logged (``Reminder``): who sent it, to which
unit, when, and how it reached the unit's officers."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Action, officers_of, require
from followup import notify
from followup.models import Kind, Reminder, ReminderSchedule, schedule_for
from programme.models import Period, Programme, Unit
from programme.selectors import UnitInfo, reporting_units
from reporting.models import Submission


def units_missing(period: Period) -> list[UnitInfo]:
    """The units expected to report the period whose report does not count yet. Two queries."""
    reported = set(
        Submission.objects.filter(period=period, status__in=Submission.COUNTING).values_list("unit_id", flat=True)
    )
    return [unit for unit in reporting_units(period.programme, on=period.end) if unit.id not in reported]


def reminder_text(period: Period, unit_name: str, today: datetime.date) -> str:
    days = (period.due - today).days
    due = f"{period.due:%d/%m/%Y}"
    if days > 0:
        return f"Còn {days} ngày đến hạn nộp báo cáo {period.name} của {unit_name} (hạn {due})."
    if days == 0:
        return f"Hôm nay ({due}) là hạn nộp báo cáo {period.name} của {unit_name}."
    return f"Báo cáo {period.name} của {unit_name} đã quá hạn {-days} ngày (hạn {due}), đề nghị nộp ngay."


@dataclass(frozen=True)
class Sent:
    reminders: int = 0
    notifications: int = 0
    emails: int = 0


def due_reminders(today: datetime.date) -> list[tuple[Period, ReminderSchedule]]:
    """The periods whose missing units are reminded today, each with its programme's schedule."""
    found = []
    for programme in Programme.objects.all():
        schedule = schedule_for(programme)
        for period in Period.objects.filter(programme=programme).select_related("programme__area"):
            if schedule.reminds_on((period.due - today).days):
                found.append((period, schedule))
    return found


def send_reminders(today: datetime.date | None = None) -> Sent:
    """Remind, for every period due for a reminder today, each unit that has not reported. A unit already
    reminded today by this run is skipped: running it twice on a day sends nothing twice."""
    today = today or timezone.localdate()
    total = Sent()
    for period, _ in due_reminders(today):
        missing = units_missing(period)
        done = set(
            Reminder.objects.filter(
                period=period, day=today, source=Reminder.Source.SCHEDULE, unit__in=[u.id for u in missing]
            ).values_list("unit_id", flat=True)
        )
        todo = [unit for unit in missing if unit.id not in done]
        officers = officers_of([unit.id for unit in todo])
        for unit in todo:
            sent = _log(unit, period, officers.get(unit.id, []), today=today, source=Reminder.Source.SCHEDULE)
            if sent:
                total = Sent(total.reminders + 1, total.notifications + sent[0], total.emails + sent[1])
    return total


def _log(unit: UnitInfo, period: Period, officers: list, *, today, source, sender=None, message="") -> tuple | None:
    """Send and log one reminder, in one transaction; None when this run's reminder of the day is already
    there (another run got there first)."""
    kind = Kind.REMINDER if source == Reminder.Source.SCHEDULE else Kind.URGED
    text = reminder_text(period, unit.name, today)
    if source == Reminder.Source.REVIEWER:
        who = sender.get_full_name() or sender.get_username()
        text = f"Ban Dân vận ({who}) đôn đốc: {text}" + (f" Lời nhắn: {message}" if message else "")
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                unit_id=unit.id, period=period, source=source, day=today, sent_by=sender, message=message
            )
            made = notify.send(
                kind,
                officers,
                text=text,
                unit=Unit(pk=unit.id, code=unit.code, name=unit.name),
                period=period,
                links={user.pk: notify.report_link(unit, period, reviewer=False) for user in officers},
            )
            reminder.recipients = len(made)
            reminder.emailed = sum(1 for n in made if n.emailed)
            reminder.save(update_fields=["recipients", "emailed"])
    except IntegrityError:
        return None
    return reminder.recipients, reminder.emailed


MESSAGE_LIMIT = 1000


def urge(*, user, period: Period, unit_ids: list[int] | None, message: str) -> tuple[list[UnitInfo], list[int]]:
    """A reviewer's "đôn đốc": remind every missing unit of the period (``unit_ids`` None) or the ticked ones
    among them. Returns the units reminded and the ticked ids skipped (reported, or not expected)."""
    require(user, Action.REMIND, period.programme)
    missing = units_missing(period)
    if unit_ids is None:
        chosen, skipped = missing, []
    else:
        wanted = set(unit_ids)
        chosen = [unit for unit in missing if unit.id in wanted]
        skipped = sorted(wanted - {unit.id for unit in chosen})
    officers = officers_of([unit.id for unit in chosen])
    today = timezone.localdate()
    for unit in chosen:
        _log(
            unit,
            period,
            officers.get(unit.id, []),
            today=today,
            source=Reminder.Source.REVIEWER,
            sender=user,
            message=message,
        )
    return chosen, skipped


def urge_period(periods: list[Period], today: datetime.date) -> Period | None:
    """The period the "đôn đốc" form offers first: the latest one already due, else the first."""
    due = [period for period in periods if period.due <= today]
    return max(due, key=lambda period: period.due) if due else (periods[0] if periods else None)


def latest_reminders(unit_ids: list[int], periods: list[Period]) -> dict[int, list[dict]]:
    """Unit id → per period of ``periods`` that has any, the latest reminder and how many there were, for the
    completeness page. One query."""
    rows = (
        Reminder.objects.filter(unit__in=unit_ids, period__in=[p.id for p in periods])
        .select_related("sent_by")
        .order_by("unit_id", "period_id", "-sent_at", "-id")
    )
    names = {period.id: period.name for period in periods}
    found: dict[int, dict[int, dict]] = {}
    for reminder in rows:
        per_unit = found.setdefault(reminder.unit_id, {})
        entry = per_unit.get(reminder.period_id)
        if entry is None:
            per_unit[reminder.period_id] = {"latest": reminder, "count": 1, "period": names[reminder.period_id]}
        else:
            entry["count"] += 1
    order = {period.id: i for i, period in enumerate(periods)}
    return {
        unit_id: [entry for period_id, entry in sorted(per.items(), key=lambda item: order[item[0]])]
        for unit_id, per in found.items()
    }
