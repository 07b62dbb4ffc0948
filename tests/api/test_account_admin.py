"""Administration (issue 11, point 17): an administrator edits an account, deactivates and reactivates it,
resets its password (the user must change it at the next sign-in), and sets a committee's quorum, majority
and notice period; every step is an event with who and when, and the forms keep what was typed."""

from __future__ import annotations

import pytest

from api import create_app
from domain.account import Account, account_id
from domain.community import Community, community_id
from service.errors import IllegalStepError, InvalidInputError, NotFoundError
from tests.conftest import TEST_SECRET, password_of

ADMIN = password_of("admin")
STAFF = password_of("wangfang")
TEMPORARY = "Harbour-Lantern-Violet-42"
OWN = "Meadow-Copper-Pigeon-88"


@pytest.fixture
def people(services, community):
    services.accounts.register(username="admin", display_name="管理员", password=ADMIN, roles=["administrator"],
                               actor="test")
    services.accounts.register(username="wangfang", display_name="王芳", password=STAFF, roles=["desk_staff"],
                               community_code="jinhua", member_id=community["desk"], actor="test")
    return community


@pytest.fixture
def pages(services, people):
    return create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False}, services=services)


def login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def admin_client(pages):
    client = pages.test_client()
    assert login(client, "admin", ADMIN).status_code == 302
    return client


def last_event(services, aggregate_id):
    return list(services.log.events.get(aggregate_id))[-1]


class TestEditingAnAccount:
    def test_name_roles_and_member_are_changed_and_recorded_with_who_and_when(self, services, people, clock):
        admin = services.as_user(services.accounts.principal_named("admin"))
        edited = admin.accounts.edit("wangfang", display_name="王芳芳", roles=["desk_staff", "committee_member"],
                                     member_id=people["handler"])
        assert (edited["display_name"], edited["roles"], edited["member_id"]) == (
            "王芳芳", ["desk_staff", "committee_member"], people["handler"])
        event = last_event(services, account_id("wangfang"))
        assert isinstance(event, Account.Edited) and (event.actor, event.at) == ("admin", clock.now())

    def test_a_member_the_community_does_not_have_is_refused(self, services, people):
        admin = services.as_user(services.accounts.principal_named("admin"))
        with pytest.raises(InvalidInputError) as refused:
            admin.accounts.edit("wangfang", display_name="王芳", roles=["desk_staff"], member_id="jinhua.m99")
        assert list(refused.value.fields) == ["member_id"]

    def test_the_edit_page_keeps_what_was_typed_and_names_the_field_in_chinese(self, pages):
        client = admin_client(pages)
        response = client.post("/admin/accounts/wangfang", data={
            "what": "edit", "display_name": "王小芳", "member_id": "", "roles": []})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'value="王小芳"' in page
        assert "未保存。角色：请至少选择一个角色。" in page


