"""Statements and network round trips per command on PostgreSQL, counted on the wire.

Every connection of the service (event store pool, key store, read models) goes through a small TCP
proxy in this process that reads the PostgreSQL protocol: a *statement* is a simple Query ('Q') or an
Execute ('E') message from the client; a *round trip* is each time the client sends again after the
server has answered (a pipeline of several statements ending in one Sync is one round trip). The
followers (read models, matter outcomes) are stopped so that only the command's own traffic counts.

    python benchmarks/roundtrips.py --database-url postgresql://postgres@127.0.0.1:5432/test [--repeat 20] [--show]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import struct
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SPECIAL_STARTUP_CODES = {80877103, 80877104, 80877102}  # SSLRequest, GSSENCRequest, CancelRequest


class WireCounter:
    """A TCP proxy in front of PostgreSQL that counts statements and round trips."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.lock = threading.Lock()
        self.statements = 0
        self.round_trips = 0
        self.texts: list[str] = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.statements = self.round_trips = 0
            self.texts = []

    def snapshot(self) -> tuple[int, int, list[str]]:
        with self.lock:
            return self.statements, self.round_trips, list(self.texts)

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(self.target)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            state = {"server_spoke": True, "startup": True, "buffer": b""}
            threading.Thread(target=self._client_to_server, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(server, client, state), daemon=True).start()

    def _client_to_server(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        try:
            while data := client.recv(65536):
                with self.lock:
                    if state["server_spoke"]:
                        self.round_trips += 1
                        state["server_spoke"] = False
                        self.texts.append(f"── round trip {self.round_trips} (connection {id(state) % 1000})")
                    self._parse(state, data)
                server.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, server):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _server_to_client(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        try:
            while data := server.recv(65536):
                with self.lock:
                    state["server_spoke"] = True
                client.sendall(data)
        except OSError:
            pass

    def _parse(self, state: dict, data: bytes) -> None:
        buffer = state["buffer"] + data
        while True:
            if state["startup"]:
                if len(buffer) < 8:
                    break
                length, code = struct.unpack("!II", buffer[:8])
                if len(buffer) < length:
                    break
                buffer = buffer[length:]
                if code not in SPECIAL_STARTUP_CODES:
                    state["startup"] = False
                continue
            if len(buffer) < 5:
                break
            kind = buffer[:1]
            (length,) = struct.unpack("!I", buffer[1:5])
            if len(buffer) < 1 + length:
                break
            body = buffer[5 : 1 + length]
            buffer = buffer[1 + length :]
            if kind == b"Q":
                self.statements += 1
                self.texts.append(body.rstrip(b"\0").decode(errors="replace"))
            elif kind == b"P":
                name, query = body.split(b"\0", 2)[:2]
                state.setdefault("prepared", {})[name] = query.decode(errors="replace")
            elif kind == b"B":
                name = body.split(b"\0", 2)[1]
                self.texts.append(state.get("prepared", {}).get(name, "?"))
            elif kind == b"E":
                self.statements += 1
        state["buffer"] = buffer


def through(url: str, port: int) -> str:
    parts = urlparse(url)
    user = f"{parts.username}@" if parts.username else ""
    password = f":{parts.password}" if parts.password else ""
    netloc = f"{parts.username or ''}{password}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}"
    return urlunparse(parts._replace(netloc=netloc))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgresql://…")
    parser.add_argument("--repeat", type=int, default=20, help="petitions taken through the commands")
    parser.add_argument("--show", action="store_true", help="print the statements of one of each command")
    args = parser.parse_args()

    from benchmarks.commands import fresh_settings, setup_community
    from service.bootstrap import bootstrap
    from service.settings import Settings

    settings, drop = fresh_settings(args.database_url)
    target = urlparse(args.database_url)
    wire = WireCounter(target.hostname or "127.0.0.1", target.port or 5432)
    proxied = Settings(database_url=through(settings.database_url, wire.port),
                       keys_database_url=through(settings.keys_database_url, wire.port))
    try:
        services = bootstrap(proxied)
        services.projections.stop()
        services.matter_outcomes.stop()
        point, member, token = setup_community(services)
        desk = services.as_user(services.accounts.principal_named("bench")).petitions
        counts: dict[str, list[tuple[int, int]]] = {}
        shown: dict[str, list[str]] = {}

        def measure(name: str, command) -> object:  # noqa: ANN001
            wire.reset()
            answer = command()
            statements, trips, texts = wire.snapshot()
            counts.setdefault(name, []).append((statements, trips))
            shown[name] = texts
            return answer

        # The HTTP path adds the bearer token's principal: measured through Flask's test client (no network).
        from api import create_app

        app = create_app({"SECRET_KEY": "x" * 48, "TESTING": True}, services=services)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        for n in range(args.repeat + 2):
            outcome, _ = measure("receive", lambda: desk.receive(
                contact_point_id=point, category="sanitation", channel="desk", summary="垃圾清运",
                details="门口垃圾未清运", petitioner={"name": "张三", "phone": f"1390000{n:04d}"}, received_by=member))
            reference = outcome.petition["reference"]
            measure("set_deadline", lambda: desk.set_deadline(reference, working_days=5, responsible_member_id=member,
                                                               plan="联系物业", steps=None))
            measure("resolve", lambda: desk.resolve(reference, outcome="已清运"))
            measure("follow_up", lambda: desk.follow_up(reference, satisfaction="satisfied", comment=""))
            http = measure("HTTP receive", lambda: client.post("/api/petitions", headers=headers, json={
                "contact_point_id": point, "category": "sanitation", "channel": "desk", "summary": "垃圾清运",
                "details": "门口垃圾未清运", "petitioner": {"name": "李四"}, "received_by": member}))
            assert http.status_code == 201, http.json
            other = http.json["reference"]
            answer = measure("HTTP set_deadline", lambda: client.post(
                f"/api/petitions/{other}/deadline", headers=headers,
                json={"working_days": 5, "responsible_member_id": member, "plan": "联系物业"}))
            assert answer.status_code == 200, answer.json
        services.close()
        print(f"statements and round trips per command on PostgreSQL (median of {args.repeat}, after 2 warm-up)")
        for name, values in counts.items():
            values = values[2:]
            print(f"  {name:18s} statements {statistics.median(v[0] for v in values):5.1f}  "
                  f"round trips {statistics.median(v[1] for v in values):5.1f}  (max {max(v[1] for v in values)})")
        if args.show:
            for name, texts in shown.items():
                print(f"\n{name}:")
                for text in texts:
                    print(f"  {' '.join(text.split())[:110]}")
    finally:
        drop()


if __name__ == "__main__":
    main()
