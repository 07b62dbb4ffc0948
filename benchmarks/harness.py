"""The production run under load, for benchmarks/load.py, benchmarks/faults.py and the fault tests.

- ``fresh_database``: a new PostgreSQL schema (dropped afterwards), as the tests do.
- ``prepare``: a community with desk staff and a committee, and bearer tokens for the load.
- ``preload``: N petitions written straight into the log in large transactions, one process per
  year (each year has its own reference counter, so the processes never conflict).
- ``Cluster``: ``petitions run`` as a child process (gunicorn workers + the follower), with the
  pids of its parts, to kill them.
- ``run_load``: client processes, each a closed loop on one keep-alive connection (http.client),
  mixing desk commands, committee steps, board reads and petitioner lookups; every answer is
  recorded (kind, status, seconds) and every command answered 2xx with what it named (reference
  or matter id, and version), so a check can look for it in the log.
- ``in_process_rate``: the same commands through the service, no HTTP, in as many processes.

The client is hand-rolled rather than locust: it adds nothing to install, costs a few
hundred microseconds of CPU per request (on 2 cores the load generator shares the machine),
and records exactly what the fault checks need."""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import random
import signal
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from service.settings import Settings  # noqa: E402

DESK_COMMANDS = ("receive", "deadline", "resolve", "follow-up")
COMMITTEE_STEPS = ("open-matter", "solicitation", "opinion")
READS = ("board-summary", "community-board", "board-page")
LOOKUP = "lookup"
LOOKUP_AFTER_SECONDS = 5
COMMANDS = (*DESK_COMMANDS, *COMMITTEE_STEPS)
MIX = {"desk": 0.45, "committee": 0.10, "board": 0.30, "lookup": 0.15}
COMMANDS_ONLY = {"desk": 0.8, "committee": 0.2, "board": 0.0, "lookup": 0.0}

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐明", "孙丽"]
SUMMARIES = ["垃圾清运不及时", "楼道灯不亮", "小区路面破损", "噪音扰民", "下水道堵塞", "停车位紧张", "电梯故障"]
CATEGORIES = ["sanitation", "infrastructure", "public_safety", "property", "neighbour_dispute", "other"]


