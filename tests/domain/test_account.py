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


class TestEditingAnAccount:
    def test_name_roles_and_member_change_in_one_event_with_who_and_when(self):
        staff = account()
        staff.edit(display_name=" 王芳芳 ", roles=["desk_staff", "committee_member"], member_id="jinhua.m2",
                   actor="admin", at=NOW)
        edited = staff.collect_events()[-1]
        assert isinstance(edited, Account.Edited)
        assert (edited.actor, edited.at) == ("admin", NOW)
        assert (staff.display_name, staff.roles, staff.member_id) == ("王芳芳", ["desk_staff", "committee_member"],
                                                                      "jinhua.m2")

    def test_a_blank_name_is_refused(self):
        with pytest.raises(InvalidValueError) as refused:
            account().edit(display_name=" ", roles=["desk_staff"], member_id=None, actor="admin", at=NOW)
        assert refused.value.field == "display_name"

    def test_the_member_must_be_of_the_accounts_community(self):
        with pytest.raises(InvalidValueError) as refused:
            account().edit(display_name="王芳", roles=["desk_staff"], member_id="other.m1", actor="admin", at=NOW)
        assert refused.value.field == "member_id"
        with pytest.raises(InvalidValueError):
            account(member_id="other.m1")

    def test_roles_keep_to_the_accounts_scope(self):
        with pytest.raises(InvalidValueError) as refused:
            account().edit(display_name="王芳", roles=["oversight"], member_id=None, actor="admin", at=NOW)
        assert refused.value.field == "roles"

    def test_a_disabled_account_is_not_edited(self):
        staff = account()
        staff.disable(actor="admin", at=NOW)
        with pytest.raises(IllegalStepError):
            staff.edit(display_name="王芳", roles=["desk_staff"], member_id=None, actor="admin", at=NOW)


class TestDeactivation:
    def test_a_disabled_account_is_reactivated_with_who_and_when(self):
        staff = account()
        staff.disable(actor="admin", at=NOW)
        assert not staff.active
        staff.reactivate(actor="admin2", at=NOW)
        event = staff.collect_events()[-1]
        assert isinstance(event, Account.Reactivated) and (event.actor, event.at) == ("admin2", NOW)
        assert staff.active

    def test_an_active_account_is_not_reactivated(self):
        with pytest.raises(IllegalStepError):
            account().reactivate(actor="admin", at=NOW)

    def test_a_disabled_account_is_not_disabled_again(self):
        staff = account()
        staff.disable(actor="admin", at=NOW)
        with pytest.raises(IllegalStepError):
            staff.disable(actor="admin", at=NOW)


class TestPasswordReset:
    def test_a_reset_password_must_be_changed_and_stops_the_tokens(self):
        staff = account()
        staff.issue_token(token_hash="h", label="integration", actor="admin", at=NOW)
        staff.reset_password(password_hash="temporary", actor="admin", at=NOW)
        event = staff.collect_events()[-1]
        assert isinstance(event, Account.PasswordReset) and (event.actor, event.at) == ("admin", NOW)
        assert staff.must_change_password and staff.password_hash == "temporary"
        assert staff.token_hashes == [] and staff.tokens == {}

    def test_changing_the_password_ends_the_obligation(self):
        staff = account()
        staff.reset_password(password_hash="temporary", actor="admin", at=NOW)
        staff.change_password(password_hash="own", actor="wangfang", at=NOW)
        assert not staff.must_change_password and staff.password_hash == "own"

    def test_a_disabled_accounts_password_is_not_reset(self):
        staff = account()
        staff.disable(actor="admin", at=NOW)
        with pytest.raises(IllegalStepError):
            staff.reset_password(password_hash="temporary", actor="admin", at=NOW)


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
