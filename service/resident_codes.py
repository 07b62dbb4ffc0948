"""One-time codes that residents answer with (a questionnaire, a commitment's evaluation): made
here, printed once, kept only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from service import errors

from service.petitions import TRACKING_ALPHABET

if TYPE_CHECKING:
    from service.reads import GuessThrottle

CODE_LENGTH = 8  # 31^8 ≈ 8.5 × 10^11 codes: guessing one is hopeless at the allowed rate


def new_codes(count: int) -> list[str]:
    return ["".join(secrets.choice(TRACKING_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)]


def hash_code(code: str) -> str:
    normalised = "".join((code or "").split()).replace("-", "").upper()
    return hashlib.sha256(f"resident-code:{normalised}".encode()).hexdigest()


def guarded_guess(throttle: GuessThrottle | None, client: str, submit: Callable[[], Any]) -> Any:
    """Runs a resident's submission; a wrong code counts against the client, who is slowed down
    after a few (429 with Retry-After), whichever questionnaire or commitment they try."""
    keys = (f"resident-code-client:{client}",)
    if throttle is not None:
        throttle.check(keys)
    try:
        return submit()
    except errors.InvalidInputError as error:
        if throttle is not None and "code" in error.fields:
            throttle.failed(keys)
        raise