# ---- the store ------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(database_url: str, keep: bool = False) -> Iterator[Settings]:
    """A new, empty schema in this PostgreSQL database (dropped afterwards unless ``keep``)."""
    schema = f"load_{uuid.uuid4().hex[:10]}"
    keys = f"{schema}_keys"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE SCHEMA "{keys}"')
    try:
        yield Settings(database_url=f"{database_url}?schema={schema}", keys_database_url=f"{database_url}?schema={keys}")
    finally:
        if not keep:
            with psycopg.connect(database_url, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
                connection.execute(f'DROP SCHEMA "{keys}" CASCADE')


def prepare(settings: Settings) -> dict[str, Any]:
    """A community, its contact points and members, and bearer tokens for a desk member and the secretary."""
    from service.bootstrap import bootstrap

    services = bootstrap(settings)
    try:
        admin = "admin"
        services.communities.register(code="loadtest", name="压力测试社区", kind="community", actor=admin)
        points = [services.communities.add_contact_point("loadtest", name=f"第{i}网格", area=f"{i}号楼", actor=admin)["id"]
                  for i in range(1, 4)]
        members = [services.communities.add_member("loadtest", name=name, role="desk_staff", contact_point_id=points[0],
                                                   actor=admin)["id"] for name in ("王芳", "李强", "赵敏")]
        tokens = {}
        for username, roles, member in (("desk", ["desk_staff"], members[0]), ("secretary", ["committee_secretary"], None)):
            extra = {"community_code": "loadtest", "member_id": member} if member else {"community_code": "loadtest"}
            services.accounts.register(username=username, display_name=username, password=f"{username}-Tulip-Quartz-7",
                                       roles=roles, actor=admin, **extra)
            tokens[username] = services.accounts.issue_token(username, label="load", actor=admin)
        return {"community": "loadtest", "points": points, "members": members, "tokens": tokens,
                "database_url": settings.database_url, "keys_database_url": settings.key_store_url}
    finally:
        services.close()


# ---- bulk preload -------------------------------------------------------------------------------------

def preload(settings: Settings, setup: dict[str, Any], petitions: int, processes: int = 2, batch: int = 500,
            first_year: int = 2019) -> float:
    """Writes ``petitions`` petitions (98 in 100 of them taken to their end) straight into the log,
    ``batch`` petitions and their reference counter per transaction, one year per process; answers seconds."""
    started = time.perf_counter()
    years = max(1, min(processes, 8))
    shares = [petitions // years + (1 if i < petitions % years else 0) for i in range(years)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(years) as pool:
        pool.starmap(_preload_year, [(settings, setup, first_year + i, shares[i], batch)
                                     for i in range(years) if shares[i]])
    return time.perf_counter() - started


def _preload_year(settings: Settings, setup: dict[str, Any], year: int, count: int, batch: int) -> None:
    from domain.community import community_id
    from domain.petition import Petition
    from service.bootstrap import bootstrap
    from service.clock import CHINA
    from service.numbering import Numbering
    from service.petitions import hash_tracking_code, new_tracking_code
    from service.working_days import add_working_days

    os.environ["PETITIONS_CREATE_TABLE"] = "n"  # the tables exist; processes starting at once must not run DDL
    services = bootstrap(settings)
    rng = random.Random(year)
    community = community_id(setup["community"])
    member = setup["members"][0]
    done = 0
    try:
        while done < count:
            size = min(batch, count - done)
            counter = services.log.kept("numbering", Numbering).counter(year, setup["community"])  # the community's counter
            aggregates = []
            for n in range(size):
                at = datetime(year, 1, 1, 9, tzinfo=CHINA) + timedelta(minutes=(done + n) * 525_600 // count)
                reference = counter.issue(at)
                petition = Petition.receive(
                    reference=reference, tracking_code_hash=hash_tracking_code(new_tracking_code()),
                    community_id=community, contact_point_id=rng.choice(setup["points"]),
                    category=rng.choice(CATEGORIES), channel="desk", summary=rng.choice(SUMMARIES),
                    details="居民反映的问题，需要处理", petitioner={"name": rng.choice(NAMES), "phone": f"139{rng.randrange(10**8):08d}"},
                    received_by=member, actor="desk", at=at,
                )
                fate = rng.random()  # 2 in 100 stay open: a backlog, as old petitions get settled
                if fate < 0.49:
                    petition.resolve_on_spot(action="现场处理", actor="desk", at=at)
                    petition.follow_up(satisfaction="satisfied", comment="", actor="desk", at=at + timedelta(days=2))
                elif fate < 0.98:
                    due = add_working_days(at.date(), 5).due_date
                    petition.set_deadline(working_days=5, due_date=due, responsible_member_id=member, plan="限期处理",
                                          steps=[], actor="desk", at=at)
                    petition.resolve(outcome="已处理", actor="desk", at=at + timedelta(days=3))
                    petition.follow_up(satisfaction="satisfied", comment="", actor="desk", at=at + timedelta(days=5))
                aggregates.append(petition)
            _seed_keys(services, aggregates)
            services.log.save(counter, *aggregates)
            done += size
    finally:
        services.close()


def _seed_keys(services: Any, petitions: list[Any]) -> None:
    """The petitioners' keys for a batch in one statement (the key store writes one per transaction),
    so that sealing the batch's events finds them."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from service.store.personal_data import subject_keys

    keys = services.log.keys
    now = datetime.now(UTC)
    rows = [{"subject_id": str(p.id), "key": AESGCM.generate_key(bit_length=256), "created_at": now} for p in petitions]
    with keys.engine.begin() as connection:
        connection.execute(subject_keys.insert(), rows)


# ---- the production run ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """``petitions run``: gunicorn's master and workers, and the follower, under the supervisor."""

    def __init__(self, settings: Settings, workers: int = 3, threads: int = 4, log_dir: Path | None = None,
                 log_level: str = "WARNING") -> None:
        self.settings = settings
        self.log_level = log_level
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_dir = Path(log_dir or ROOT / "instance")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Cluster:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PETITIONS_LOG_LEVEL": self.log_level,
               "PETITIONS_SECRET_KEY": os.environ.get("PETITIONS_SECRET_KEY") or secrets.token_urlsafe(48)}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.stderr = open(self.log_dir / f"cluster-{self.port}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--database-url", self.settings.database_url,
             "--keys-database-url", self.settings.key_store_url, "run",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads", str(self.threads)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.stderr,
        )
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"petitions run exited with {self.process.returncode}; see {self.stderr.name}")
                try:
                    if (get(self.base, "/readyz")[0] == 200 and len(self.worker_pids()) == self.workers
                            and self.follower_pid()):
                        return self
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the cluster did not become ready; see {self.stderr.name}")
                time.sleep(0.3)
        except BaseException:
            self.stop()
            raise

    def master_pid(self) -> int | None:
        return next((pid for pid in children(self.process.pid) if b"gunicorn" in cmdline(pid)), None)

    def worker_pids(self) -> list[int]:
        master = self.master_pid()
        return children(master) if master else []

    def follower_pid(self) -> int | None:
        return next((pid for pid in children(self.process.pid) if cmdline(pid).endswith(b"project")), None)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                for pid in [*self.worker_pids(), self.master_pid(), self.follower_pid()]:
                    if pid:
                        os.kill(pid, signal.SIGKILL)
                self.process.kill()
                self.process.wait()
        self.stderr.close()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").strip()
    except OSError:
        return b""


def get(base: str, path: str) -> tuple[int, Any]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if response.headers.get_content_type() == "application/json" else body
    finally:
        connection.close()


# ---- the load --------------------------------------------------------------------------------------------

@dataclass
class LoadResult:
    seconds: float
    samples: list[tuple[str, int, float, float]] = field(default_factory=list)  # kind, status, latency, time.time() at its end
    answered: list[dict[str, Any]] = field(default_factory=list)  # commands answered 2xx
    retry_after: int = 0  # 503 answers that carried Retry-After

    def by_kind(self) -> dict[str, list[float]]:
        kinds: dict[str, list[float]] = defaultdict(list)
        for kind, status, latency, _ in self.samples:
            if 200 <= status < 500:
                kinds[kind].append(latency)
        return kinds

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for _, status, _, _ in self.samples:
            counts[status] += 1
        return dict(counts)

    def commands_per_second(self) -> float:
        return sum(1 for kind, status, _, _ in self.samples if kind in COMMANDS and 200 <= status < 300) / self.seconds


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_load(base: str, setup: dict[str, Any], concurrency: int, seconds: float, mix: dict[str, float] | None = None,
             seed: int = 1) -> LoadResult:
    """``concurrency`` client processes for ``seconds``; answers everything they saw."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_client, args=(base, setup, seconds, mix or MIX, seed * 1000 + i, queue))
                 for i in range(concurrency)]
    for process in processes:
        process.start()
    result = LoadResult(seconds=seconds)
    for _ in processes:
        samples, answered, retry_after = queue.get(timeout=seconds + 120)
        result.samples.extend(samples)
        result.answered.extend(answered)
        result.retry_after += retry_after
    for process in processes:
        process.join(30)
    return result


class _Client:
    def __init__(self, base: str, setup: dict[str, Any], rng: random.Random) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.setup = setup
        self.rng = rng
        self.connection: http.client.HTTPConnection | None = None
        self.stages: dict[str, list[dict[str, Any]]] = {"received": [], "deadlined": [], "resolved": []}
        self.lookups: list[tuple[str, str]] = []
        self.matters: list[dict[str, Any]] = []
        self.samples: list[tuple[str, int, float, float]] = []
        self.answered: list[dict[str, Any]] = []
        self.retry_after = 0

    def request(self, kind: str, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
            data = response.read()
            status = response.status
            if status == 503 and response.getheader("Retry-After"):
                self.retry_after += 1
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            status, data = 0, b""  # no answer: the command may or may not have been recorded
        latency = time.perf_counter() - started
        self.samples.append((kind, status, latency, time.time()))
        if data and 200 <= status < 300 and data[:1] == b"{":
            return status, json.loads(data)
        return status, None

    # ---- the desk ----
    def desk(self) -> None:
        choices = ["receive"] + [stage for stage, waiting in self.stages.items() if waiting]
        step = self.rng.choice(choices)
        desk = self.setup["tokens"]["desk"]
        if step == "receive":
            body = {"contact_point_id": self.rng.choice(self.setup["points"]), "category": self.rng.choice(CATEGORIES),
                    "channel": "desk", "summary": self.rng.choice(SUMMARIES), "details": "居民反映，需要尽快处理",
                    "petitioner": {"name": self.rng.choice(NAMES), "phone": f"138{self.rng.randrange(10**8):08d}"},
                    "received_by": self.setup["members"][0]}
            status, answer = self.request("receive", "POST", "/api/petitions", body, desk)
            if answer:
                self._answered("receive", answer)
                self.stages["received"].append(answer)
                self.lookups.append((answer["reference"], answer["tracking_code"], time.monotonic()))
            return
        petition = self.stages[step].pop(0)
        kind, path, body, next_stage = {
            "received": ("deadline", "deadline", {"working_days": 5, "responsible_member_id": self.setup["members"][1],
                                                  "plan": "联系物业限期处理"}, "deadlined"),
            "deadlined": ("resolve", "resolve", {"outcome": "已处理完毕"}, "resolved"),
            "resolved": ("follow-up", "follow-up", {"satisfaction": "satisfied"}, None),
        }[step]
        status, answer = self.request(kind, "POST", f"/api/petitions/{petition['reference']}/{path}", body, desk)
        if answer:
            self._answered(kind, answer)
            if next_stage:
                self.stages[next_stage].append(answer)
        elif status == 0:
            self.stages[step].append(petition)  # unknown outcome: leave it; a retry may be refused as illegal

    # ---- the committee ----
    def committee(self) -> None:
        secretary = self.setup["tokens"]["secretary"]
        waiting = [m for m in self.matters if m["stage"] in ("opened", "soliciting")]
        if not waiting or self.rng.random() < 0.1:
            body = {"community": self.setup["community"], "title": "加装电梯", "description": "3号楼居民申请加装电梯"}
            status, answer = self.request("open-matter", "POST", "/api/matters", body, secretary)
            if answer:
                self._answered("open-matter", answer)
                self.matters.append(answer)
            return
        matter = self.rng.choice(waiting)
        if matter["stage"] == "opened":
            today = date.today()
            body = {"question": "是否同意加装电梯？", "closes_on": (today + timedelta(days=14)).isoformat()}
            status, answer = self.request("solicitation", "POST", f"/api/matters/{matter['id']}/solicitation", body,
                                          secretary)
        else:
            body = {"resident": self.rng.choice(NAMES), "stance": "support", "text": "同意", "channel": "desk"}
            status, answer = self.request("opinion", "POST", f"/api/matters/{matter['id']}/opinions", body, secretary)
        if answer:
            self._answered("solicitation" if matter["stage"] == "opened" else "opinion", answer)
            matter.update(stage=answer["stage"])

    def _answered(self, kind: str, answer: dict[str, Any]) -> None:
        self.answered.append({"kind": kind, "reference": answer.get("reference"), "matter_id": answer.get("id")
                              if "reference" not in answer else None, "version": answer["version"]})

    # ---- the public ----
    def board(self) -> None:
        kind = self.rng.choice(READS)
        path = {"board-summary": "/api/public/board", "community-board": f"/api/public/communities/{self.setup['community']}/board",
                "board-page": f"/board/{self.setup['community']}"}[kind]
        self.request(kind, "GET", path)

    def lookup(self) -> None:
        # petitions received a few seconds ago: projected by now (a miss counts as a wrong guess, and
        # wrong guesses from one address are slowed down: every client here is 127.0.0.1)
        settled = [(r, c) for r, c, at in self.lookups if time.monotonic() - at > LOOKUP_AFTER_SECONDS]
        if not settled:
            return self.board()
        reference, code = self.rng.choice(settled)
        self.request(LOOKUP, "POST", "/api/public/lookup", {"reference": reference, "tracking_code": code})
        return None


def _client(base: str, setup: dict[str, Any], seconds: float, mix: dict[str, float], seed: int, queue: Any) -> None:
    rng = random.Random(seed)
    client = _Client(base, setup, rng)
    kinds, weights = zip(*[(k, w) for k, w in mix.items() if w > 0], strict=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        getattr(client, rng.choices(kinds, weights)[0])()
    queue.put((client.samples, client.answered, client.retry_after))


# ---- the same commands in-process -----------------------------------------------------------------------

def in_process_rate(settings: Settings, setup: dict[str, Any], concurrency: int, seconds: float) -> float:
    """Commands per second through the service (no HTTP), in ``concurrency`` processes, the commands-only mix."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_service_client, args=(settings, setup, seconds, i, queue))
                 for i in range(concurrency)]
    for process in processes:
        process.start()
    done = sum(queue.get(timeout=seconds + 120)[0] for _ in processes)
    for process in processes:
        process.join(30)
    return done / seconds


