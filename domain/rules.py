"""Checks of command values shared by the aggregates; each names the field it refuses."""

from __future__ import annotations

from domain.errors import InvalidValueError


def require_text(field: str, value: str | None, max_length: int = 5000) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValueError(field, "must not be blank")
    if len(text) > max_length:
        raise InvalidValueError(field, f"must be at most {max_length} characters")
    return text


def require_choice(field: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidValueError(field, f"must be one of: {', '.join(choices)}")
    return value
