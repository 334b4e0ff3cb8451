"""The suite's settings: the try-out's (debug on, local defaults), chosen here rather than left to the default,
which is production mode. Production mode is tested in subprocesses of its own (tests/test_settings.py)."""

import os

os.environ["DJANGO_DEBUG"] = "true"

from dvproject.settings import *  # noqa: F403
