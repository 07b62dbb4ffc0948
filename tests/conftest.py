"""Fixtures shared by every test: the store (SQLite by default, PostgreSQL when
TEST_DATABASE_URL says so), a movable clock, the services and the HTTP client."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from service.bootstrap import Services, bootstrap
from service.clock import CHINA, ManualClock
from service.settings import Settings

TEST_SECRET = "tests-only-secret-key-0123456789abcdef"  # tests pass their secret; the service has none built in
START = datetime(2026, 9, 21, 9, 30, tzinfo=CHINA)  # a Monday, shortly before National Day


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextlib.contextmanager
def fresh_settings(folder: Path) -> Iterator[Settings]:
    """A new, empty store: a SQLite file in ``folder`` (and its key store beside it), or a PostgreSQL
    schema and a schema for the key store, dropped afterwards."""
    url = _postgres_url()
    if url is None:
        yield Settings(database_url=f"sqlite:///{folder / 'petitions.db'}", secret_key=TEST_SECRET)
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    keys = f"{schema}_keys"  # the key store apart from the events, as in production
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE SCHEMA "{keys}"')
    try:
        yield Settings(database_url=f"{url}?schema={schema}", keys_database_url=f"{url}?schema={keys}",
                       secret_key=TEST_SECRET)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            connection.execute(f'DROP SCHEMA "{keys}" CASCADE')


def pytest_collection_modifyitems(config, items) -> None:
    """Tests that stop the shared PostgreSQL server would break the tests of the other parallel workers:
    they run only in a run without workers (``pytest -n 0 -m alone``, as .ci/run does after the suite)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return
    alone = pytest.mark.skip(reason="stops the shared PostgreSQL server: runs with -n 0 (.ci/run runs it alone)")
    for item in items:
        if item.get_closest_marker("alone"):
            item.add_marker(alone)


@pytest.fixture
def settings(tmp_path) -> Iterator[Settings]:
    """A fresh, empty store for each test."""
    with fresh_settings(tmp_path) as fresh:
        yield fresh


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def services(settings: Settings, clock: ManualClock) -> Iterator[Services]:
    built = bootstrap(settings, clock)
    yield built
    built.close()


@pytest.fixture
def community(services: Services) -> dict:
    """A community with two contact points, desk staff and a committee."""
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    first = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    second = services.communities.add_contact_point("jinhua", name="第二网格", area="6-9栋", actor="admin")
    desk = services.communities.add_member("jinhua", name="王芳", role="desk_staff", contact_point_id=first["id"], actor="admin")
    handler = services.communities.add_member("jinhua", name="李强", role="grid_member", contact_point_id=second["id"], actor="admin")
    return {"code": "jinhua", "contact_point": first["id"], "other_contact_point": second["id"],
            "desk": desk["id"], "handler": handler["id"]}


@pytest.fixture
def app(services: Services):
    from api import create_app

    return create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "METRICS_TOKEN": METRICS_TOKEN}, services=services)


METRICS_TOKEN = "tests-metrics-token"


def password_of(username: str) -> str:
    """A password the policy accepts (not made from the user name alone)."""
    return f"{username}-Tulip-Quartz-7"


ALL_ROLES = ["desk_staff", "handling_member", "committee_secretary", "committee_member", "leadership", "administrator"]


def token_for(services: Services, username: str, roles: list[str], **account: str) -> str:
    """A bearer token for a new account; community roles are held in 金华社区 unless the account names another."""
    if not set(roles) <= {"oversight", "administrator"}:
        account.setdefault("community_code", "jinhua")
    services.accounts.register(username=username, display_name=account.pop("display_name", username),
                               password=password_of(username), roles=roles, actor="test", **account)
    return services.accounts.issue_token(username, label="tests", actor="test")


@pytest.fixture
def client(app, services):
    """An API client signed in (bearer token) as wangfang, who holds every role."""
    test_client = app.test_client()
    token = token_for(services, "wangfang", ALL_ROLES, display_name="王芳")
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return test_client


@pytest.fixture
def deployment_admin(app, services):
    """An API client signed in as the administrator of the whole deployment (registers communities)."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "root", ["administrator"])
    return test_client


@pytest.fixture
def anonymous_client(app):
    return app.test_client()
