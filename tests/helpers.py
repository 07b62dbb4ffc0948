"""Helpers that act like a desk member, for service and API tests."""

from __future__ import annotations

from typing import Any

ACTOR = {"X-Actor": "wangfang"}


def petition_fields(community: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    fields = {
        "contact_point_id": community["contact_point"],
        "category": "sanitation",
        "channel": "desk",
        "summary": "垃圾清运不及时",
        "details": "3号楼门口垃圾两天没人清运，有异味",
        "petitioner": {"name": "张三丰", "phone": "13800001234", "address": "金华社区3号楼2单元"},
        "received_by": community["desk"],
    }
    fields.update(overrides)
    return fields


class Desk:
    """A desk member working through the HTTP API."""

    def __init__(self, client: Any, community: dict[str, Any]) -> None:
        self.client = client
        self.community = community

    def receive(self, **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/api/petitions", json=petition_fields(self.community, **overrides), headers=ACTOR)
        assert response.status_code == 201, response.json
        return response.json

    def step(self, reference: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.post(f"/api/petitions/{reference}/{path}", json=body or {}, headers={**ACTOR, **headers})

    def get(self, reference: str) -> dict[str, Any]:
        return self.client.get(f"/api/petitions/{reference}").json
