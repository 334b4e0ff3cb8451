"""What a unit may attach to a milestone to show it done (the scanned document, a photo): a PDF, a JPEG or PNG
image or a Word file, at most 5 MB (``programme.attachments`` holds how files are checked, kept and served)."""

from programme.attachments import DOCX, JPEG, PDF, PNG, Accepted, random_name, shown_name

ACCEPTED = Accepted(
    {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX}, 5, "PDF, JPG, PNG hoặc DOCX"
)

__all__ = ["ACCEPTED", "checked", "content_type", "shown_name", "stored_path"]


def checked(upload) -> str:
    return ACCEPTED.checked(upload, field="attachment")


def content_type(name: str) -> str:
    return ACCEPTED.content_type(name)


def stored_path(record, filename: str) -> str:
    """Where an attachment is kept: by milestone and unit, under a random name with the checked extension."""
    return random_name(f"moc-cong-viec/{record.milestone_id}/{record.unit_id}", filename)