def _service_client(settings: Settings, setup: dict[str, Any], seconds: float, seed: int, queue: Any) -> None:
    from service.bootstrap import bootstrap
    from service.errors import VersionConflictError

    os.environ["PETITIONS_CREATE_TABLE"] = "n"  # the tables exist; processes starting at once must not run DDL

    services = bootstrap(settings)
    desk = services.as_user(services.accounts.principal_named("desk"))
    committee = services.as_user(services.accounts.principal_named("secretary")).committee
    rng = random.Random(seed)
    stages: dict[str, list[str]] = {"received": [], "deadlined": [], "resolved": []}
    matters: list[list[Any]] = []
    done = conflicts = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                if rng.random() < COMMANDS_ONLY["desk"]:
                    step = rng.choice(["receive"] + [s for s, waiting in stages.items() if waiting])
                    if step == "receive":
                        outcome, _ = desk.petitions.receive(
                            contact_point_id=rng.choice(setup["points"]), category=rng.choice(CATEGORIES), channel="desk",
                            summary=rng.choice(SUMMARIES), details="居民反映，需要尽快处理",
                            petitioner={"name": rng.choice(NAMES), "phone": f"137{rng.randrange(10**8):08d}"},
                            received_by=setup["members"][0])
                        stages["received"].append(outcome.petition["reference"])
                    elif step == "received":
                        reference = stages["received"].pop(0)
                        desk.petitions.set_deadline(reference, working_days=5, responsible_member_id=setup["members"][1],
                                                    plan="联系物业限期处理", steps=None)
                        stages["deadlined"].append(reference)
                    elif step == "deadlined":
                        reference = stages["deadlined"].pop(0)
                        desk.petitions.resolve(reference, outcome="已处理完毕")
                        stages["resolved"].append(reference)
                    else:
                        desk.petitions.follow_up(stages["resolved"].pop(0), satisfaction="satisfied", comment="")
                else:
                    waiting = [m for m in matters if m[1] in ("opened", "soliciting")]
                    if not waiting or rng.random() < 0.1:
                        opened = committee.open(community=setup["community"], title="加装电梯", description="3号楼居民申请加装电梯",
                                                petitions=[])
                        matters.append([opened.matter["id"], opened.matter["stage"]])
                    else:
                        matter = rng.choice(waiting)
                        if matter[1] == "opened":
                            outcome = committee.open_solicitation(matter[0], question="是否同意加装电梯？", opens_on=None,
                                                                  closes_on=date.today() + timedelta(days=14))
                        else:
                            outcome = committee.record_opinion(matter[0], resident=rng.choice(NAMES), stance="support",
                                                               text="同意", channel="desk")
                        matter[1] = outcome.matter["stage"]
            except VersionConflictError:
                conflicts += 1  # over HTTP this is a 409: counted apart there too
                continue
            done += 1
    finally:
        services.close()
    queue.put((done, conflicts))


