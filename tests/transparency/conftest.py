"""A deployment whose public record grew over weeks, and a verifier that reads it over the test client."""

from __future__ import annotations

from typing import Any

import pytest

from tests.transparency.scenario import grow, matter_through_notice
from verifier.verify_board import Verifier


@pytest.fixture
def grown(services, clock, community):
    """Seven weeks: petitions every day, a committee matter through its notice period, two months ended."""
    grow(services, clock, community, 10)
    matter_through_notice(services, clock, community)
    grow(services, clock, community, 10, seed=2)
    return services


def fetcher(client: Any):
    def fetch(path: str) -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.json)
        return response.json

    return fetch


@pytest.fixture
def verifier(anonymous_client, tmp_path):
    """A resident's verifier with its own state file; ``verifier()`` makes a fresh run."""
    said: list[str] = []

    def make() -> Verifier:
        said.clear()
        return Verifier(fetcher(anonymous_client), tmp_path / "heads.json", say=said.append)

    return make
