"""Commands per second for receive → deadline → resolve → follow-up, through the
service and through HTTP, beside the raw eventsourcing get-and-save rate, all
measured in the same run on the same store, at the same concurrency.

The raw baseline saves through the same recorder as the service, with the same
settings (on PostgreSQL ``service.store.recorders:PostgresProcessRecorder``: the
EXCLUSIVE table lock, one pipeline), so service/raw measures the service's own
overhead, not a lighter save path.

    python benchmarks/commands.py [--cycles 300] [--clients 1] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import secrets
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402
from waitress.server import create_server  # noqa: E402

from api import create_app  # noqa: E402
from service.bootstrap import bootstrap  # noqa: E402
from service.settings import Settings  # noqa: E402


class Counter(Aggregate):
    @event("Created")
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self, by: int) -> None:
        self.count += by


class Raw(Application):
    name = "RawBaseline"

    def construct_recorder(self):  # type: ignore[no-untyped-def]
        # The service's recorder (a process recorder, PROCESS_RECORDER_TOPIC from the same settings).
        return self.factory.process_recorder()


def in_threads(clients: int, work) -> float:  # noqa: ANN001
    """Runs ``work(client)`` in ``clients`` threads started together; answers the seconds they took."""
    start = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as error:  # noqa: BLE001 - raised below, in the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def raw_rate(settings: Settings, operations: int, clients: int = 1) -> float:
    app = Raw(env=settings.event_store_env())
    ids: list[list] = []
    for _ in range(clients):
        mine = []
        for _ in range(50):
            counter = Counter()
            app.save(counter)
            mine.append(counter.id)
        ids.append(mine)

    def work(client: int) -> None:
        for n in range(operations):
            counter = app.repository.get(ids[client][n % 50])
            counter.increment(by=1)
            app.save(counter)

    elapsed = in_threads(clients, work)
    app.close()
    return operations * clients / elapsed


def setup_community(services) -> tuple[str, str, str]:
    """A community, a desk member, and a signed-in account for them: (contact point, member, bearer token)."""
    services.communities.register(code="bench", name="基准社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("bench", name="第一网格", area="", actor="admin")
    member = services.communities.add_member("bench", name="王芳", role="desk_staff",
                                             contact_point_id=point["id"], actor="admin")
    services.accounts.register(username="bench", display_name="王芳", password="bench-Tulip-Quartz-7",
                               roles=["desk_staff"], community_code="bench", member_id=member["id"], actor="admin")
    return point["id"], member["id"], services.accounts.issue_token("bench", label="benchmark", actor="admin")


def service_rate(services, point: str, member: str, cycles: int, clients: int = 1) -> float:
    """The same commands as over HTTP, through the permission-checked use cases, in-process."""
    desk = services.as_user(services.accounts.principal_named("bench")).petitions

    def work(_client: int) -> None:
        for _ in range(cycles):
            outcome, _ = desk.receive(contact_point_id=point, category="sanitation", channel="desk", summary="垃圾清运",
                                      details="门口垃圾未清运", petitioner={"name": "张三"}, received_by=member)
            reference = outcome.petition["reference"]
            desk.set_deadline(reference, working_days=5, responsible_member_id=member, plan="联系物业", steps=None)
            desk.resolve(reference, outcome="已清运")
            desk.follow_up(reference, satisfaction="satisfied", comment="")

    return cycles * 4 * clients / in_threads(clients, work)


def http_rate(services, point: str, member: str, token: str, cycles: int, clients: int = 1) -> float:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1" at every burst
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48)}, services=services)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=max(4, clients + 2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def work(_client: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)

        def post(path: str, body: dict) -> dict:
            connection.request("POST", path, json.dumps(body), headers)
            response = connection.getresponse()
            payload = json.loads(response.read())
            if response.status >= 300:
                raise RuntimeError(f"{path}: {response.status} {payload}")
            return payload

        for _ in range(cycles):
            reference = post("/api/petitions", {
                "contact_point_id": point, "category": "sanitation", "channel": "desk", "summary": "垃圾清运",
                "details": "门口垃圾未清运", "petitioner": {"name": "张三"}, "received_by": member})["reference"]
            post(f"/api/petitions/{reference}/deadline", {"working_days": 5, "responsible_member_id": member,
                                                          "plan": "联系物业"})
            post(f"/api/petitions/{reference}/resolve", {"outcome": "已清运"})
            post(f"/api/petitions/{reference}/follow-up", {"satisfaction": "satisfied"})
        connection.close()

    elapsed = in_threads(clients, work)
    time.sleep(0.2)  # let waitress finish with the closed connections before it stops
    server.close()
    return cycles * 4 * clients / elapsed


def fresh_settings(database_url: str | None) -> tuple[Settings, callable]:
    if not database_url:
        folder = tempfile.mkdtemp(prefix="petitions-bench-")
        return Settings(database_url=f"sqlite:///{folder}/bench.db"), lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE SCHEMA "{schema}_keys"')

    def drop() -> None:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            connection.execute(f'DROP SCHEMA "{schema}_keys" CASCADE')

    return Settings(database_url=f"{database_url}?schema={schema}",
                    keys_database_url=f"{database_url}?schema={schema}_keys"), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=300, help="petitions each client takes through the 4 commands")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (threads), the same for every path")
    parser.add_argument("--database-url", default=None, help="postgresql://… (default: a fresh SQLite file)")
    args = parser.parse_args()
    settings, drop = fresh_settings(args.database_url)
    try:
        store = "PostgreSQL" if settings.is_postgres else "SQLite"
        raw = raw_rate(settings, args.cycles * 4, args.clients)
        services = bootstrap(settings)
        point, member, token = setup_community(services)
        through_service = service_rate(services, point, member, args.cycles, args.clients)
        through_http = http_rate(services, point, member, token, args.cycles, args.clients)
        services.close()
        print(f"store: {store}; {args.cycles} petitions × 4 commands (receive, deadline, resolve, follow-up) "
              f"per client, {args.clients} client{'s' if args.clients > 1 else ''}; raw: get+save through the "
              "service's recorder and settings")
        print(f"  raw eventsourcing get+save    {raw:8.0f} /s   1.00")
        print(f"  service commands              {through_service:8.0f} /s   {through_service / raw:.2f} of raw")
        print(f"  HTTP commands (waitress)      {through_http:8.0f} /s   {through_http / raw:.2f} of raw")
    finally:
        drop()


if __name__ == "__main__":
    main()