# ---- reporting ----------------------------------------------------------------------------------------------

def report(title: str, result: LoadResult) -> list[str]:
    kinds = result.by_kind()
    total = sum(len(v) for v in kinds.values())
    lines = [f"{title}: {total / result.seconds:.0f} answers/s, {result.commands_per_second():.0f} commands/s (2xx), "
             f"statuses {dict(sorted(result.statuses().items()))}",
             f"  {'kind':16} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    for kind in (*DESK_COMMANDS, *COMMITTEE_STEPS, *READS, LOOKUP):
        values = kinds.get(kind, [])
        if values:
            lines.append(f"  {kind:16} {len(values):7d} {len(values) / result.seconds:7.0f} "
                         f"{percentile(values, 50) * 1000:8.1f} {percentile(values, 95) * 1000:8.1f} "
                         f"{percentile(values, 99) * 1000:8.1f}")
    return lines


# ---- faults ------------------------------------------------------------------------------------------------

def _in_background(target: Any, *args: Any) -> tuple[Any, dict[str, Any]]:
    import threading

    box: dict[str, Any] = {}

    def run() -> None:
        box["result"] = target(*args)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def wait_caught_up(cluster: Cluster, timeout: float = 60) -> dict[str, Any]:
    """Waits until /readyz says every follower has dealt with every event; answers its body."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, body = get(cluster.base, "/readyz")
            if status == 200 and all(f["lag_events"] == 0 for f in body["followers"].values()):
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the followers did not catch up")
        time.sleep(0.3)


def kill_scenario(settings: Settings, setup: dict[str, Any], seconds: float = 12, concurrency: int = 4,
                  workers: int = 3) -> dict[str, Any]:
    """Load for ``seconds``; a gunicorn worker is killed (SIGKILL) at a quarter of it, the follower at
    a half (the supervisor starts a new one); then the log and the read models are checked."""
    with Cluster(settings, workers=workers) as cluster:
        thread, box = _in_background(run_load, cluster.base, setup, concurrency, seconds, MIX, 7)
        time.sleep(seconds * 0.25)
        worker = cluster.worker_pids()[0]
        os.kill(worker, signal.SIGKILL)
        time.sleep(seconds * 0.25)
        follower = cluster.follower_pid()
        os.kill(follower, signal.SIGKILL)
        thread.join(seconds + 180)
        result: LoadResult = box["result"]
        new_follower = cluster.follower_pid()
        wait_caught_up(cluster)
        workers_after = cluster.worker_pids()
    return {"result": result, "killed_worker": worker, "killed_follower": follower, "new_follower": new_follower,
            "workers_after": workers_after, **verify(settings, result)}


def restart_scenario(settings: Settings, setup: dict[str, Any], seconds: float = 20, concurrency: int = 4,
                     workers: int = 3, restart_at: float = 4) -> dict[str, Any]:
    """Load for ``seconds``; PostgreSQL is restarted ``restart_at`` seconds in. Answers what the clients
    saw during and after the outage, and whether the service answered again without a restart."""
    with Cluster(settings, workers=workers) as cluster:
        workers_before, follower_before = cluster.worker_pids(), cluster.follower_pid()
        thread, box = _in_background(run_load, cluster.base, setup, concurrency, seconds, MIX, 11)
        time.sleep(restart_at)
        outage = restart_postgres()
        thread.join(seconds + 180)
        result: LoadResult = box["result"]
        ready_again = wait_caught_up(cluster, timeout=60)
        workers_after, follower_after = cluster.worker_pids(), cluster.follower_pid()
    after = [s for s in result.samples if s[3] > outage[1] + 5]
    return {"result": result, "outage": outage, "statuses": result.statuses(),
            "answered_503": result.statuses().get(503, 0), "with_retry_after": result.retry_after,
            "after_outage": len(after), "after_outage_2xx": sum(1 for s in after if 200 <= s[1] < 300),
            "after_outage_errors": sum(1 for s in after if s[1] >= 500 or s[1] == 0),
            "workers_before": workers_before, "workers_after": workers_after, "follower_before": follower_before,
            "follower_after": follower_after, "ready_again": ready_again}


OUTAGE_SECONDS = 2.0


def restart_postgres() -> tuple[float, float]:
    """Restarts the local PostgreSQL cluster; answers when it went down and when it answered again
    (times relative to the load's clock, time.time())."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    went_down = time.time()
    try:
        # stopped for a couple of seconds, not just restarted: a definite outage for the clients to meet
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "--", "-m", "fast"],
                       check=True, capture_output=True, timeout=60)
        time.sleep(OUTAGE_SECONDS)
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True,
                       capture_output=True, timeout=60)
    finally:
        ensure_postgres_running(version)
    return went_down, time.time()


