"""Hostile and odd input gets a clear 4xx, or is stored and shown intact."""

from __future__ import annotations

import pytest

from tests.helpers import petition_fields


def test_broken_json_is_400_naming_the_problem(client):
    response = client.post("/api/petitions", data="{broken", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == "bad_request"
    assert response.json["message"].startswith("the body is not valid JSON")


def test_a_body_that_is_not_json_is_415(client):
    response = client.post("/api/petitions", data="summary=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json == {"error": "unsupported_media_type",
                             "message": "send JSON, with Content-Type: application/json"}


def test_an_oversize_body_is_413(client):
    response = client.post("/api/petitions", data="[" + "1," * 600_000 + "1]", content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"] == "too_large"


def test_nul_characters_are_refused(client, community):
    response = client.post("/api/petitions", json=petition_fields(community, details="a\u0000b"))
    assert response.status_code == 422
    assert response.json["fields"] == {"_body": ["text must not contain NUL (U+0000) characters"]}


@pytest.mark.parametrize("text", [
    "𠀀𪚥𰻞 生僻字", "🙂👍🏽 表情", "مرحبا بالعالم", "שלום", "e\u0301 combining", "‮ RTL override",
])
def test_rare_characters_emoji_and_right_to_left_text_are_stored_intact(client, community, text):
    created = client.post("/api/petitions", json=petition_fields(community, summary=text[:200], details=text))
    assert created.status_code == 201, created.json
    shown = client.get(f"/api/petitions/{created.json['reference']}").json
    assert (shown["summary"], shown["details"]) == (text, text)


def test_an_unreachable_database_is_503_with_a_retry_hint(client, services, monkeypatch):
    from eventsourcing.persistence import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(services.log.repository, "get", unreachable)
    response = client.get("/api/petitions/2026-000001")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == {"error": "unavailable", "message": "the database cannot be reached; try again shortly"}
