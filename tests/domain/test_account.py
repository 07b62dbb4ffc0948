"""Accounts, roles and the permission matrix, with no database."""

from datetime import datetime
from pathlib import Path

import pytest

from domain.account import Account
from domain.errors import IllegalStepError, InvalidValueError
from service.clock import CHINA
from service.permissions import Principal, PermissionDeniedError, matrix_table, require

NOW = datetime(2026, 9, 21, 9, tzinfo=CHINA)


def account(**overrides) -> Account:
    fields = dict(username="wangfang", display_name="王芳", roles=["desk_staff"], community_code="jinhua",
                  member_id="jinhua.m1", password_hash="$argon2id$…", actor="admin", at=NOW)
    fields.update(overrides)
    return Account.register(**fields)


class TestAccount:
    def test_roles_must_be_known(self):
        with pytest.raises(InvalidValueError) as refused:
            account(roles=["king"])
        assert refused.value.field == "roles"

    def test_a_disabled_account_gets_no_new_token(self):
        staff = account()
        staff.issue_token(token_hash="h", label="integration", actor="admin", at=NOW)
        staff.disable(actor="admin", at=NOW)
        assert staff.token_hashes == []
        with pytest.raises(IllegalStepError):
            staff.issue_token(token_hash="h2", label="again", actor="admin", at=NOW)


class TestPermissionMatrix:
    def test_desk_staff_receive_but_do_not_vote(self):
        desk = Principal("wangfang", "王芳", ("desk_staff",))
        require(desk, "petition.receive")
        with pytest.raises(PermissionDeniedError):
            require(desk, "matter.manage")

    def test_leadership_reads_ledgers_and_changes_nothing(self):
        leader = Principal("zhao", "赵书记", ("leadership",))
        require(leader, "ledger.read")
        for action in ("petition.receive", "petition.triage", "matter.manage", "account.manage"):
            with pytest.raises(PermissionDeniedError):
                require(leader, action)

    def test_the_readme_prints_the_matrix_as_enforced(self):
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
        assert matrix_table() in readme
