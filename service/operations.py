"""What operations watch: commands counted by type, how far the followers lag behind
the event log, and whether this process can serve (readiness).

The command counter is a Prometheus counter (multiprocess-safe under gunicorn when
``PROMETHEUS_MULTIPROC_DIR`` is set before the first import of prometheus_client);
its labels are the use case, the command and the outcome, never a value from a
request. Lag is worked out when asked, from the tracking positions and the log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from prometheus_client import Counter

from service import errors
from service.store.eventstore import EventLog


class Followed(Protocol):
    """The event log and the positions its followers have reached (the wired services)."""

    log: EventLog

    def follower_positions(self) -> dict[str, int]: ...

COMMANDS = Counter(
    "petitions_commands_total",
    "Commands issued by signed-in users, by use case, command and outcome (ok, a service error's name, or failed)",
    ["use_case", "command", "outcome"],
)


def counted(use_case: str, command: str, call: Callable[..., Any]) -> Callable[..., Any]:
    """``call``, counting each use in ``petitions_commands_total``."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = call(*args, **kwargs)
        except errors.ServiceError as error:
            COMMANDS.labels(use_case, command, type(error).__name__).inc()
            raise
        except Exception:
            COMMANDS.labels(use_case, command, "failed").inc()
            raise
        COMMANDS.labels(use_case, command, "ok").inc()
        return result

    return run


@dataclass(frozen=True)
class Lag:
    """How far one follower of the log is behind: log positions not yet dealt with, and the age
    of the oldest event among them (0 when it is caught up)."""

    follower: str
    position: int
    events: int
    seconds: float


def lags(services: Followed) -> list[Lag]:
    """Every read model's lag, and the matter-outcomes process's."""
    last = services.log.last_position()
    positions = services.follower_positions()
    now = datetime.now(UTC)
    ages: dict[int, float] = {}
    answer = []
    for follower, position in positions.items():
        if position >= last:
            answer.append(Lag(follower, position, 0, 0.0))
            continue
        if position not in ages:
            ages[position] = _age_of_next_event(services, position, now)
        answer.append(Lag(follower, position, last - position, ages[position]))
    return answer


def _age_of_next_event(services: Followed, position: int, now: datetime) -> float:
    [next_one] = services.log.recorder.select_notifications(position, 1, inclusive_of_start=False) or [None]
    if next_one is None:
        return 0.0
    event = services.log.mapper.to_domain_event(next_one)
    return max((now - event.timestamp).total_seconds(), 0.0)


def readiness(services: Followed, max_lag_seconds: float | None) -> tuple[bool, dict[str, Any]]:
    """Whether this process can serve: the event store and the read models' tables answer and,
    when ``max_lag_seconds`` is given, no read model is further behind than that."""
    try:
        followers = lags(services)
    except errors.store_unavailable_errors() as error:
        return False, {"status": "unavailable", "store": "unreachable", "reason": type(error).__name__}
    behind = [lag.follower for lag in followers if max_lag_seconds is not None and lag.seconds > max_lag_seconds]
    body = {
        "status": "lagging" if behind else "ready",
        "store": "reachable",
        "position": services.log.last_position(),
        "followers": {lag.follower: {"position": lag.position, "lag_events": lag.events,
                                     "lag_seconds": round(lag.seconds, 3)} for lag in followers},
    }
    if behind:
        body["lagging"] = behind
    return not behind, body
