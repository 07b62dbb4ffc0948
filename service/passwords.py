"""The password policy: long enough, not common, not made from the user's own name.

How easy a password is to guess is estimated by zxcvbn (a maintained port of Dropbox's estimator, with
its frequency lists of common passwords, names and words, keyboard patterns, dates and repeats). A
password must need at least 10^8 guesses (zxcvbn's score 3), and what is left of it once the user
name is taken out must too: ``wangfang-password`` is refused, ``wangfang-Tulip-Quartz`` is not."""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from service import errors

MIN_LENGTH = 10
MAX_LENGTH = 200  # Argon2 takes any length; the estimator's time grows with it
MIN_SCORE = 3  # zxcvbn: "safely unguessable" for an online attack, at least 10^8 guesses
SITE_WORDS = ["petitions", "petition", "jinhua", "community", "shequ", "qunzhong", "suqiu"]


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    """Raises InvalidInputError naming ``password`` when the policy refuses it."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise errors.InvalidInputError({"password": [f"must be at least {MIN_LENGTH} characters"]})
    if len(password) > MAX_LENGTH:
        raise errors.InvalidInputError({"password": [f"must be at most {MAX_LENGTH} characters"]})
    inputs = [word for word in (username, display_name, *re.split(r"[\s._-]+", username or "")) if word]
    problem = _weakness(password, inputs + SITE_WORDS)
    name = (username or "").lower()
    if problem is None and len(name) >= 2 and name in password.lower():
        rest = re.sub(re.escape(name), "", password, flags=re.IGNORECASE)
        if _weakness(rest, SITE_WORDS) is not None:
            problem = "is made from the user name: add words of your own, not only the name"
    if problem is not None:
        raise errors.InvalidInputError({"password": [problem]})


def _weakness(password: str, inputs: list[str]) -> str | None:
    estimate = zxcvbn(password[:MAX_LENGTH], user_inputs=inputs)
    if estimate["score"] >= MIN_SCORE:
        return None
    warning = estimate["feedback"].get("warning") or "is too easy to guess"
    return f"is too easy to guess ({warning.rstrip('.')}): use three or four uncommon words, or a longer password"
