"""Old name of scan_errors.py, kept so existing imports work."""

from .scan_errors import *  # noqa: F403
