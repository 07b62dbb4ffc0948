"""Erasure by person: an administrator names a petitioner by phone or full name, and every petition
of theirs in the administrator's community is erased (found through the blind index, however the
phone or name was written); another community's petitions of the same person are not touched."""

from __future__ import annotations

from typing import Any

import pytest

from service import errors
from service.principal import Principal
from tests.conftest import token_for
from tests.helpers import petition_fields

NAME, PHONE = "张三丰", "13800001234"
REQUEST = {"requested_by": "本人（书面申请第7号）", "reason": "个人信息保护法第四十七条"}


def other_community(services) -> dict[str, Any]:
    services.communities.register(code="heping", name="和平里社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("heping", name="第一网格", area="1-5栋", actor="admin")
    desk = services.communities.add_member("heping", name="接待员", role="desk_staff", contact_point_id=point["id"],
                                           actor="admin")
    return {"code": "heping", "contact_point": point["id"], "desk": desk["id"]}


def receive(services, community, name: str = NAME, phone: str = PHONE) -> str:
    outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(
        community, petitioner={"name": name, "phone": phone, "address": "3号楼"}))
    return outcome.petition["reference"]


@pytest.fixture
def petitions(services, community) -> dict[str, Any]:
    elsewhere = other_community(services)
    found = {
        # the same person twice in 金华 (the phone written another way the second time), once in 和平里
        "mine": [receive(services, community), receive(services, community, name="张 三丰", phone="+86 138-0000-1234")],
        "other_person": receive(services, community, name="李四", phone="13900005678"),
        "elsewhere": receive(services, elsewhere),
    }
    services.projections.catch_up()
    return found


def jinhua_admin(services):
    return services.as_user(Principal("a-admin", "金华管理员", ("administrator",), "jinhua"))


@pytest.mark.parametrize("named", [{"phone": "１３８ ００００ １２３４"}, {"name": "张三丰"}])
def test_every_petition_of_the_person_in_the_administrators_community_is_erased(services, petitions, named):
    answer = jinhua_admin(services).petitions.erase_person(**named, **REQUEST)

    assert [p["reference"] for p in answer["petitions"]] == sorted(petitions["mine"])
    if answer["key_store_cleared"] is not True:
        # a transaction open elsewhere in the key store's database (another test worker) kept dead rows: the
        # clearing is remembered, and the next write or start does it
        from service.store.personal_data import SCRUB_PENDING

        assert services.log.keys.mark(SCRUB_PENDING)
    assert answer["position"] == max(p["position"] for p in answer["petitions"])
    for reference in petitions["mine"]:
        assert services.petitions.get(reference)["petitioner"] == {"erased": True}
        assert services.petitions.history(reference)[-1]["details"] == {
            "requested_by": REQUEST["requested_by"], "reason": REQUEST["reason"]}
    services.projections.catch_up()
    # nobody in 金华 finds the person any more; the other petitioner and 和平里's petition are untouched
    assert services.worklist.seen_by(Principal("w", "王芳", ("desk_staff",), "jinhua")).search(PHONE).total == 0
    assert services.petitions.get(petitions["other_person"])["petitioner"]["name"] == "李四"
    assert services.petitions.get(petitions["elsewhere"])["petitioner"]["name"] == NAME
    assert services.worklist.search(PHONE).total == 1


def test_nothing_to_erase_and_asking_by_both_or_neither_are_422_naming_the_field(services, petitions):
    admin = jinhua_admin(services)
    with pytest.raises(errors.InvalidInputError) as nobody:
        admin.petitions.erase_person(phone="13711112222", **REQUEST)
    assert list(nobody.value.fields) == ["phone"]
    with pytest.raises(errors.InvalidInputError) as both:
        admin.petitions.erase_person(phone=PHONE, name=NAME, **REQUEST)
    assert list(both.value.fields) == ["name"]
    with pytest.raises(errors.InvalidInputError) as neither:
        admin.petitions.erase_person(**REQUEST)
    assert list(neither.value.fields) == ["phone"]

    # 和平里's administrator erases only 和平里's petition of the same person
    heping = services.as_user(Principal("b-admin", "和平里管理员", ("administrator",), "heping"))
    answer = heping.petitions.erase_person(phone=PHONE, **REQUEST)
    assert [p["reference"] for p in answer["petitions"]] == [petitions["elsewhere"]]
    assert services.petitions.get(petitions["mine"][0])["petitioner"]["name"] == NAME


def test_the_api_answers_what_was_erased_and_only_an_administrator_may(app, services, petitions):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(
        services, "a-admin", ["administrator"], community_code="jinhua")
    desk = app.test_client()
    desk.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "desk", ["desk_staff"])

    refused = desk.post("/api/petitions/erase-person", json={"phone": PHONE, **REQUEST})
    assert refused.status_code == 403
    assert services.petitions.get(petitions["mine"][0])["petitioner"]["name"] == NAME

    missing = client.post("/api/petitions/erase-person", json={"phone": "13711112222", **REQUEST})
    assert missing.status_code == 422 and "phone" in str(missing.get_json())

    erased = client.post("/api/petitions/erase-person", json={"phone": PHONE, **REQUEST})
    assert erased.status_code == 200, erased.get_json()
    body = erased.get_json()
    assert sorted(p["reference"] for p in body["petitions"]) == sorted(petitions["mine"])
    assert body["key_store_cleared"] is True
    assert NAME not in erased.get_data(as_text=True) and PHONE not in erased.get_data(as_text=True)

    again = client.post("/api/petitions/erase-person", json={"phone": PHONE, **REQUEST})
    assert again.status_code == 422  # erased: nothing of the person is found any more


def test_the_command_line_erases_a_person_in_one_community_and_lists_the_petitions(services, settings, petitions):
    from click.testing import CliRunner

    from api.cli import main

    args = ["--database-url", settings.database_url, "--keys-database-url", settings.key_store_url, "erase-person",
            "--phone", "+86 13800001234", "--community", "jinhua", "--requested-by", REQUEST["requested_by"],
            "--reason", REQUEST["reason"]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 petition(s) erased: ")
    assert all(reference in result.output for reference in petitions["mine"]) and PHONE not in result.output
    assert services.petitions.get(petitions["elsewhere"])["petitioner"]["name"] == NAME

    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1 and "phone: no petition you may see" in again.output
