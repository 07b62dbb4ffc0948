"""Where the time comes from. Tests move a ManualClock; the service uses SystemClock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(CHINA)


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=CHINA)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


__all__ = ["CHINA", "Clock", "ManualClock", "SystemClock", "timezone"]
