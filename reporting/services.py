"""Every change of a submission's state happens here, once, atomically, with its history entry."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from programme.models import Period, Target, Unit
from reporting.models import Submission, SubmissionEvent, Value

VALUE_FIELDS = ("numerator", "denominator", "note")


class SubmissionError(Exception):
    """A change the workflow refuses; the message is for the user, in Vietnamese."""


@dataclass(frozen=True)
class Figures:
    numerator: int | None
    denominator: int | None
    note: str = ""


def _locked_submission(*, unit: Unit, period: Period) -> tuple[Submission, bool]:
    """The (unit, period) submission, created as a draft if missing, locked for this transaction."""
    submission, created = Submission.objects.select_for_update().get_or_create(unit=unit, period=period)
    return submission, created


def _apply_values(submission: Submission, figures: Mapping[Target, Figures]) -> list[dict]:
    """Write the given figures and return what changed, target by target (old → new)."""
    existing = {value.target_id: value for value in submission.values.all()}
    changes, to_create, to_update = [], [], []
    for target, new in figures.items():
        value = existing.get(target.id)
        before = (value.numerator, value.denominator, value.note) if value else (None, None, "")
        if value is None:
            value = Value(submission=submission, target=target)
            to_create.append(value)
        else:
            to_update.append(value)
        for name, old in zip(VALUE_FIELDS, before, strict=True):
            if old != getattr(new, name):
                changes.append({"target": target.code, "field": name, "old": old, "new": getattr(new, name)})
            setattr(value, name, getattr(new, name))
    Value.objects.bulk_create(to_create)
    Value.objects.bulk_update(to_update, ["numerator", "denominator", "note"])
    return changes


def _record(
    submission: Submission,
    *,
    action: str,
    from_status: str,
    actor=None,
    actor_label: str = "",
    comment: str = "",
    changes: list[dict] | None = None,
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        from_status=from_status,
        to_status=submission.status,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else ""),
        comment=comment,
        changes=changes or [],
    )


@transaction.atomic
def submission_import(
    *, unit: Unit, period: Period, figures: Mapping[Target, Figures], actor=None, actor_label: str = ""
) -> Submission:
    """Load figures from a file into the (unit, period) report and mark it submitted.

    Refuses an approved report: it is locked until a reviewer reopens it.
    """
    submission, created = _locked_submission(unit=unit, period=period)
    if submission.status == Submission.Status.APPROVED:
        raise SubmissionError(f"Báo cáo {unit.name} — {period.name} đã được duyệt; cần mở lại trước khi nhập.")
    from_status = "" if created else submission.status
    changes = _apply_values(submission, figures)
    now = timezone.now()
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = actor
    submission.is_late = timezone.localdate(now) > period.due
    submission.version += 1
    submission.save(update_fields=["status", "submitted_at", "submitted_by", "is_late", "version", "updated_at"])
    _record(
        submission,
        action=SubmissionEvent.Action.IMPORTED,
        from_status=from_status,
        actor=actor,
        actor_label=actor_label,
        changes=changes,
    )
    return submission
