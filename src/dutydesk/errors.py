"""The one error hierarchy. Services raise these; the API, pages and CLI map them in one place."""

from __future__ import annotations


class DutydeskError(Exception):
    """A problem the user can act on; its message is shown to them as it is."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DutydeskError):
    """The thing named does not exist (or the caller may not know it exists)."""

    code = "not_found"


class Conflict(DutydeskError):
    """The request clashes with the current state (a duplicate id, an overlapping change)."""

    code = "conflict"


class Invalid(DutydeskError):
    """The input is malformed or breaks a rule."""

    code = "invalid"


class Unauthorized(DutydeskError):
    """No valid credentials were presented."""

    code = "unauthorized"


class Forbidden(DutydeskError):
    """The caller is known but may not do this."""

    code = "forbidden"
