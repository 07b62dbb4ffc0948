"""An erasure holds at once in every worker of the production run (``petitions run``: gunicorn workers
and the follower, on PostgreSQL): right after the erasure command answered, reading the petition, its
history, the worklist and a search through each worker shows nothing of the petitioner."""

from __future__ import annotations

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.harness import Cluster, prepare
from service.bootstrap import bootstrap
from tests.conftest import _postgres_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(_postgres_url() is None,
                       reason="several gunicorn workers share one store: PostgreSQL only (set TEST_DATABASE_URL)"),
]

WORKERS = 3
PETITIONER = {"name": "欧阳春花", "phone": "13912345678", "address": "和平里7号楼3单元"}


def call(base: str, method: str, path: str, token: str, body: dict | None = None, request_id: str = "") -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)  # a new connection: any worker may take it
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if request_id:
            headers["X-Request-ID"] = request_id
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def served_by(cluster: Cluster, prefix: str) -> dict[str, int]:
    """Request id → the pid of the worker that answered it, from the cluster's JSON log lines."""
    cluster.stderr.flush()
    found = {}
    for line in open(cluster.stderr.name, encoding="utf-8", errors="replace"):
        if line.startswith("{") and f'"request_id": "{prefix}' in line:
            entry = json.loads(line)
            if entry.get("message") == "request":
                found[entry["request_id"]] = entry["pid"]
    return found


def test_no_worker_serves_an_erased_petitioner_after_the_erasure_answered(settings, tmp_path):
    setup = prepare(settings)
    services = bootstrap(settings)
    try:
        services.accounts.register(username="dpo", display_name="dpo", password="dpo-password-1",
                                   roles=["administrator"], community_code=setup["community"], actor="admin")
        admin = services.accounts.issue_token("dpo", label="erasure", actor="admin")
    finally:
        services.close()
    desk = setup["tokens"]["desk"]
    with Cluster(settings, workers=WORKERS, log_dir=tmp_path, log_level="INFO") as cluster:
        status, body = call(cluster.base, "POST", "/api/petitions", desk, {
            "contact_point_id": setup["points"][0], "category": "sanitation", "channel": "desk",
            "summary": "垃圾清运不及时", "details": "门口垃圾两天没人清运", "petitioner": PETITIONER})
        assert status == 201, body
        reference = json.loads(body)["reference"]
        reads = [f"/api/petitions/{reference}", f"/api/desk/search?q={PETITIONER['phone']}",
                 f"/api/desk/worklist?community={setup['community']}", f"/api/desk/search?q={reference}"]

        def read_all(prefix: str, rounds: int) -> list[tuple[int, str]]:
            with ThreadPoolExecutor(6) as pool:
                return list(pool.map(lambda n: call(cluster.base, "GET", reads[n % len(reads)], desk,
                                                    request_id=f"{prefix}{n:04d}"), range(rounds)))

        before = read_all("warm", 24)  # every worker has the petition (and its aggregate) in memory
        assert all(status == 200 for status, _ in before)
        assert PETITIONER["name"] in before[0][1] and PETITIONER["phone"] in before[0][1]

        status, body = call(cluster.base, "POST", f"/api/petitions/{reference}/erase-personal-data", admin,
                            {"requested_by": "本人（书面申请第9号）", "reason": "个人信息保护法第四十七条"})
        assert status == 200, body

        answered, pids = [], set()
        deadline = time.monotonic() + 30
        while len(pids) < WORKERS and time.monotonic() < deadline:
            answered += read_all(f"after{len(answered):04d}-", 24)
            time.sleep(0.2)  # the log lines reach the file
            pids = set(served_by(cluster, "after").values())
        workers = set(cluster.worker_pids())

    assert pids == workers and len(workers) == WORKERS  # every worker answered after the erasure
    assert all(status == 200 for status, _ in answered)
    leaks = [text for _, text in answered if any(value in text for value in PETITIONER.values())]
    assert leaks == []
    petitions = [json.loads(text) for _, text in answered if text.startswith("{") and '"history"' in text]
    assert petitions and all(p["petitioner"] == {"erased": True} for p in petitions)
    assert all(p["history"][0]["details"]["petitioner"] == {"erased": True} for p in petitions)