def ensure_postgres_running(version: str | None = None) -> None:
    version = version or sorted(os.listdir("/etc/postgresql"))[-1]
    for attempt in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
            return
        if attempt == 5:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], capture_output=True)
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL is not running")


def verify(settings: Settings, result: LoadResult) -> dict[str, Any]:
    """Every command answered 2xx is in the log at the version it answered; no read model holds an
    event twice (one row per petition received, counts that add up); every read model equals a rebuild."""
    from uuid import UUID

    from sqlalchemy import func, select

    from domain.petition import petition_id
    from service.bootstrap import bootstrap
    from service.transparency import StoredTree

    services = bootstrap(settings)
    try:
        recorder = services.log.recorder
        lost = []
        for answer in result.answered:
            originator = petition_id(answer["reference"]) if answer["reference"] else UUID(answer["matter_id"])
            version = answer["version"]
            if len(recorder.select_events(originator, gt=version - 1, lte=version)) != 1:
                lost.append(answer)
        received_topic = "domain.petition:Petition.Received"
        received = len(recorder.select_notifications(1, 10_000_000, topics=[received_topic]))
        tables = {t.name: t for p in services.projections.projections for t in p.tables}
        with services.projections.engine.connect() as connection:
            rows = connection.execute(select(func.count()).select_from(tables["rm_petitions"])).scalar_one()
            counted = connection.execute(select(func.sum(tables["rm_petition_counts"].c.received))).scalar_one() or 0
        before = _rows(services)
        signed = before.pop("tl_heads")
        for name in services.projections.names:
            services.projections.rebuild(name)
        rebuilt = _rows(services)
        rebuilt.pop("tl_heads")
        differing = sorted(name for name in before if before[name] != rebuilt[name])
        tree = StoredTree(services.projections.engine)
        unverified = [size for size, root, *_ in signed if tree.get_root(size).hex() != root]
        return {"answered_2xx": len(result.answered), "lost": lost, "received_events": received,
                "read_model_rows": rows, "counted_received": int(counted),
                "duplicates": max(rows - received, 0) + max(int(counted) - received, 0),
                "missing": max(received - rows, 0) + max(received - int(counted), 0),
                "tables": len(before), "differ_from_rebuild": differing,
                "signed_heads": len(signed), "heads_not_in_rebuilt_tree": unverified}
    finally:
        services.close()


def _rows(services: Any) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    with services.projections.engine.connect() as connection:
        return {t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key.columns))]
                for p in services.projections.projections for t in p.tables}