class TestDeactivation:
    def test_a_deactivated_account_cannot_sign_in_and_its_session_and_tokens_stop(self, pages, services):
        staff = pages.test_client()
        assert login(staff, "wangfang", STAFF).status_code == 302
        assert staff.get("/desk/find").status_code == 200
        token = services.accounts.issue_token("wangfang", label="integration", actor="test")
        assert pages.test_client().get("/api/communities/jinhua", headers={"Authorization": f"Bearer {token}"}).status_code == 200

        admin = admin_client(pages)
        response = admin.post("/admin/accounts/wangfang", data={"what": "disable"})
        assert response.status_code == 302
        assert "停用" in admin.get(response.headers["Location"]).get_data(as_text=True)
        event = last_event(services, account_id("wangfang"))
        assert isinstance(event, Account.Disabled) and event.actor == "admin"

        assert staff.get("/desk/find").headers["Location"].startswith("/login")
        assert login(pages.test_client(), "wangfang", STAFF).status_code == 401
        assert pages.test_client().get("/api/communities/jinhua", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    def test_a_reactivated_account_signs_in_again_but_old_sessions_stay_ended(self, pages, services):
        staff = pages.test_client()
        login(staff, "wangfang", STAFF)
        admin = admin_client(pages)
        admin.post("/admin/accounts/wangfang", data={"what": "disable"})
        admin.post("/admin/accounts/wangfang", data={"what": "reactivate"})
        assert isinstance(last_event(services, account_id("wangfang")), Account.Reactivated)
        assert staff.get("/desk/find").status_code == 302  # the session ended at the deactivation
        assert login(pages.test_client(), "wangfang", STAFF).status_code == 302

    def test_reactivating_an_active_account_is_refused_in_chinese(self, pages):
        response = admin_client(pages).post("/admin/accounts/wangfang", data={"what": "reactivate"})
        assert response.status_code == 422
        assert "此账号已在使用中。" in response.get_data(as_text=True)

    def test_another_communitys_administrator_does_not_find_the_account(self, services, people):
        services.communities.register(code="yinhe", name="银河社区", kind="community", actor="test")
        services.accounts.register(username="yadmin", display_name="银河管理员", password=password_of("yadmin"),
                                   roles=["administrator"], community_code="yinhe", actor="test")
        other = services.as_user(services.accounts.principal_named("yadmin"))
        with pytest.raises(NotFoundError):
            other.accounts.disable("wangfang")


class TestPasswordReset:
    def test_signing_in_leads_to_the_change_password_page_and_nothing_else_until_done(self, pages, services):
        admin = admin_client(pages)
        assert admin.post("/admin/accounts/wangfang",
                          data={"what": "reset_password", "password": TEMPORARY}).status_code == 302
        event = last_event(services, account_id("wangfang"))
        assert isinstance(event, Account.PasswordReset) and event.actor == "admin"

        staff = pages.test_client()
        assert login(staff, "wangfang", STAFF).status_code == 401  # the old password is gone
        response = login(staff, "wangfang", TEMPORARY)
        assert response.headers["Location"] == "/password"
        for path in ("/", "/desk/find", "/desk/new", "/committee"):
            assert staff.get(path).headers["Location"] == "/password", path
        page = staff.get("/password").get_data(as_text=True)
        assert "修改密码" in page and "/desk/new" not in page  # no other page is offered

        refused = staff.post("/password", data={"current_password": TEMPORARY, "new_password": OWN,
                                                "new_password_repeat": OWN + "x"})
        assert refused.status_code == 422
        assert "两次输入的新密码不一致" in refused.get_data(as_text=True)
        same = staff.post("/password", data={"current_password": TEMPORARY, "new_password": TEMPORARY,
                                             "new_password_repeat": TEMPORARY})
        assert same.status_code == 422 and "新密码" in same.get_data(as_text=True)

        done = staff.post("/password", data={"current_password": TEMPORARY, "new_password": OWN,
                                             "new_password_repeat": OWN})
        assert done.status_code == 302
        assert staff.get("/desk/find").status_code == 200
        changed = last_event(services, account_id("wangfang"))
        assert isinstance(changed, Account.PasswordChanged) and changed.actor == "wangfang"
        assert login(pages.test_client(), "wangfang", OWN).headers["Location"] != "/password"

    def test_a_reset_ends_the_users_sessions_and_tokens(self, pages, services):
        staff = pages.test_client()
        login(staff, "wangfang", STAFF)
        token = services.accounts.issue_token("wangfang", label="integration", actor="test")
        admin_client(pages).post("/admin/accounts/wangfang", data={"what": "reset_password", "password": TEMPORARY})
        assert staff.get("/desk/find").headers["Location"].startswith("/login")
        assert pages.test_client().get("/api/communities/jinhua", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    def test_a_weak_temporary_password_is_refused_and_kept_in_the_form(self, pages):
        response = admin_client(pages).post("/admin/accounts/wangfang",
                                            data={"what": "reset_password", "password": "short"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'value="short"' in page and "密码：" in page

    def test_changing_ones_own_password_ends_ones_other_sessions(self, pages):
        here, elsewhere = pages.test_client(), pages.test_client()
        login(here, "wangfang", STAFF)
        login(elsewhere, "wangfang", STAFF)
        assert here.post("/password", data={"current_password": STAFF, "new_password": OWN,
                                            "new_password_repeat": OWN}).status_code == 302
        assert here.get("/desk/find").status_code == 200
        assert elsewhere.get("/desk/find").headers["Location"].startswith("/login")

    def test_a_wrong_current_password_is_refused(self, services, people):
        services.accounts.reset_password("wangfang", password=TEMPORARY, actor="admin")
        with pytest.raises(InvalidInputError) as refused:
            services.signin.change_password("wangfang", current="not-it", new=OWN)
        assert list(refused.value.fields) == ["current_password"]

    def test_a_disabled_accounts_password_is_not_reset(self, services, people):
        services.accounts.disable("wangfang", actor="admin")
        with pytest.raises(IllegalStepError):
            services.accounts.reset_password("wangfang", password=TEMPORARY, actor="admin")


class TestCommitteeRules:
    def test_the_page_sets_quorum_majority_and_notice_period_as_an_event(self, pages, services):
        admin = admin_client(pages)
        assert "2/3" in admin.get("/admin/communities/jinhua/rules").get_data(as_text=True)
        response = admin.post("/admin/communities/jinhua/rules",
                              data={"quorum": "1/2", "majority": "3/5", "notice_days": "10"})
        assert response.status_code == 302
        assert services.communities.get("jinhua")["committee_rules"] == {"quorum": "1/2", "majority": "3/5",
                                                                         "notice_days": 10}
        event = last_event(services, community_id("jinhua"))
        assert isinstance(event, Community.CommitteeRulesSet) and event.actor == "admin"

    def test_a_wrong_value_keeps_what_was_typed_and_names_the_field(self, pages, services):
        response = admin_client(pages).post("/admin/communities/jinhua/rules",
                                            data={"quorum": "二分之一", "majority": "3/5", "notice_days": "90"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'value="二分之一"' in page and 'value="3/5"' in page and 'value="90"' in page
        assert "到会比例：请填写分数，例如 2/3。" in page
        assert "公示期（天）" in page
        assert services.communities.get("jinhua")["committee_rules"]["quorum"] == "2/3"

    def test_the_json_api_sets_the_notice_period_too(self, client, community):
        response = client.put("/api/communities/jinhua/committee-rules",
                              json={"quorum": "2/3", "majority": "1/2", "notice_days": 14})
        assert response.status_code == 200
        assert response.json["committee_rules"] == {"quorum": "2/3", "majority": "1/2", "notice_days": 14}
        kept = client.put("/api/communities/jinhua/committee-rules", json={"quorum": "3/4", "majority": "1/2"})
        assert kept.json["committee_rules"]["notice_days"] == 14


class TestCommunityForms:
    def test_a_refused_community_keeps_what_was_typed(self, pages):
        response = admin_client(pages).post("/admin/communities", data={
            "what": "community", "code": "jinhua", "name": "金华新社区", "kind": "village"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'value="jinhua"' in page and 'value="金华新社区"' in page
        assert '<option value="village" selected>' in page
        assert "已有使用此代码的社区。" in page

    def test_a_refused_contact_point_keeps_its_name_in_its_communitys_form_only(self, pages, services):
        services.communities.register(code="yinhe", name="银河社区", kind="community", actor="test")
        response = admin_client(pages).post("/admin/communities", data={
            "what": "contact_point", "community": "jinhua", "name": "第一网格", "area": "11-15栋"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert page.count('value="第一网格"') == 1 and page.count('value="11-15栋"') == 1
