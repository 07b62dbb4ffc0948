"""Errors the service raises; the API maps each to one HTTP answer."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(ServiceError):
    """No such petition, matter or community."""


class InvalidInputError(ServiceError):
    """Input that breaks a rule the service checks; names each field."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items()))
        self.fields = fields


class IllegalStepError(ServiceError):
    """The step is not allowed in the current state."""

    def __init__(self, message: str, state: str, allowed_steps: list[str], version: int | None = None):
        super().__init__(message)
        self.state = state
        self.allowed_steps = allowed_steps
        self.version = version


class VersionConflictError(ServiceError):
    """Someone else changed the same thing first; nothing of this request was written."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current or {}


class TooManyAttemptsError(ServiceError):
    """Too many wrong guesses in a row: the caller must wait ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotYetReadableError(ServiceError):
    """The read models have not applied the change asked for (``after``) in time; try again shortly."""


def store_unavailable_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean the database cannot be reached right now (answered 503, retried later)."""
    import sqlite3

    import psycopg
    import sqlalchemy.exc
    from eventsourcing.persistence import InterfaceError, OperationalError

    return (OperationalError, InterfaceError, sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
            psycopg.OperationalError, sqlite3.OperationalError)
