"""Every change of a submission's state happens here, once, atomically, with its history entry.

Each service checks who may do it and in which state, locks the submission row for the transaction, and
refuses a stale version, so that two people acting at once never overwrite each other.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Action, require
from followup import notify
from followup.models import Kind
from programme.models import Period, Target, TaskGroup, Unit
from programme.rules import Coverage, not_typed, report_coverage
from programme.selectors import unit_info, validation_rules
from programme.validation import FigureMap, Rule, Violation, errors_and_warnings
from reporting.breakdowns import BreakdownError, Part, breakdown_total, categories_by_target
from reporting.models import CLOSING_TEXTS, Narrative, SignedDocument, Submission, SubmissionEvent, Value, ValuePart
from reporting.selectors.compliance import register_figures_at, register_of
from reporting.signed import keep_signed
from reporting.totals import totals_changed

VALUE_FIELDS = ("numerator", "denominator", "note")
EXCERPT = 80  # characters of a changed text quoted in the history
EDITABLE = (Submission.Status.DRAFT, Submission.Status.RETURNED)


class SubmissionError(Exception):
    """A change the workflow refuses; the message is for the user, in Vietnamese."""


class StaleSubmission(SubmissionError):
    """The report was saved by someone else after this form was opened."""

    def __init__(self, submission: Submission):
        self.submission = submission
        when = timezone.localtime(submission.updated_at).strftime("%H:%M ngày %d/%m/%Y")
        super().__init__(
            f"Báo cáo này vừa được lưu lúc {when}, sau khi đồng chí mở biểu mẫu. Số liệu đồng chí đã nhập vẫn "
            "được giữ bên dưới: xem lại so với bản đã lưu rồi lưu lại."
        )


@dataclass(frozen=True)
class Figures:
    """A target's figures. For a target with categories the caller gives ``parts`` (category → its figures), and
    the numerator and denominator are the parts' sums, computed by the service (``reporting.breakdowns``),
    never taken from the caller."""

    numerator: int | None
    denominator: int | None
    note: str = ""
    parts: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """What an officer types into a report: figures per target and the narrative."""

    figures: Mapping[Target, Figures] = field(default_factory=dict)
    narratives: Mapping[TaskGroup, str] = field(default_factory=dict)
    shortcomings: str = ""
    next_steps: str = ""
    proposals: str = ""
    # The officer's explanations of the warnings, by rule code; None leaves the saved ones as they are.
    explanations: Mapping[str, str] | None = None


def _locked_submission(*, unit: Unit, period: Period) -> tuple[Submission, bool]:
    """The (unit, period) submission, created as a draft if missing, locked for this transaction."""
    return Submission.objects.select_for_update().get_or_create(unit=unit, period=period)


def _locked(submission: Submission, version: int | None) -> Submission:
    """The submission re-read under a row lock; refused if it changed since ``version`` was read. Only the
    submission's row is locked: a lock on its period's or unit's row would block every other change that
    writes a row referring to them (the kept sums do) until this one commits, and could deadlock with it."""
    current = Submission.objects.select_for_update(of=("self",)).select_related("unit", "period").get(pk=submission.pk)
    if version is not None and current.version != version:
        raise StaleSubmission(current)
    return current


def _totalled(figures: Mapping[Target, Figures], *, complete: bool) -> dict[Target, Figures]:
    """The figures with each target's numerator and denominator made the sum of its parts where the target has
    categories. Refuses parts for a target without categories, a total given without its parts, and parts that
    break ``reporting.breakdowns``' rules (every part's figures when ``complete``). One query."""
    categories = categories_by_target(figures)
    totalled = {}
    for target, given in figures.items():
        own = categories.get(target.id)
        if not own:
            if given.parts:
                raise SubmissionError(f"Chỉ tiêu {target.code} không báo cáo theo từng tổ chức.")
            totalled[target] = given
            continue
        if not given.parts and (given.numerator is not None or given.denominator is not None):
            names = ", ".join(c.name for c in own)
            raise SubmissionError(f"Chỉ tiêu {target.code} được báo cáo theo từng tổ chức ({names}), không nhập tổng.")
        try:
            total = breakdown_total(target, own, given.parts, complete=complete)
        except BreakdownError as error:
            raise SubmissionError(error.message) from error
        parts = {category: given.parts.get(category, Part(None, None)) for category in own}
        totalled[target] = replace(given, numerator=total.numerator, denominator=total.denominator, parts=parts)
    return totalled


def _apply_parts(values: list[tuple[Value, Target, Figures]]) -> list[dict]:
    """Write the parts of the values of targets with categories, and return what changed (old → new), each
    change naming its category. Two queries, whatever the number of values."""
    values = [(value, target, figures) for value, target, figures in values if figures.parts]
    if not values:
        return []
    existing = {
        (part.value_id, part.category_id): part
        for part in ValuePart.objects.filter(value__in=[value for value, _, _ in values])
    }
    changes, to_create, to_update = [], [], []
    for value, target, figures in values:
        for category, new in figures.parts.items():
            part = existing.get((value.id, category.id))
            if part is None:
                part = ValuePart(value=value, category=category)
                to_create.append(part)
            else:
                to_update.append(part)
            for name in ("numerator", "denominator"):
                old = getattr(part, name)
                if old != getattr(new, name):
                    changes.append(
                        {
                            "target": target.code,
                            "category": category.name,
                            "field": name,
                            "old": old,
                            "new": getattr(new, name),
                        }
                    )
                setattr(part, name, getattr(new, name))
    ValuePart.objects.bulk_create(to_create)
    ValuePart.objects.bulk_update(to_update, ["numerator", "denominator"])
    return changes


def _apply_values(submission: Submission, figures: Mapping[Target, Figures]) -> list[dict]:
    """Write the given figures and return what changed, target by target (old → new); a target with categories
    has its parts written with it (``_totalled`` made its figures their sums)."""
    existing = {value.target_id: value for value in submission.values.all()}
    changes, to_create, to_update, written = [], [], [], []
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
        written.append((value, target, new))
    Value.objects.bulk_create(to_create)
    Value.objects.bulk_update(to_update, ["numerator", "denominator", "note"])
    return changes + _apply_parts(written)


def text_change(*, name: str, label: str, old: str, new: str) -> dict:
    """A text's change as the history keeps it: the previous text in full, so that none is ever lost, and what
    changed in a few words (characters added and removed, and the start of the changed part). The new text is
    the next change's previous one, or the report's own: keeping it again would make every save of a long
    text cost its length twice, and the history page grow with it."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    added, removed = new[prefix : len(new) - suffix], old[prefix : len(old) - suffix]
    part = added or removed
    return {
        "target": "",
        "field": label,
        "text": name,
        "old": old,
        "added": len(added),
        "removed": len(removed),
        "excerpt": part[:EXCERPT] + ("…" if len(part) > EXCERPT else ""),
    }


