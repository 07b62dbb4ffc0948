"""Signing in on a public network: slowed wrong passwords, a password policy, safe redirects,
sessions that end on the server and when idle, Secure cookies behind a proxy, expiring tokens."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api import create_app
from service.bootstrap import bootstrap
from service.errors import InvalidInputError, TooManyAttemptsError
from tests.conftest import TEST_SECRET, password_of

PASSWORD = password_of("wangfang")
PROXY = {"REMOTE_ADDR": "10.0.0.1"}


@pytest.fixture
def pages(services):
    services.accounts.register(username="wangfang", display_name="王芳", password=PASSWORD,
                               roles=["administrator"], actor="test")
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False}, services=services)
    return app


def login(client, password=PASSWORD, username="wangfang", next_=None, address="192.0.2.10"):
    url = "/login" if next_ is None else "/login?next=" + next_
    return client.post(url, data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


class TestWrongPasswords:
    def test_wrong_passwords_for_an_account_are_slowed_down_then_let_through(self, pages, clock):
        client = pages.test_client()
        statuses = [login(client, "wrong-password", address=f"192.0.2.{n}").status_code for n in range(5)]
        assert statuses == [401] * 5
        slowed = login(client, PASSWORD, address="192.0.2.99")  # even the right password waits: it is not checked
        assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "3"
        assert "密码错误次数过多，请等待 3 秒后再试。" in slowed.get_data(as_text=True)
        clock.advance(seconds=3)
        assert login(client, PASSWORD).status_code == 302

    def test_one_client_guessing_many_accounts_is_slowed_down(self, pages, services):
        assert services.signin.per_client.free == 20
        services.signin.per_client = replace(services.signin.per_client, free=4)  # fewer slow Argon2 checks
        client = pages.test_client()
        statuses = [login(client, "wrong-password", username=f"user{n}", address="198.51.100.7").status_code
                    for n in range(5)]
        assert statuses == [401] * 4 + [429]
        assert login(client, PASSWORD, address="198.51.100.7").status_code == 429
        assert login(client, PASSWORD, address="198.51.100.8").status_code == 302

    def test_every_worker_process_slows_the_same_guesser(self, pages, services, clock):
        other = bootstrap(services.settings, clock)
        try:
            for n in range(5):
                worker = services if n % 2 else other
                assert worker.signin.sign_in("wangfang", "wrong-password", client=f"203.0.113.{n}") is None
            with pytest.raises(TooManyAttemptsError):
                other.signin.sign_in("wangfang", PASSWORD, client="203.0.113.50")
            with pytest.raises(TooManyAttemptsError):
                services.signin.sign_in("wangfang", PASSWORD, client="203.0.113.51")
        finally:
            other.close()


class TestThePasswordPolicy:
    @pytest.mark.parametrize(("password", "problem"), [
        ("short", "must be at least 10 characters"),
        ("password123456", "is too easy to guess (This is similar to a commonly used password): "
                           "use three or four uncommon words, or a longer password"),
        ("qwertyuiop", "is too easy to guess (This is a top-100 common password): "
                       "use three or four uncommon words, or a longer password"),
        ("lihua-password", "is made from the user name: add words of your own, not only the name"),
        ("lihua2026-lihua", "is made from the user name: add words of your own, not only the name"),
    ])
    def test_weak_passwords_are_refused_naming_the_field(self, services, password, problem):
        with pytest.raises(InvalidInputError) as refused:
            services.accounts.register(username="lihua", display_name="李华", password=password,
                                       roles=["desk_staff"], actor="test")
        assert refused.value.fields == {"password": [problem]}

    def test_the_account_page_answers_422_naming_the_password(self, pages):
        client = pages.test_client()
        login(client)
        response = client.post("/admin/accounts", data={
            "username": "lihua", "display_name": "李华", "password": "lihua-password", "roles": "administrator"})
        assert response.status_code == 422
        assert "由用户名构成：请加上您自己的词语，不要只用用户名。" in response.get_data(as_text=True)

    def test_a_strong_password_is_taken(self, services):
        services.accounts.register(username="lihua", display_name="李华", password="lihua Bamboo Lantern Orbit",
                                   roles=["administrator"], actor="test")
        assert services.accounts.authenticate("lihua", "lihua Bamboo Lantern Orbit").username == "lihua"


class TestNext:
    @pytest.mark.parametrize("target", [
        "//evil.example/steal", "/%5Cevil.example", "/%09/evil.example/steal", "/%0d%0aSet-Cookie:%20x=1",
        "https://evil.example/", "javascript:alert(1)", "/ok%0a", "evil.example", "///evil.example",
    ])
    def test_next_never_leads_off_the_site(self, pages, target):
        response = login(pages.test_client(), next_=target)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"

    def test_next_leads_to_a_path_of_this_site(self, pages):
        response = login(pages.test_client(), next_="/desk/worklist%3Fq%3D2026")
        assert response.status_code == 302 and response.headers["Location"] == "/desk/worklist?q=2026"


class TestSessions:
    def test_signing_out_ends_the_session_on_the_server(self, pages):
        client = pages.test_client()
        login(client)
        assert client.get("/admin/accounts").status_code == 200
        saved = client.get_cookie("session").value
        client.post("/logout")
        assert client.get("/admin/accounts").status_code == 302
        client.set_cookie("session", saved)  # the cookie saved before signing out
        response = client.get("/admin/accounts")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")

    def test_a_session_ends_after_the_idle_time(self, pages, services):
        client = pages.test_client()
        now = [1_800_000_000.0]
        services.signin.wall = lambda: now[0]
        login(client)
        now[0] += 29 * 60
        assert client.get("/admin/accounts").status_code == 200  # each request counts as use
        now[0] += 29 * 60
        assert client.get("/admin/accounts").status_code == 200
        now[0] += 31 * 60
        assert client.get("/admin/accounts").status_code == 302

    def test_cookies_are_secure_behind_an_https_proxy(self, services):
        services.accounts.register(username="wangfang", display_name="王芳", password=PASSWORD,
                                   roles=["administrator"], actor="test")
        app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                          "TRUSTED_PROXIES": 1}, services=services)
        client = app.test_client()
        response = client.post("/login", data={"username": "wangfang", "password": PASSWORD},
                               headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.44"},
                               environ_base=PROXY)
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        plain = app.test_client().get("/login", environ_base=PROXY)
        assert "Strict-Transport-Security" not in plain.headers

    def test_the_real_client_behind_a_trusted_proxy_is_the_one_slowed(self, services):
        services.signin.per_client = replace(services.signin.per_client, free=4)
        app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False,
                          "TRUSTED_PROXIES": 1}, services=services)
        client = app.test_client()
        statuses = [client.post("/login", data={"username": f"u{n}", "password": "x"},
                                headers={"X-Forwarded-For": "192.0.2.66"}, environ_base=PROXY).status_code
                    for n in range(5)]
        assert statuses == [401] * 4 + [429]
        others = client.post("/login", data={"username": "u99", "password": "x"},
                             headers={"X-Forwarded-For": "192.0.2.67"}, environ_base=PROXY)
        assert others.status_code == 401  # the proxy's address is shared; the real clients are told apart


class TestTokens:
    def test_a_token_expires_after_its_lifetime(self, client, clock):
        assert client.get("/api/communities").status_code == 200
        clock.advance(days=90, seconds=1)
        response = client.get("/api/communities")
        assert response.status_code == 401
        assert response.json == {"error": "not_signed_in", "message": "sign in: send 'Authorization: Bearer <token>' "
                                                                      "(see `petitions create-token`)"}

    def test_tokens_are_listed_and_revoked(self, client, services):
        listed = services.accounts.tokens("wangfang", lifetime=services.signin.token_lifetime)
        assert [(t["username"], t["label"], t["expired"]) for t in listed] == [("wangfang", "tests", False)]
        services.accounts.revoke_token("wangfang", listed[0]["id"], actor="admin")
        assert client.get("/api/communities").status_code == 401
        assert services.accounts.tokens("wangfang", lifetime=services.signin.token_lifetime) == []
