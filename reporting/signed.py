"""The signed and stamped report kept with a report (a unit's, or the body's own): a PDF or a scan (JPG, PNG), at
most 10 MB, recognised by its content (``programme.attachments``), stored through Django's storage API, with its
number, date and signer. The rules and the fields are here once, for both."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from programme.attachments import JPEG, PDF, PNG, Accepted, random_name, shown_name

ACCEPTED = Accepted({".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}, 10, "PDF, JPG hoặc PNG", "Văn bản đã ký")
NUMBER_MAX_LENGTH = 60
SIGNER_MAX_LENGTH = 120


def stored_path(document, filename: str) -> str:
    """Where a signed document is kept: in its report's folder, under a random name with the checked extension."""
    return random_name(document.folder(), filename)


class SignedFile(models.Model):
    """A signed document's file and what identifies it; the models that keep one say which report it is of."""

    file = models.FileField("tệp", upload_to=stored_path, max_length=200)
    file_name = models.CharField("tên tệp", max_length=200)
    number = models.CharField("số văn bản", max_length=60, help_text="Ví dụ 15-BC/ĐU.")
    signed_on = models.DateField("ngày ký")
    signer = models.CharField("người ký", max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người tải lên"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"

    def folder(self) -> str:
        raise NotImplementedError


def keep_signed(
    document: SignedFile, *, upload, number: str, signed_on: datetime.date | None, signer: str, period_start
) -> SignedFile:
    """Check what is sent with a signed document and keep it: a ``ValidationError`` by field, in Vietnamese, and
    nothing stored (no file without its row), when something is wrong. ``document`` names its report."""
    number, signer = " ".join(number.split()), " ".join(signer.split())
    today = timezone.localdate()
    errors = {}
    if not number:
        errors["number"] = "Cần ghi số văn bản, ví dụ 15-BC/ĐU."
    elif len(number) > NUMBER_MAX_LENGTH:
        errors["number"] = f"Số văn bản dài tối đa {NUMBER_MAX_LENGTH} ký tự."
    if signed_on is None:
        errors["signed_on"] = "Cần nhập ngày ký (ngày/tháng/năm)."
    elif signed_on > today:
        errors["signed_on"] = f"Ngày ký không thể sau hôm nay ({today:%d/%m/%Y})."
    elif signed_on < period_start:
        errors["signed_on"] = f"Ngày ký không thể trước ngày đầu kỳ báo cáo ({period_start:%d/%m/%Y})."
    if not signer:
        errors["signer"] = "Cần ghi người ký, ví dụ Nguyễn Văn A."
    elif len(signer) > SIGNER_MAX_LENGTH:
        errors["signer"] = f"Tên người ký dài tối đa {SIGNER_MAX_LENGTH} ký tự."
    if upload is None:
        errors["file"] = f"Cần chọn tệp văn bản đã ký ({ACCEPTED.described})."
    else:
        try:
            ACCEPTED.checked(upload, field="file")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    document.file_name, document.number, document.signed_on, document.signer = (
        shown_name(upload.name),
        number,
        signed_on,
        signer,
    )
    document.file.save(upload.name, upload, save=False)
    stored, storage = document.file.name, document.file.storage
    try:
        document.save()
    except Exception:
        storage.delete(stored)
        raise
    return document
