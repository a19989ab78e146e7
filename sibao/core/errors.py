"""Refusals that services raise: a stable machine code, a translated message, and the field if any.

Pages show ``message`` next to ``field``; the API returns ``{"code", "message", "field"}``.
"""

from django.utils.functional import Promise


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class PermissionRefused(ServiceError):
    """The actor may not do this at all (distinct from 'not found': out-of-scope objects are 404)."""

    status = 403


class StateRefused(ServiceError):
    """The object is in a state where this action is not allowed."""

    status = 409