def group_change(group: TaskGroup, *, old: str, new: str) -> dict:
    """A task group's text changed, as the history keeps it (``text_change``), named as the form names it."""
    return text_change(name=f"group_{group.number}", label=f"Nhóm nhiệm vụ {group.number}", old=old, new=new)


def _apply_texts(submission: Submission, content: Content, *, closing=CLOSING_TEXTS) -> list[dict]:
    """Write the narrative (its task groups, and of the closing texts those named in ``closing``) and return what
    changed, each with its previous text, so no earlier text is lost."""
    changes = []
    existing = {n.task_group_id: n for n in submission.narratives.all()}
    for group, text in content.narratives.items():
        narrative = existing.get(group.id) or Narrative(submission=submission, task_group=group)
        if narrative.text != text:
            changes.append(group_change(group, old=narrative.text, new=text))
            narrative.text = text
            narrative.save()
    for name, label in Submission.closing_texts().items():
        if name not in closing:
            continue
        old, new = getattr(submission, name), getattr(content, name)
        if old != new:
            changes.append(text_change(name=name, label=label, old=old, new=new))
            setattr(submission, name, new)
    if content.explanations is not None:
        kept = dict(submission.explanations)
        for code, new in content.explanations.items():
            old = kept.get(code, "")
            if old != new:
                label = f"Giải trình cảnh báo {code}"
                changes.append(text_change(name=f"explanation_{code}", label=label, old=old, new=new))
                if new:
                    kept[code] = new
                else:
                    kept.pop(code, None)
        submission.explanations = kept
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
    """Keep the change in the report's history, and the areas' kept sums and counts with it when the report
    counts, or counted until now (a report enters and leaves "returned" only from and to a counting one)."""
    if from_status in Submission.COUNTING or submission.counts:
        totals_changed(periods=[submission.period], parents=[submission.unit.parent_id])
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        from_status=from_status,
        to_status=submission.status,
        actor=actor,
        actor_label=actor_label or (actor.get_full_name() or actor.get_username() if actor else ""),
        comment=comment,
        changes=changes or [],
    )


