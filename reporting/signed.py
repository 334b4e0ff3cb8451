"""The signed and stamped report kept with the unit's report: a PDF or a scan (JPG, PNG), at most 10 MB,
recognised by its content (``programme.attachments``), stored through Django's storage API."""

from programme.attachments import JPEG, PDF, PNG, Accepted, random_name

ACCEPTED = Accepted({".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}, 10, "PDF, JPG hoặc PNG", "Văn bản đã ký")
NUMBER_MAX_LENGTH = 60
SIGNER_MAX_LENGTH = 120


def stored_path(document, filename: str) -> str:
    """Where a signed document is kept: by period and unit, under a random name with the checked extension."""
    submission = document.submission
    return random_name(f"van-ban-ky/{submission.period_id}/{submission.unit_id}", filename)
