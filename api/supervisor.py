"""``petitions run``: gunicorn's workers and the follower process (``petitions project``) on one
machine, without anything else to install. gunicorn's master restarts a worker that dies; this
restarts the follower that dies. SIGTERM or Ctrl-C stops both, gracefully."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

log = logging.getLogger("petitions.supervisor")

WEB = [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_conf", "api:create_app()"]
FOLLOWER = [sys.executable, "-m", "api.cli", "project"]


class Supervisor:
    def __init__(self, env: Mapping[str, str], restart_delay: float = 1.0, stop_timeout: float = 30.0) -> None:
        self.env = dict(env)
        self.restart_delay = restart_delay
        self.stop_timeout = stop_timeout
        self._stopping = False

    def run(self) -> int:
        """Runs until gunicorn exits or a stop signal comes; answers gunicorn's exit code."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        web = subprocess.Popen(WEB, env=self.env)
        follower = subprocess.Popen(FOLLOWER, env=self.env)
        try:
            while not self._stopping and web.poll() is None:
                if follower.poll() is not None:
                    log.warning("follower exited; restarting it", extra={"status": follower.returncode})
                    time.sleep(self.restart_delay)
                    follower = subprocess.Popen(FOLLOWER, env=self.env)
                time.sleep(0.2)
        finally:
            for child in (follower, web):
                if child.poll() is None:
                    child.terminate()
            for child in (follower, web):
                try:
                    child.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return web.returncode or 0

    def _stop(self, *_: object) -> None:
        self._stopping = True