def _mark_submitted(submission: Submission, actor) -> None:
    now = timezone.now()
    if submission.submitted_at is None:  # timeliness is judged by the first submission
        submission.is_late = timezone.localdate(now) > submission.period.due
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = actor


def missing_for_submit(content: Content, coverage: Coverage) -> list[str]:
    """What a report still lacks before it can be submitted, as Vietnamese phrases (empty: complete). Judged
    against what the report covers, not against what the content happens to hold."""
    missing = [
        f"số liệu chỉ tiêu {t.code}"
        for t in coverage.typed
        if (figures := content.figures.get(t)) is None or figures.numerator is None or figures.denominator is None
    ]
    missing += [
        f"kết quả nhóm nhiệm vụ {g.number}" for g in coverage.asked if not content.narratives.get(g, "").strip()
    ]
    missing += [
        label.lower() for name, label in Submission.closing_texts().items() if not getattr(content, name).strip()
    ]
    return missing


def figure_map(figures: Mapping[Target, Figures]) -> FigureMap:
    """The figures as ``programme.validation`` reads them: target code → (numerator, denominator)."""
    return {target.code: (f.numerator, f.denominator) for target, f in figures.items()}


def rule_errors(rules: list[Rule], figures: FigureMap) -> list[Violation]:
    """The error rules the figures break: each refuses the report's submission and any file that holds it."""
    return errors_and_warnings(rules, figures)[0]


def refused_by_rules(violations: list[Violation]) -> str:
    return "Số liệu chưa hợp lý, chưa nộp được: " + "; ".join(v.text for v in violations) + "."


def unexplained_warnings(rules: list[Rule], figures: FigureMap, explanations: Mapping[str, str]) -> list[Violation]:
    """The warnings the figures raise that the officer has not explained yet."""
    warnings = errors_and_warnings(rules, figures)[1]
    return [v for v in warnings if not (explanations.get(v.rule.code) or "").strip()]


def _check_rules(period: Period, figures: FigureMap, explanations: Mapping[str, str] | None) -> None:
    """Refuse a submission that breaks an error rule or, when ``explanations`` are asked for (the officer's
    form), raises a warning without one. A file's warnings are left for the reviewer to read."""
    rules = validation_rules(period.programme_id)
    if not rules:
        return
    if errors := rule_errors(rules, figures):
        raise SubmissionError(refused_by_rules(errors))
    if explanations is not None and (unexplained := unexplained_warnings(rules, figures, explanations)):
        raise SubmissionError("Chưa nộp được, cần giải trình cảnh báo: " + "; ".join(v.text for v in unexplained) + ".")


def _refuse_uncovered(figures: Mapping[Target, Figures], *, unit: Unit, period: Period) -> None:
    """Refuse figures for a target the report does not cover, or one the register gives: they would be kept
    where nobody sees or counts them. No query when the targets' kinds are prefetched, as the callers read
    them."""
    for target in figures:
        if target.programme_id != period.programme_id:
            reason = f"chỉ tiêu {target.code} thuộc chương trình khác"
        else:
            reason = not_typed(target, unit=unit, period=period)
        if reason:
            raise SubmissionError(f"Báo cáo {unit.name} — {period.name} không nhận số liệu này: {reason}.")


def _written_groups(submission: Submission) -> set[int]:
    """The task groups the report already holds a text for. One query."""
    return set(submission.narratives.exclude(text="").values_list("task_group_id", flat=True))


