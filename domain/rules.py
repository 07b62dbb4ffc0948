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


def require_no_personal_data(field: str, value: str, personal: list[str | None]) -> None:
    """A record of an erasure (who asked, why) is kept for good: it must not repeat what is erased."""
    squeezed = "".join((value or "").split()).casefold()
    for item in personal:
        part = "".join((item or "").split()).casefold()
        if len(part) >= 2 and part in squeezed:
            raise InvalidValueError(field, "must not repeat the personal data being erased (give the request's "
                                           "file number instead)")
