"""Deadlines that explain themselves, on the staff petition page and the petitioner's lookup page."""

from __future__ import annotations

import pytest

from tests.transparency.scenario import receive


@pytest.fixture
def deadlined(services, clock, community):
    """Set on Monday 2026-09-21 for five working days (the Mid-autumn Festival skipped), then extended
    by two across the National Day holidays (and their make-up working day)."""
    outcome, code = services.petitions.receive(
        contact_point_id=community["contact_point"], category="infrastructure", channel="desk", summary="路灯不亮",
        details="5号楼前", petitioner=None, received_by=community["desk"], actor="wangfang")
    reference = outcome.petition["reference"]
    services.petitions.set_deadline(reference, working_days=5, responsible_member_id=community["handler"],
                                    plan="维修", steps=[], actor="wangfang")
    clock.advance(days=3)
    services.petitions.extend_deadline(reference, working_days=2, reason="等待配件", actor="wangfang")
    clock.advance(days=20)
    services.projections.catch_up()
    return reference, code


def test_the_service_explains_the_due_date_and_the_overdue_status(services, deadlined):
    reference, _ = deadlined
    d = services.petitions.deadline(reference)
    assert (d["set_on"].isoformat(), d["working_days"]) == ("2026-09-21", 5)
    assert [x["to"].isoformat() for x in d["extensions"]] == [d["due_date"].isoformat()]
    extension = d["extensions"][0]
    assert extension["reason"] == "等待配件" and extension["working_days"] == 2
    assert [s["holiday"] for s in extension["skipped"] if s["why"] == "holiday"][0] == "国庆节 National Day"
    assert d["state"] == "overdue" and d["overdue"] and d["working_days_left"] < 0


def test_the_staff_page_and_the_lookup_page_show_the_reasoning(app, services, community, deadlined):
    reference, code = deadlined
    app.config["WTF_CSRF_ENABLED"] = False
    staff = app.test_client()
    services.accounts.register(username="pagedesk", display_name="金华接待", password="pagedesk-password-1",
                               roles=["desk_staff"], community_code="jinhua", member_id=community["desk"],
                               actor="admin")
    assert staff.post("/login", data={"username": "pagedesk", "password": "pagedesk-password-1"}).status_code == 302
    page = staff.get(f"/desk/petitions/{reference}").get_data(as_text=True)
    assert 'id="deadline-reasoning"' in page and "等待配件" in page and "国庆节" in page and "中秋节" in page
    assert "计入的工作日" in page and "已超期" in page

    public = app.test_client()
    found = public.post("/lookup", data={"reference": reference, "code": code}).get_data(as_text=True)
    assert 'id="deadline-reasoning"' in found and "等待配件" in found and "已超期" in found
    then = public.post("/lookup", data={"reference": reference, "code": code, "as_of": "2026-09-21"})
    text = then.get_data(as_text=True)
    assert then.status_code == 200 and 'id="as-of"' in text and "等待配件" not in text