@transaction.atomic
def submission_save(
    *, user, unit: Unit, period: Period, version: int | None, content: Content, submit: bool
) -> Submission:
    """Save the officer's report as a draft, or submit it. ``version`` is the one the form was opened with
    (None for a report not yet created). What the report covers is decided here, never by the caller."""
    require(user, Action.EDIT_REPORT, unit)
    submission, created = _locked_submission(unit=unit, period=period)
    if not created and version is not None and submission.version != version:
        raise StaleSubmission(submission)
    if not created and version is None:
        raise StaleSubmission(submission)
    if submission.status not in EDITABLE:
        raise SubmissionError(f"Báo cáo đang ở trạng thái “{submission.get_status_display()}”, không sửa được.")
    coverage = report_coverage(unit, period, written=() if created else _written_groups(submission))
    _refuse_uncovered(content.figures, unit=unit, period=period)
    content = replace(content, figures=_totalled(content.figures, complete=submit))
    if stray := [g.number for g in content.narratives if g not in coverage.task_groups]:
        raise SubmissionError(f"Báo cáo {period.name} không có nhóm nhiệm vụ {', '.join(map(str, stray))}.")
    if submit and (missing := missing_for_submit(content, coverage)):
        raise SubmissionError("Chưa nộp được, còn thiếu: " + ", ".join(missing) + ".")
    if submit:
        explanations = submission.explanations if content.explanations is None else content.explanations
        _check_rules(period, figure_map(content.figures), explanations)
    from_status = "" if created else submission.status
    changes = _apply_values(submission, content.figures) + _apply_texts(submission, content)
    if not (created or submit or changes):
        return submission  # nothing to save: the version and the history stay as they are
    if submit:
        _mark_submitted(submission, user)
    submission.version += 1
    submission.save()
    action = SubmissionEvent.Action.SUBMITTED if submit else SubmissionEvent.Action.SAVED
    _record(submission, action=action, from_status=from_status, actor=user, changes=changes)
    if submit:
        notify.report_submitted(submission)
    return submission


@transaction.atomic
def submission_approve(*, user, submission: Submission, version: int | None) -> Submission:
    """Approve a submitted report; it is then locked until reopened."""
    require(user, Action.REVIEW_UNIT, submission.unit)
    submission = _locked(submission, version)
    if submission.status != Submission.Status.SUBMITTED:
        raise SubmissionError(f"Chỉ duyệt được báo cáo đã nộp; báo cáo đang “{submission.get_status_display()}”.")
    changes = _fix_register_figures(submission)
    return _review(submission, user, Submission.Status.APPROVED, SubmissionEvent.Action.APPROVED, "", changes)


@transaction.atomic
def submission_return(*, user, submission: Submission, version: int | None, comment: str) -> Submission:
    """Send a submitted report back to the unit with a comment saying what to correct."""
    require(user, Action.REVIEW_UNIT, submission.unit)
    if not comment.strip():
        raise SubmissionError("Cần ghi ý kiến: đơn vị phải biết cần sửa gì.")
    submission = _locked(submission, version)
    if submission.status != Submission.Status.SUBMITTED:
        raise SubmissionError(f"Chỉ trả lại được báo cáo đã nộp; báo cáo đang “{submission.get_status_display()}”.")
    return _review(submission, user, Submission.Status.RETURNED, SubmissionEvent.Action.RETURNED, comment.strip())


@transaction.atomic
def submission_reopen(*, user, submission: Submission, version: int | None, reason: str) -> Submission:
    """Reopen an approved report for correction by its unit; the reason is required and kept."""
    require(user, Action.REVIEW_UNIT, submission.unit)
    if not reason.strip():
        raise SubmissionError("Cần ghi lý do mở lại báo cáo đã duyệt.")
    submission = _locked(submission, version)
    if submission.status != Submission.Status.APPROVED:
        raise SubmissionError(f"Chỉ mở lại được báo cáo đã duyệt; báo cáo đang “{submission.get_status_display()}”.")
    changes = _release_register_figures(submission)
    return _review(
        submission, user, Submission.Status.RETURNED, SubmissionEvent.Action.REOPENED, reason.strip(), changes
    )


def _fix_register_figures(submission: Submission) -> list[dict]:
    """Store MT5a/MT5b as the register gives them now as the report's values, so that the approved report keeps
    them whatever the register says later; returns what changed, for the history."""
    period, unit = submission.period, submission.unit
    targets = report_coverage(unit, period).derived
    if not targets:
        return []
    found = register_of(period.programme, periods=[period], unit_ids=[unit.id])
    register = register_figures_at(period, [unit_info(unit)], found)
    figures = {target: register[target.source][unit.id] for target in targets}
    return _apply_values(submission, {t: Figures(f.numerator, f.denominator) for t, f in figures.items()})


def _release_register_figures(submission: Submission) -> list[dict]:
    """Drop the register figures fixed at approval: the reopened report follows the register as it is now.
    Returns what was dropped, for the history."""
    fixed = submission.values.exclude(target__source=Target.Source.REPORTED).select_related("target")
    changes = [
        {"target": value.target.code, "field": name, "old": getattr(value, name), "new": None}
        for value in fixed.order_by("target__order")
        for name in ("numerator", "denominator")
    ]
    fixed.delete()
    return changes


