"""`petitions verify URL` against the service over real HTTP, as a resident would run it."""

from __future__ import annotations

import threading

from click.testing import CliRunner
from werkzeug.serving import make_server

from api.cli import main
from tests.transparency.scenario import grow


def test_petitions_verify_checks_a_served_log_and_keeps_what_it_saw(app, services, clock, community, tmp_path):
    grow(services, clock, community, 3)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        state = tmp_path / "seen.json"
        first = CliRunner().invoke(main, ["verify", url, "--state", str(state), "--entry", "2"])
        assert first.exit_code == 0, first.output
        assert "OK: the record only grew, and every entry is as signed" in first.output
        assert state.exists() and state.with_suffix(".json.leaves").stat().st_size == 32 * services.transparency.size()
        grow(services, clock, community, 2, seed=9)
        second = CliRunner().invoke(main, ["verify", url, "--state", str(state)])
        assert second.exit_code == 0, second.output
    finally:
        server.shutdown()
