"""Every change of a unit's milestone happens here, atomically, after checking who may make it: the unit's
officer records it done; a reviewer confirms it or returns it with a comment. Messages of ``ValidationError``
are for the user, in Vietnamese, keyed by the form's field names."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Action, require, require_or_404
from milestones import attachments
from milestones.models import Milestone, MilestoneRecord
from milestones.selectors import responsible
from programme.models import Unit

NUMBER_MAX_LENGTH = MilestoneRecord._meta.get_field("document_number").max_length
TEXT_MAX_LENGTH = 2000


@transaction.atomic
def milestone_record(
    *,
    user,
    milestone: Milestone,
    unit: Unit,
    done_on: datetime.date | None,
    document_number: str = "",
    note: str = "",
    attachment=None,
) -> MilestoneRecord:
    """Record the unit's milestone done (again, after it was returned), with a file attached if given (it
    replaces the one attached before; without one, that one stays). A confirmed one is the Ban's: it is not
    changed here. Nothing is written, file or row, unless everything is right."""
    require_or_404(user, Action.EDIT_REPORT, unit)
    if not any(u.id == unit.id for u in responsible([milestone], milestone.programme).units[milestone.id]):
        raise PermissionDenied  # not the unit's milestone
    record = MilestoneRecord.objects.select_for_update().filter(milestone=milestone, unit=unit).first()
    if record is not None and record.status == MilestoneRecord.Status.CONFIRMED:
        raise ValidationError({"done_on": "Ban đã xác nhận việc này; cần sửa thì đề nghị Ban trả lại."})
    document_number, note = " ".join(document_number.split()), note.strip()
    today = timezone.localdate()
    errors = {}
    if done_on is None:
        errors["done_on"] = "Cần nhập ngày hoàn thành."
    elif done_on > today:
        errors["done_on"] = f"Ngày hoàn thành không thể sau hôm nay ({today:%d/%m/%Y})."
    elif done_on.year < milestone.programme.year - 1:
        errors["done_on"] = f"Ngày hoàn thành phải từ năm {milestone.programme.year - 1} trở đi."
    if milestone.evidence == Milestone.Evidence.DOCUMENT and not document_number:
        errors["document_number"] = "Cần ghi số hiệu văn bản, ví dụ 12-KH/ĐU."
    elif len(document_number) > NUMBER_MAX_LENGTH:
        errors["document_number"] = f"Số hiệu văn bản dài tối đa {NUMBER_MAX_LENGTH} ký tự."
    if len(note) > TEXT_MAX_LENGTH:
        errors["note"] = f"Ghi chú dài tối đa {TEXT_MAX_LENGTH} ký tự (đang có {len(note)})."
    if attachment is not None:
        try:
            attachments.checked(attachment)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    record = record or MilestoneRecord(milestone=milestone, unit=unit)
    if attachment is not None:
        replaced = record.attachment.name
        record.attachment_name = attachments.shown_name(attachment.name)
        record.attachment.save(attachment.name, attachment, save=False)
        if replaced:
            storage = record.attachment.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    record.status = MilestoneRecord.Status.DONE
    record.done_on, record.document_number, record.note = done_on, document_number, note
    record.recorded_by, record.recorded_at = user, timezone.now()
    record.reviewed_by, record.reviewed_at = None, None  # the comment of a return stays, for the history
    record.save()
    return record


@transaction.atomic
def milestone_review(*, user, record: MilestoneRecord, confirm: bool, comment: str = "") -> MilestoneRecord:
    """Confirm a unit's milestone recorded done, or return it (a confirmed one too) with the reason."""
    record = MilestoneRecord.objects.select_for_update().select_related("unit").get(pk=record.pk)
    require(user, Action.REVIEW_UNIT, record.unit)
    comment = comment.strip()
    if confirm and record.status != MilestoneRecord.Status.DONE:
        raise ValidationError({"comment": "Chỉ xác nhận được việc đơn vị đã báo hoàn thành và chưa được xác nhận."})
    if not confirm and record.status == MilestoneRecord.Status.RETURNED:
        raise ValidationError({"comment": "Việc này đã được trả lại cho đơn vị."})
    if not confirm and not comment:
        raise ValidationError({"comment": "Cần ghi lý do trả lại để đơn vị biết cần bổ sung gì."})
    if len(comment) > TEXT_MAX_LENGTH:
        raise ValidationError({"comment": f"Ý kiến dài tối đa {TEXT_MAX_LENGTH} ký tự (đang có {len(comment)})."})
    record.status = MilestoneRecord.Status.CONFIRMED if confirm else MilestoneRecord.Status.RETURNED
    record.reviewed_by, record.reviewed_at = user, timezone.now()
    if comment or not confirm:
        record.review_comment = comment
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    return record
