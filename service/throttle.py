"""Slowing down guessers: of passwords at sign-in, of tracking codes at the petitioner's lookup.

The counts are kept in the database (``projections/guesses.py``), so every worker process of a
deployment slows the same guesser. After ``free`` failures of a key within ``window``, each further
attempt must wait twice as long as the one before, from ``delay`` up to ``max_delay``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from projections import guesses
from service import errors


@dataclass(frozen=True)
class Backoff:
    free: int
    delay: timedelta
    max_delay: timedelta

    def wait(self, count: int, last: float, now: float) -> float:
        """Seconds still to wait after ``count`` failures, the last at ``last`` (0: go ahead)."""
        if count < self.free:
            return 0.0
        delay = min(self.delay * 2 ** (count - self.free), self.max_delay)
        return max(last + delay.total_seconds() - now, 0.0)


class Throttle:
    """Failure counts per key (``kind:value``), forgotten ``window`` after the last failure."""

    def __init__(self, engine: object, now: Callable[[], datetime], window: timedelta = timedelta(minutes=15)) -> None:
        self.engine, self.now, self.window = engine, now, window
        guesses.create_table(engine)  # type: ignore[arg-type]

    def counts(self, keys: Iterable[str]) -> dict[str, tuple[int, float]]:
        """(failures, time of the last) per key that has any within the window."""
        now = self.now().timestamp()
        return {key: (count, last) for key, count, last in guesses.wrong_guesses(self.engine, list(keys))  # type: ignore[arg-type]
                if now - last <= self.window.total_seconds()}

    def refuse(self, wait: float, message: str) -> None:
        """A 429 with Retry-After when there is anything to wait for."""
        if wait > 0:
            seconds = int(wait) + 1
            raise errors.TooManyAttemptsError(message.format(seconds=seconds), retry_after=seconds)

    def check(self, backoffs: dict[str, Backoff], message: str) -> None:
        """Refuses (429) while any key must still wait."""
        now = self.now().timestamp()
        known = self.counts(backoffs)
        self.refuse(max((backoffs[key].wait(*known[key], now) for key in known), default=0.0), message)

    def failed(self, keys: Iterable[str]) -> None:
        guesses.record_wrong_guess(self.engine, list(keys), self.now().timestamp(), self.window.total_seconds())  # type: ignore[arg-type]

    def forget(self, key: str) -> None:
        guesses.forget(self.engine, key)  # type: ignore[arg-type]


def client_key(address: str | None) -> str:
    """Who is asking, as a throttle sees them: an IPv4 address, or an IPv6 address's /64 network
    (one subscriber usually holds a whole /64). The address is the proxy's when no trusted proxy is set."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class GuessThrottle:
    """Slows one client guessing codes (residents' one-time codes): after ``free`` wrong guesses of a
    key within ``window``, each further attempt waits twice as long as the one before (from ``delay``
    up to ``max_delay``)."""

    MESSAGE = "too many wrong codes; try again in {seconds} seconds"

    def __init__(
        self, engine: object, now: Callable[[], datetime], *, free: int = 5, window: timedelta = timedelta(minutes=15),
        delay: timedelta = timedelta(seconds=2), max_delay: timedelta = timedelta(minutes=15),
    ) -> None:
        self.throttle = Throttle(engine, now, window)
        self.backoff = Backoff(free=free, delay=delay, max_delay=max_delay)

    def check(self, keys: Iterable[str]) -> None:
        self.throttle.check({key: self.backoff for key in keys}, self.MESSAGE)

    def failed(self, keys: Iterable[str]) -> None:
        self.throttle.failed(keys)

    def succeeded(self, key: str) -> None:
        self.throttle.forget(key)
