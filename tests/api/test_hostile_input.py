"""Hostile and odd input gets a clear 4xx, or is stored and shown intact."""

from __future__ import annotations

import re

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


def test_sizes_and_indexes_past_the_databases_integers_are_not_found_or_refused(anonymous_client):
    huge = 2**31
    for url in (f"/api/transparency/heads/{huge}", f"/api/transparency/entries/{huge}", f"/board/entries/{huge}"):
        assert anonymous_client.get(url).status_code == 404, url
    for url in (f"/api/transparency/entries?start={huge}", f"/api/transparency/heads?since={huge}",
                f"/api/transparency/proofs/consistency?first=1&second={huge}"):
        response = anonymous_client.get(url)
        assert response.status_code == 422, url


# ---- issue 9: each hostile input tried in the public-network test, answered 4xx -------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
ANONYMOUS_401 = {"error": "not_signed_in",
                 "message": "sign in: send 'Authorization: Bearer <token>' (see `petitions create-token`)"}


def test_a_due_date_past_the_year_9999_is_422(anonymous_client):
    response = anonymous_client.get("/api/working-days/due-date?working_days=365&start=9999-12-01")
    assert response.status_code == 422
    assert response.json == {"error": "invalid_input",
                             "message": "start: is too late: the due date would fall after the year 9999",
                             "fields": {"start": ["is too late: the due date would fall after the year 9999"]}}


def test_json_nested_100000_deep_is_400_on_the_public_lookup(anonymous_client):
    response = anonymous_client.post("/api/public/lookup", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"error": "bad_request", "message": "the body is not valid JSON: nested too deeply"}


def test_json_nested_100000_deep_is_401_without_a_token_and_400_with_one(anonymous_client, client):
    response = anonymous_client.post("/api/petitions", data=DEEP, content_type="application/json")
    assert response.status_code == 401 and response.json == ANONYMOUS_401
    signed_in = client.post("/api/petitions", data=DEEP, content_type="application/json")
    assert signed_in.status_code == 400
    assert signed_in.json == {"error": "bad_request", "message": "the body is not valid JSON: nested too deeply"}


LONE_SURROGATE = {"error": "invalid_input",
                  "message": "_body: text must be valid Unicode: a lone surrogate such as \\ud800 is not a character",
                  "fields": {"_body": ["text must be valid Unicode: a lone surrogate such as \\ud800 is not a character"]}}


@pytest.mark.parametrize("surrogate", ["\\ud800", "\\udfff", "x\\ud83dy", "\\ude00\\ud83d"])
def test_a_lone_surrogate_in_a_json_string_is_422(anonymous_client, client, community, surrogate):
    lookup = anonymous_client.post("/api/public/lookup", content_type="application/json",
                                   data='{"reference": "2026-000001", "tracking_code": "' + surrogate + '"}')
    assert lookup.status_code == 422 and lookup.json == LONE_SURROGATE
    body = '{"summary": "' + surrogate + '", "channel": "desk"}'
    petition = client.post("/api/petitions", data=body, content_type="application/json")
    assert petition.status_code == 422 and petition.json == LONE_SURROGATE


def test_a_surrogate_pair_is_a_character_and_is_kept(client, community):
    import json

    body = json.dumps(petition_fields(community, summary="笑 \U0001F600"))  # escaped as \ud83d\ude00
    created = client.post("/api/petitions", data=body, content_type="application/json")
    assert created.status_code == 201, created.json
    assert client.get(f"/api/petitions/{created.json['reference']}").json["summary"] == "笑 \U0001F600"


NUL_IN_QUERY = {"error": "invalid_input", "message": "q: must not contain NUL (U+0000) characters",
                "fields": {"q": ["must not contain NUL (U+0000) characters"]}}


@pytest.mark.parametrize("path", ["/board/%00", "/board/jin%00hua", "/api/public/communities/%00/board",
                                  "/api/petitions/2026-%00", "/desk/petitions/%00"])
