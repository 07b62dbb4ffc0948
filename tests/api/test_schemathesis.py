"""Hostile input, generated: schemathesis builds requests from the served OpenAPI document —
bodies, parameters and headers that fit it and ones that do not — for every operation, sends
them signed in, and every answer must be no 5xx and match the document's schema for its status.

Path parameters are drawn at random, and also fixed to a community, a petition and a committee
matter that exist, so operations are reached beyond their 404."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import ALL_ROLES, token_for
from tests.helpers import petition_fields

EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))  # more for a full-size run
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def existing(services, community) -> dict[str, str]:
    outcome, _ = services.petitions.receive(actor="desk", **petition_fields(community))
    matter = services.committee.open(
        community=community["code"], title="加装电梯", description="3号楼加装电梯", petitions=[], actor="sec")
    return {"code": community["code"], "reference": outcome.petition["reference"], "matter_id": str(matter.matter["id"])}


def test_no_server_error_and_every_answer_matches_the_document(app, services, existing):
    token = token_for(services, "fuzzer", ALL_ROLES, display_name="测试员")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures: dict[str, list[str]] = {}
    sent: Counter[str] = Counter()

    for operation in operations:
        known = {p.name: existing[p.name] for p in operation.path_parameters if p.name in existing}
        strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if known:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known))

        @given(case=st.one_of(strategies))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def send(case) -> None:
            sent[operation.label] += 1
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        try:
            send()
        except (AssertionError, Exception, BaseExceptionGroup) as failure:  # every operation is tried; all are shown
            failures[operation.label] = str(failure).splitlines()[:12]

    print(f"schemathesis: {sum(sent.values())} cases over {len(operations)} operations")
    assert not failures, "\n\n".join(f"{label}:\n" + "\n".join(lines) for label, lines in failures.items())
