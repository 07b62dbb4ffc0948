"""One answer per resident without collecting names: one-time codes (答卷码) handed out at a
contact point or printed on a paper notice. The aggregate keeps only the codes' hashes; a code
answers once, and the same code sent again is the same answer, not a second one."""

from __future__ import annotations

from typing import Any

from domain.errors import InvalidValueError
from domain.petition import SATISFACTION

MAX_CODES_AT_ONCE = 2000


class ResidentCodes:
    """The issued and used code hashes of one questionnaire or commitment (kept in its state)."""

    def __init__(self) -> None:
        self.issued: set[str] = set()
        self.used: dict[str, Any] = {}  # code hash -> what it answered (the answer's number)

    def check_new_batch(self, code_hashes: list[str]) -> list[str]:
        unique = sorted(set(code_hashes))
        if not 1 <= len(unique) <= MAX_CODES_AT_ONCE:
            raise InvalidValueError("count", f"issue from 1 to {MAX_CODES_AT_ONCE} codes at once")
        if self.issued & set(unique):
            raise InvalidValueError("count", "a code was issued before; issue new ones")
        return unique

    def answered_by(self, code_hash: str) -> Any:
        """What this code answered already (None if unused); refuses a code never issued."""
        if code_hash not in self.issued:
            raise InvalidValueError("code", "is not a valid code for this")
        return self.used.get(code_hash)

    def earlier(self, *, by_resident: bool, code_hash: str | None) -> Any:
        """What this resident's code answered already (None: a new answer). A resident answers with an
        issued code; staff recording an answer from a meeting or a form give none."""
        if by_resident:
            if not code_hash:
                raise InvalidValueError("code", "a resident answers with the code handed out for it")
            return self.answered_by(code_hash)
        if code_hash:
            raise InvalidValueError("code", "only residents' own answers carry a code")
        return None

    def add(self, code_hashes: list[str]) -> None:
        self.issued.update(code_hashes)

    def use(self, code_hash: str | None, answer: Any) -> None:
        if code_hash:
            self.used[code_hash] = answer


def satisfaction_summary(evaluations: list[dict[str, Any]]) -> dict[str, int]:
    """Residents' evaluations counted by level (满意 / 基本满意 / 不满意), and their total."""
    summary = {level: 0 for level in SATISFACTION}
    for evaluation in evaluations:
        summary[evaluation["satisfaction"]] += 1
    summary["total"] = len(evaluations)
    return summary
