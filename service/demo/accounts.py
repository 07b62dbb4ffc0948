"""One demo account per role, with passwords documented in the README (demo data only)."""

from __future__ import annotations

from service.bootstrap import Services

DEMO_ACCOUNTS = [
    # username, display name, roles, community, member, password
    ("admin", "系统管理员", ["administrator"], None, None, "demo-admin-pass"),
    ("desk", "王接待 (金华社区)", ["desk_staff"], "jinhua", "jinhua.m1", "demo-desk-pass"),
    ("handler", "李办理 (金华社区)", ["handling_member"], "jinhua", "jinhua.m2", "demo-handler-pass"),
    ("secretary", "陈书记 (金华社区)", ["committee_secretary"], "jinhua", None, "demo-secretary-pass"),
    ("member", "刘委员 (金华社区)", ["committee_member"], "jinhua", None, "demo-member-pass"),
    ("leader", "赵主任 (金华社区)", ["leadership"], "jinhua", None, "demo-leader-pass"),
    ("street", "街道办 孙督查", ["oversight"], None, None, "demo-street-pass"),
]


def create_demo_accounts(services: Services) -> list[str]:
    created = []
    for username, name, roles, community, member, password in DEMO_ACCOUNTS:
        if services.accounts.principal_named(username) is None:
            services.accounts.register(username=username, display_name=name, password=password, roles=roles,
                                       community_code=community, member_id=member, actor="demo")
            created.append(username)
    return created
