"""The suite's settings: the try-out's (debug on, local defaults), chosen here rather than left to the default,
which is production mode. Production mode is tested in subprocesses of its own (tests/test_settings.py)."""

import os

os.environ["DJANGO_DEBUG"] = "true"

import tempfile
from pathlib import Path

from dvproject.settings import *  # noqa: F403

# Attached files land in a folder of the run's own, never in the project's var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="danvan-media-"))

# The background downloads run within the request that asks for them, so that a test sees their outcome; the
# tests of the worker itself switch to the database backend (tests/test_background_downloads.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
