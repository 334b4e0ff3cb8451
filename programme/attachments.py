"""Files people attach to their work (a milestone's evidence, a report's signed document): recognised by their
first bytes as well as their name, stored under a name of the app's (never the sender's), and served only as a
download to those who may see the unit. Each use says which kinds it accepts and how large a file may be."""

import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    signature: bytes
    content_type: str


PDF = Kind(b"%PDF-", "application/pdf")
JPEG = Kind(b"\xff\xd8\xff", "image/jpeg")
PNG = Kind(b"\x89PNG\r\n\x1a\n", "image/png")
DOCX = Kind(b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


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


def random_name(folder: str, filename: str) -> str:
    """A stored file's path: under ``folder``, a random name with the checked extension."""
    return f"{folder}/{uuid.uuid4().hex}{extension(filename)}"


@dataclass(frozen=True)
class Accepted:
    """The files one use accepts: by extension, the kind its content must be; at most ``max_mb`` megabytes.
    ``described`` names the kinds for a message ("PDF, JPG, PNG hoặc DOCX"), ``noun`` the file ("Tệp đính kèm")."""

    kinds: dict[str, Kind]
    max_mb: int
    described: str
    noun: str = "Tệp đính kèm"

    def checked(self, upload, *, field: str) -> str:
        """The extension the upload is stored with, or ``ValidationError`` on ``field`` saying in Vietnamese what
        is wrong."""
        ext = extension(upload.name or "")
        kind = self.kinds.get(ext)
        if kind is None:
            raise ValidationError({field: f"{self.noun} phải là {self.described}."})
        if upload.size > self.max_mb * 1024 * 1024:
            size = f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")
            raise ValidationError({field: f"{self.noun} tối đa {self.max_mb} MB (tệp này {size} MB)."})
        upload.seek(0)
        head = upload.read(len(kind.signature))
        upload.seek(0)
        if head != kind.signature:
            raise ValidationError({field: f"Nội dung tệp không phải tệp {ext[1:].upper()} như tên tệp ghi."})
        return ext

    def content_type(self, name: str) -> str:
        kind = self.kinds.get(extension(name))
        return kind.content_type if kind else "application/octet-stream"
