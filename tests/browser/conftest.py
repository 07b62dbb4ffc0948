"""Browser tests: the real service on a fresh store, served over HTTP, driven by
Playwright in Debian's headless Chromium. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from waitress.server import create_server  # noqa: E402

from api import create_app  # noqa: E402
from service.bootstrap import bootstrap  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = pytest.mark.browser

if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def live_services(settings, clock):
    services = bootstrap(settings, clock)
    yield services
    services.close()


@pytest.fixture
def server(live_services):
    app = create_app(services=live_services)
    live_services.projections.start(interval=0.2)
    live_services.matter_outcomes.start(interval=0.2)
    http = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=http.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.effective_port}"
    http.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def cli(settings, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    """Runs the `petitions` console command against the test's store, as an operator would."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "--database-url", settings.database_url, *args],
        input=input, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
