"""Helpers for the browser tests of daily use (issue 11): a community set up through the services,
screenshots at the three sizes people use, and the check that a Chinese page reads as Chinese."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS

SIZES = {"staff": (1366, 768), "wall": (1920, 1080), "phone": (390, 844)}

# what must never reach a person on a Chinese page: a validator's English, program data, internal ids
ENGLISH_MESSAGES = re.compile(
    r"Missing data for required field|Not a valid|Must be one of|must be one of|Length must be|Shorter than|"
    r"Longer than|must not be|must be (a|at|between|from|after)|cannot [a-z]+ (a|on) |add up to|"
    r"may start only|is not a member|no such |Field may not|Unknown field|Not allowed now: [a-z]"
)
INTERNAL_IDS = re.compile(
    r"\b[a-z][a-z0-9_-]*\.(m|cp)\d+\b|\([a-z]+\.[a-z_]+\)|\{\d+: ?\{|\b(due_date|working_days|steps\.\d|"
    r"petitioner\.phone|contact_point_id|received_by|votes_for|_body)\b|"
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
)


def assert_reads_as_chinese(page: Page) -> None:
    """Fails if the page shows an English validator message or an internal id."""
    text = page.locator("body").inner_text()
    english = ENGLISH_MESSAGES.search(text)
    assert english is None, f"English message on a Chinese page: {english.group(0)!r} in {page.url}"
    internal = INTERNAL_IDS.search(text)
    assert internal is None, f"internal id on a Chinese page: {internal.group(0)!r} in {page.url}"


def screenshots(page: Page, name: str) -> None:
    """The page at 1366×768 (staff), 1920×1080 (a wall screen) and 390×844 (a phone)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-{width}x{height}.png"), full_page=True)
    if before:
        page.set_viewport_size(before)


def set_up(services) -> dict[str, str]:
    """金华社区 with a contact point, desk staff, a handling member and a committee of five."""
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    desk = services.communities.add_member("jinhua", name="王芳", role="desk_staff", contact_point_id=point["id"],
                                           actor="admin")
    handler = services.communities.add_member("jinhua", name="李强", role="grid_member", contact_point_id=point["id"],
                                              actor="admin")
    for name in ("陈书记", "刘委员", "张委员", "李委员", "赵委员"):
        services.communities.add_member("jinhua", name=name, role="committee_member", contact_point_id=None,
                                        actor="admin")
    services.accounts.register(username="wangfang", display_name="王芳", password="wangfang-Tulip-Quartz-7",
                               roles=["desk_staff"], community_code="jinhua", member_id=desk["id"], actor="admin")
    services.accounts.register(username="chen", display_name="陈书记", password="secretary-password",
                               roles=["committee_secretary"], community_code="jinhua", actor="admin")
    return {"point": point["id"], "desk": desk["id"], "handler": handler["id"]}
