"""Every message the service layer and the domain raise at a person's input (InvalidValueError,
InvalidInputError, IllegalStepError) is matched by a rule of api/pages/messages.py, so no page falls back
to the generic "This value is not accepted." for it. The messages are read from the source: a literal, a
module constant, or an f-string tried with sample values in its holes; a message built some other way is
listed in BUILT_ELSEWHERE with where its text comes from."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from api.pages.messages import RULES

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {"InvalidValueError": "message_arg_1", "IllegalStepError": "message_arg_0", "InvalidInputError": "fields"}
SAMPLES = ("7", "2026-11-27", "received", "opinion", "jinhua-2026-000001", "approve", "x y")
MAX_HOLES = 3
# built from values, not from text in the call (each is matched by the rules named)
BUILT_ELSEWHERE = {
    "domain/matter.py", "domain/petition.py", "domain/questionnaires.py", "service/passwords.py",
    "service/petitions.py", "service/store/eventstore.py",
}


def _texts(node: ast.AST, constants: dict[str, str]) -> list[str] | None:
    """The texts a message argument can read as; None when it is not built from text in the call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.JoinedStr):
        parts = [[str(v.value)] if isinstance(v, ast.Constant) else list(SAMPLES) for v in node.values]
        if sum(1 for p in parts if len(p) > 1) > MAX_HOLES:
            return None
        return ["".join(combination) for combination in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, constants), _texts(node.right, constants)
        return [a + b for a in left for b in right] if left and right else None
    return None


def raised_messages() -> list[tuple[str, list[str] | None]]:
    """(where, the texts it can read as) for every message raised in domain/ and service/."""
    found = []
    for path in sorted([*ROOT.glob("domain/**/*.py"), *ROOT.glob("service/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            arguments: list[ast.AST] = []
            if name == "InvalidValueError" and len(node.args) >= 2:
                arguments = [node.args[1]]
            elif name == "IllegalStepError" and node.args:
                arguments = [node.args[0]]
            elif name == "InvalidInputError" and node.args and isinstance(node.args[0], ast.Dict):
                arguments = [e for v in node.args[0].values if isinstance(v, ast.List) for e in v.elts]
            found.extend((f"{where}:{node.lineno}", _texts(argument, constants)) for argument in arguments)
    return found


def _matched(texts: list[str]) -> bool:
    return any(pattern.match(text.strip()) for text in texts for pattern, _ in RULES)


def test_the_scan_finds_the_messages():
    found = raised_messages()
    assert len(found) > 200
    assert any(texts and "line 7: x y is neither holiday nor workday" in texts for _, texts in found)


def test_every_message_raised_is_matched_by_a_rule_for_people():
    unmatched = [f"{where}: {texts[0]!r}" for where, texts in raised_messages() if texts and not _matched(texts)]
    assert unmatched == []


def test_a_message_not_built_from_text_is_only_where_it_is_known():
    built = {where.rsplit(":", 1)[0] for where, texts in raised_messages() if texts is None}
    assert built <= BUILT_ELSEWHERE


def test_messages_built_from_values_read_in_chinese(app):
    from api.pages.messages import message_for_people

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        for message in ("cannot move a pairing that has ended", "cannot excuse a supervision item that is excused",
                        "no such member", "from 1 to 60", "must not be negative", "line 3: 2027-02-30 is not a date such as 2027-01-01"):
            shown = message_for_people(message)
            assert shown != "此项填写的内容无效。" and not shown.isascii(), (message, shown)