def _review(
    submission: Submission, user, status: str, action: str, comment: str, changes: list[dict] | None = None
) -> Submission:
    from_status = submission.status
    submission.status = status
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = user
    submission.review_comment = comment
    submission.version += 1
    submission.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "version", "updated_at"])
    _record(submission, action=action, from_status=from_status, actor=user, comment=comment, changes=changes)
    notify.report_reviewed(submission, REVIEW_NOTICES[action], comment)
    return submission


REVIEW_NOTICES = {
    SubmissionEvent.Action.APPROVED: Kind.APPROVED,
    SubmissionEvent.Action.RETURNED: Kind.RETURNED,
    SubmissionEvent.Action.REOPENED: Kind.REOPENED,
}


def imported_content(unit: Unit, period: Period, texts: Mapping[str, str], coverage: Coverage) -> Content:
    """A file's texts as a report's content: ``texts`` by the form's names ("group_2", "shortcomings"); a text of
    a task group the report does not have, or of no section at all, is refused, as on the form."""
    groups = {f"group_{group.number}": group for group in coverage.task_groups}
    if stray := [name for name in texts if name not in groups and name not in CLOSING_TEXTS]:
        shown = ", ".join(name.replace("group_", "nhóm nhiệm vụ ") for name in stray)
        raise SubmissionError(f"Báo cáo {unit.name} — {period.name} không có mục {shown}.")
    return Content(
        narratives={groups[name]: text for name, text in texts.items() if name in groups},
        **{name: texts.get(name, "") for name in CLOSING_TEXTS},
    )


@transaction.atomic
def submission_import(
    *,
    unit: Unit,
    period: Period,
    figures: Mapping[Target, Figures],
    texts: Mapping[str, str] | None = None,
    actor=None,
    actor_label: str = "",
) -> Submission:
    """Load figures, and the texts a file carries (by the form's names: "group_2", "shortcomings"…), into the
    (unit, period) report and mark it submitted. Texts the file does not carry stay as they are.

    Refuses an approved report: it is locked until a reviewer reopens it.
    """
    _refuse_uncovered(figures, unit=unit, period=period)
    figures = _totalled(figures, complete=True)
    submission, created = _locked_submission(unit=unit, period=period)
    if submission.status == Submission.Status.APPROVED:
        raise SubmissionError(f"Báo cáo {unit.name} — {period.name} đã được duyệt; cần mở lại trước khi nhập.")
    from_status = "" if created else submission.status
    changes = _apply_values(submission, figures)
    if texts:
        coverage = report_coverage(unit, period, written=() if created else _written_groups(submission))
        content = imported_content(unit, period, texts, coverage)
        changes += _apply_texts(submission, content, closing=[name for name in CLOSING_TEXTS if name in texts])
    # The report's figures as they now stand, the file's over those saved before, as a submission is judged.
    saved = submission.values.filter(target__source=Target.Source.REPORTED).values_list(
        "target__code", "numerator", "denominator"
    )
    _check_rules(period, {code: (num, den) for code, num, den in saved}, None)
    _mark_submitted(submission, actor)
    submission.version += 1
    written = [name for name in CLOSING_TEXTS if texts and name in texts]
    fields = ["status", "submitted_at", "submitted_by", "is_late", "version", "updated_at", *written]
    submission.save(update_fields=fields)
    _record(
        submission,
        action=SubmissionEvent.Action.IMPORTED,
        from_status=from_status,
        actor=actor,
        actor_label=actor_label,
        changes=changes,
    )
    return submission


@transaction.atomic
def signed_document_add(
    *, user, submission: Submission, upload, number: str, signed_on: datetime.date | None, signer: str
) -> SignedDocument:
    """Keep the signed and stamped report with the unit's report, once it is submitted or approved
    (``reporting.signed.keep_signed`` says what is checked)."""
    require(user, Action.ATTACH_SIGNED, submission.unit)
    if submission.status not in Submission.COUNTING:
        raise ValidationError(
            {
                "file": "Chỉ đính kèm văn bản đã ký khi báo cáo đã nộp hoặc đã duyệt; báo cáo đang "
                f"“{submission.get_status_display()}”."
            }
        )
    document = SignedDocument(submission=submission, uploaded_by=user)
    return keep_signed(
        document, upload=upload, number=number, signed_on=signed_on, signer=signer, period_start=submission.period.start
    )
