"""The README's curl walk-through runs as written on a fresh demo: its shell block, pasted into bash
against a freshly loaded demo served over HTTP, answers every status code and ETag the README notes
after ``→``, in order, and writes nothing to stderr."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from waitress.server import create_server

from api import create_app
from service.bootstrap import bootstrap
from service.demo import load_demo
from service.demo.accounts import create_demo_accounts

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## A petition's life over HTTP (curl walk-through)"
EXPECTED = re.compile(r'# → (\d{3})(?:, ETag ("\d+"))?')

pytestmark = pytest.mark.skipif(not shutil.which("curl") or not shutil.which("bash"), reason="needs curl and bash")


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(HEADING):]
    return section[section.index("```sh\n") + len("```sh\n"):section.index("\n```\n")]


def answers(output: str) -> list[tuple[str, str | None]]:
    """(status, ETag) of each call, from what the walk-through's ``api`` prints."""
    found: list[tuple[str, str | None]] = []
    for line in output.splitlines():
        status = re.match(r"HTTP/1\.[01] (\d{3})", line)
        if status:
            found.append((status.group(1), None))
        elif re.match(r"etag:", line, re.IGNORECASE) and found:
            found[-1] = (found[-1][0], line.split(":", 1)[1].strip())
    return found


@pytest.fixture
def demo_server(settings):
    services = bootstrap(settings)  # the system clock, as `petitions demo` and `petitions serve` run
    load_demo(services, petitions=24, months=2, visit_months=1)
    create_demo_accounts(services)
    services.projections.catch_up()
    services.projections.start(interval=0.2)
    services.matter_outcomes.start(interval=0.2)
    http = create_server(create_app(services=services), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=http.run, daemon=True).start()
    yield f"http://127.0.0.1:{http.effective_port}"
    http.close()
    services.close()


def test_the_walkthrough_notes_a_status_after_every_call():
    script = walkthrough()
    calls = len(re.findall(r"^\s*(api|new) ", script, re.MULTILINE))
    assert len(EXPECTED.findall(script)) == calls


def test_the_readme_walkthrough_runs_as_written_on_a_fresh_demo(demo_server, settings, tmp_path):
    script = walkthrough()
    petitions = Path(sys.executable).parent / "petitions"
    assert ".venv/bin/petitions" in script and "http://127.0.0.1:5000/api" in script
    script = script.replace("http://127.0.0.1:5000/api", f"{demo_server}/api").replace(".venv/bin/petitions", str(petitions))
    env = {**os.environ, "PETITIONS_DATABASE_URL": settings.database_url,
           "PETITIONS_KEYS_DATABASE_URL": settings.key_store_url, "PETITIONS_SECRET_KEY": settings.secret_key}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    expected = EXPECTED.findall(script)
    got = answers(done.stdout)
    assert [status for status, _ in got] == [status for status, _ in expected], done.stdout
    for (status, etag), (_, noted) in zip(got, expected):
        if noted:
            assert etag == noted, (status, etag, noted)
    assert '"status":"closed"' in done.stdout and '"status":"merged"' in done.stdout
