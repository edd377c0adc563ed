"""Errors raised by the SLS query library."""

from __future__ import annotations


class QuerySyntaxError(ValueError):
    """The search statement uses syntax this parser does not understand.

    Raised instead of guessing: a judge that does not understand a query must say so
    (``ALERT_QUERY_UNVERIFIABLE``) rather than pass or fail it on a hunch.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position})")
        self.message = message
        self.position = position
