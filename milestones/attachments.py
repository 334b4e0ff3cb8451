"""What a unit may attach to a milestone to show it done (the scanned document, a photo): a PDF, a JPEG or PNG
image or a Word file, at most 5 MB, recognised by its first bytes as well as its name. The file is stored under
a name of the app's (never the sender's) and served only as a download, to those who may see the unit."""

import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_BYTES = 5 * 1024 * 1024
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    signature: bytes
    content_type: str


KINDS = {
    ".pdf": Kind(b"%PDF-", "application/pdf"),
    ".jpg": Kind(b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": Kind(b"\xff\xd8\xff", "image/jpeg"),
    ".png": Kind(b"\x89PNG\r\n\x1a\n", "image/png"),
    ".docx": Kind(b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
ACCEPTED = "PDF, JPG, PNG hoặc DOCX"


def extension(name: str) -> str:
    match = re.search(r"\.[A-Za-z0-9]{1,5}$", name)
    return match.group(0).lower() if match else ""


def shown_name(name: str) -> str:
    """The sender's file name as shown and offered back: no folders, no control characters, not too long."""
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip() or "tep-dinh-kem"
    if len(name) > NAME_MAX_LENGTH:
        ext = extension(name)
        name = name[: NAME_MAX_LENGTH - len(ext)] + ext
    return name


def checked(upload) -> str:
    """The extension the upload is stored with, or ``ValidationError`` saying in Vietnamese what is wrong."""
    ext = extension(upload.name or "")
    kind = KINDS.get(ext)
    if kind is None:
        raise ValidationError({"attachment": f"Tệp đính kèm phải là {ACCEPTED}."})
    if upload.size > MAX_BYTES:
        raise ValidationError({"attachment": f"Tệp đính kèm tối đa 5 MB (tệp này {upload.size / 1024 / 1024:.1f} MB)."})
    upload.seek(0)
    head = upload.read(len(kind.signature))
    upload.seek(0)
    if head != kind.signature:
        raise ValidationError({"attachment": f"Nội dung tệp không phải tệp {ext[1:].upper()} như tên tệp ghi."})
    return ext


def stored_path(record, filename: str) -> str:
    """Where an attachment is kept: by milestone and unit, under a random name with the checked extension."""
    return f"moc-cong-viec/{record.milestone_id}/{record.unit_id}/{uuid.uuid4().hex}{extension(filename)}"


def content_type(name: str) -> str:
    kind = KINDS.get(extension(name))
    return kind.content_type if kind else "application/octet-stream"
