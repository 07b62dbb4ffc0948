"""No built-in secret; security headers on every answer; no inline script; addresses from the
configured public base URL; /metrics behind a token; bearer tokens listed and revoked from the CLI."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from api import create_app
from api.security import CONTENT_SECURITY_POLICY
from service.settings import SettingError, Settings, instance_secret
from tests.conftest import TEST_SECRET, password_of
from tests.helpers import petition_fields

def stores(settings: Settings) -> list[str]:
    return ["--database-url", settings.database_url, "--keys-database-url", settings.key_store_url]


TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"


class TestNoBuiltInSecret:
    def test_the_settings_have_no_secret_unless_one_is_given(self, monkeypatch):
        monkeypatch.delenv("PETITIONS_SECRET_KEY", raising=False)
        assert Settings.from_env(database_url="sqlite:///x.db").secret_key is None
        assert Settings(database_url="sqlite:///x.db").secret_key is None

    def test_an_app_without_a_secret_refuses_to_start_and_names_the_variable(self, services):
        services_without = services
        object.__setattr__(services_without, "settings", services.settings.with_(secret_key=None))
        with pytest.raises(SettingError, match="set PETITIONS_SECRET_KEY"):
            create_app({}, services=services_without)

    def test_petitions_run_refuses_to_start_without_a_secret(self, settings, monkeypatch):
        from api.cli import main

        monkeypatch.delenv("PETITIONS_SECRET_KEY", raising=False)
        result = CliRunner().invoke(main, [*stores(settings), "run"])
        assert result.exit_code == 1
        assert "no secret key is configured: set PETITIONS_SECRET_KEY" in result.output
        monkeypatch.setenv("PETITIONS_SECRET_KEY", "too-short")
        result = CliRunner().invoke(main, [*stores(settings), "run"])
        assert result.exit_code == 1 and "PETITIONS_SECRET_KEY is too short" in result.output

    def test_petitions_serve_makes_a_random_secret_in_the_instance_folder_and_keeps_it(
            self, settings, tmp_path, monkeypatch):
        import waitress

        from api.cli import main

        monkeypatch.delenv("PETITIONS_SECRET_KEY", raising=False)
        monkeypatch.chdir(tmp_path)
        served = []
        monkeypatch.setattr(waitress, "serve", lambda app, **options: served.append(app))
        for _ in range(2):
            result = CliRunner().invoke(main, [*stores(settings), "serve", "--no-projections"])
            assert result.exit_code == 0, result.output
            served[-1].extensions["petitions.services"].close()
        secret_file = tmp_path / "instance" / "secret_key"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        kept = secret_file.read_text().strip()
        assert len(kept) >= 48 and [app.config["SECRET_KEY"] for app in served] == [kept, kept]
        assert served[0].config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
        assert instance_secret(tmp_path / "elsewhere") != kept


class TestHeaders:
    @pytest.mark.parametrize("path", ["/login", "/board", "/lookup", "/api/public/board", "/api/communities",
                                      "/api/docs", "/no/such/page"])
    def test_every_answer_carries_the_security_headers_and_no_store(self, client, community, path):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"

    def test_static_files_may_be_cached(self, client):
        response = client.get("/static/pages.js")
        assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"

    def test_no_template_has_an_inline_script_or_event_handler(self):
        for template in TEMPLATES.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
            assert not re.search(r"\son[a-z]+\s*=", text), template
            assert "javascript:" not in text, template

    def test_swagger_ui_starts_from_a_file(self, client):
        page = client.get("/api/docs").get_data(as_text=True)
        assert '<script src="/static/swagger-init.js">' in page and 'data-spec-url="/api/openapi.json"' in page


class TestPublicAddresses:
    def test_the_receipt_and_its_qr_code_lead_to_the_public_base_url_whatever_the_host_header(
            self, services, community):
        services.accounts.register(username="lihua", display_name="李华", password=password_of("lihua"),
                                   roles=["desk_staff"], community_code="jinhua", actor="test")
        app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                          "PUBLIC_BASE_URL": "https://petitions.example.org"}, services=services)
        pages = app.test_client()
        pages.post("/login", data={"username": "lihua", "password": password_of("lihua")},
                   base_url="http://evil.example")  # a request whose Host header names another site
        outcome, _ = services.petitions.receive(actor="lihua", **petition_fields(community))
        reference = outcome.petition["reference"]
        receipt = pages.get(f"/desk/petitions/{reference}/receipt", base_url="http://evil.example")
        text = receipt.get_data(as_text=True)
        assert receipt.status_code == 200
        assert "https://petitions.example.org/lookup" in text and "evil.example" not in text


    @pytest.fixture
    def public_app(self, services):
        return create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                           "PUBLIC_BASE_URL": "https://petitions.example.org"}, services=services)

    @pytest.fixture
    def qr_contents(self, monkeypatch):
        """What each QR code drawn while a page is made encodes (an SVG's squares do not show it)."""
        import segno

        drawn: list[str] = []
        make = segno.make

        def recording(content, *args, **kwargs):  # type: ignore[no-untyped-def]
            drawn.append(str(content))
            return make(content, *args, **kwargs)

        monkeypatch.setattr(segno, "make", recording)
        return drawn

    def test_the_wall_boards_fingerprint_qr_code_leads_to_the_public_base_url(
            self, services, clock, community, public_app, qr_contents):
        from tests.transparency.scenario import grow

        grow(services, clock, community, 2)
        assert services.transparency.latest_head() is not None
        board = public_app.test_client().get("/board/jinhua", base_url="http://evil.example")
        text = board.get_data(as_text=True)
        assert board.status_code == 200 and "evil.example" not in text
        assert "petitions verify https://petitions.example.org" in text
        [address] = qr_contents
        assert address.startswith("https://petitions.example.org/api/transparency/") and "evil" not in address
        entry = public_app.test_client().get("/board/entries/1", base_url="http://evil.example")
        assert entry.status_code == 200 and "evil.example" not in entry.get_data(as_text=True)
        assert "petitions verify https://petitions.example.org --entry 1" in entry.get_data(as_text=True)

    def test_the_questionnaire_notice_and_its_qr_code_lead_to_the_public_base_url(
            self, services, clock, community, public_app, qr_contents):
        today = clock.now().date()
        drafted = services.questionnaires.draft(
            community="jinhua", title="楼道照明满意度", anonymous=True, opens_on=today, closes_on=today,
            questions=[{"kind": "free_text", "text": "还有什么建议"}], actor="chensec")
        services.questionnaires.open(drafted["id"], actor="chensec")
        notice = public_app.test_client().get(f"/board/questionnaires/{drafted['id']}/notice",
                                              base_url="http://evil.example")
        text = notice.get_data(as_text=True)
        address = f"https://petitions.example.org/board/questionnaires/{drafted['id']}"
        assert notice.status_code == 200 and "evil.example" not in text and address in text
        assert qr_contents == [address]

    def test_the_evaluation_notices_and_their_qr_codes_lead_to_the_public_base_url(
            self, services, clock, community, public_app, qr_contents):
        from datetime import date

        made = services.commitments.make(year=2026, text="为第二网格加装楼道声控灯", visible_result="每层楼道都有灯",
                                         target_date=date(2026, 12, 20), member_id=community["handler"], actor="t")
        services.commitments.approve(made["id"], actor="t")
        clock.advance(days=60)
        services.projections.catch_up()
        review = services.reviews.gather(member_id=community["handler"], year=2026, actor="t")
        services.reviews.report(review["id"], report="全年联系群众", actor="t")
        client = public_app.test_client()
        for notice, target in ((f"/board/commitments/{made['id']}/notice", f"/board/commitments/{made['id']}/evaluation"),
                               (f"/board/reviews/{review['id']}/notice", f"/board/reviews/{review['id']}/evaluation")):
            shown = client.get(notice, base_url="http://evil.example")
            text = shown.get_data(as_text=True)
            address = f"https://petitions.example.org{target}"
            assert shown.status_code == 200 and "evil.example" not in text and address in text
            assert qr_contents[-1] == address


class TestMetrics:
    def test_metrics_need_the_token(self, client, anonymous_client):
        assert anonymous_client.get("/metrics").status_code == 401
        wrong = anonymous_client.get("/metrics", headers={"Authorization": "Bearer not-it"})
        assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert wrong.json == {"error": "not_signed_in",
                              "message": "send 'Authorization: Bearer <PETITIONS_METRICS_TOKEN>'"}
        staff_token = client.get("/metrics")  # a staff bearer token is not the metrics token
        assert staff_token.status_code == 401

    def test_without_a_metrics_token_there_are_no_metrics(self, services):
        app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET}, services=services)
        response = app.test_client().get("/metrics", headers={"Authorization": "Bearer anything"})
        assert response.status_code == 404
        assert response.json == {"error": "not_found", "message": "metrics are off: set PETITIONS_METRICS_TOKEN"}


class TestTokensCommand:
    def test_tokens_are_listed_and_revoked_from_the_command_line(self, client, settings, monkeypatch):
        from api.cli import main

        listed = CliRunner().invoke(main, [*stores(settings), "tokens", "list"])
        assert listed.exit_code == 0, listed.output
        (line,) = [line for line in listed.output.splitlines() if "wangfang" in line]
        token_id = line.split()[0]
        assert re.fullmatch(r"[0-9a-f]{12}", token_id) and "tests" in line and line.endswith("live")
        revoked = CliRunner().invoke(main, [*stores(settings), "tokens", "revoke",
                                            "wangfang", token_id])
        assert revoked.exit_code == 0 and f"Token {token_id} of wangfang revoked." in revoked.output
        assert client.get("/api/communities").status_code == 401
        again = CliRunner().invoke(main, [*stores(settings), "tokens", "revoke",
                                          "wangfang", token_id])
        assert again.exit_code == 1 and f"no token {token_id} of wangfang" in again.output