def test_nul_in_a_path_is_404(client, community, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json == {"error": "not_found", "message": "no such address"}


@pytest.mark.parametrize("path", ["/api/desk/search?q=%00", "/api/desk/worklist?q=%00", "/lookup?q=%00"])
def test_nul_in_a_query_is_422_naming_it(client, community, path):
    response = client.get(path)
    assert response.status_code == 422 and response.json == NUL_IN_QUERY


def test_nul_in_a_page_form_is_422_naming_it(anonymous_client):
    response = anonymous_client.post("/lookup", data={"reference": "2026-000001", "code": "AB\x00CD"})
    assert response.status_code == 422
    assert response.json["fields"] == {"code": ["must not contain NUL (U+0000) characters"]}


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20a=b", "/x%0aLocation:%20https://evil.example",
                                    "/%0d/evil.example", "%0d%0a//evil.example"])
def test_cr_or_lf_in_next_is_a_redirect_home(app, services, target):
    from tests.conftest import password_of

    services.accounts.register(username="lihua", display_name="李华", password=password_of("lihua"),
                               roles=["administrator"], actor="test")
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post(f"/login?next={target}", data={"username": "lihua",
                                                                     "password": password_of("lihua")})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_50000_character_search_on_the_worklist_page_is_422(app, services, community):
    from tests.conftest import password_of

    services.accounts.register(username="lihua", display_name="李华", password=password_of("lihua"),
                               roles=["desk_staff"], community_code="jinhua", actor="test")
    app.config["WTF_CSRF_ENABLED"] = False
    pages = app.test_client()
    pages.post("/login", data={"username": "lihua", "password": password_of("lihua")})
    response = pages.get("/desk/worklist?q=" + "王" * 50_000)
    assert response.status_code == 422
    assert "未搜索：最多填写 50 个字符。" in response.get_data(as_text=True)


def test_a_50000_character_search_over_the_api_is_422(client, community):
    response = client.get("/api/desk/search?q=" + "1" * 50_000)
    assert response.status_code == 422
    assert response.json["fields"] == {"q": ["Length must be between 1 and 50."]}


SAMPLE_VALUES = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000000"}


def api_commands(app) -> list[tuple[str, str]]:
    """Every POST of the JSON API that needs a signed-in user, with its path parameters filled in."""
    from api.security import needs_token

    commands = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and needs_token(rule.rule):
            path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "", "x"), rule.rule)
            commands.append((rule.endpoint, path))
    return commands


@pytest.mark.parametrize("body", ['{"nonsense": [1, 2]}', "{broken", DEEP, '{"summary": "\\ud800"}'])
def test_an_anonymous_command_with_an_invalid_body_is_401_before_anything_else(app, anonymous_client, body):
    commands = api_commands(app)
    assert len(commands) > 25
    answers = {endpoint: anonymous_client.post(path, data=body, content_type="application/json")
               for endpoint, path in commands}
    assert {endpoint: r.status_code for endpoint, r in answers.items() if r.status_code != 401} == {}
    assert all(r.json == ANONYMOUS_401 and r.headers["WWW-Authenticate"] == 'Bearer realm="petitions"'
               for r in answers.values())


def test_a_command_with_a_wrong_token_is_401_before_its_body_is_read(app, anonymous_client):
    for _endpoint, path in api_commands(app):
        response = anonymous_client.post(path, data="{broken", content_type="application/json",
                                         headers={"Authorization": "Bearer wangfang:not-a-token"})
        assert response.status_code == 401, path


def test_the_openapi_document_declares_the_bearer_scheme_and_the_401_and_403_answers(app, anonymous_client):
    document = anonymous_client.get("/api/openapi.json").json
    assert document["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    protected = public = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if path.startswith(("/api/public/", "/api/transparency/")) or path == "/api/working-days/due-date":
                assert "security" not in operation and "401" not in operation["responses"], (method, path)
                public += 1
            else:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
                protected += 1
    assert protected > 40 and public > 5
