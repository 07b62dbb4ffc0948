"""What every answer carries and what every request is checked for, in one place:

- the real client and scheme behind PETITIONS_TRUSTED_PROXIES reverse proxies (werkzeug's ProxyFix);
- the session cookie: HttpOnly, SameSite=Lax, ``Secure`` when configured or when the request came by HTTPS,
  expiring after the idle time;
- security headers: a Content-Security-Policy without inline script (the pages' scripts are files in
  api/static), frame-ancestors and X-Frame-Options, nosniff, Referrer-Policy, HSTS over HTTPS, and
  ``Cache-Control: no-store`` on every answer but static files (staff pages and API answers carry
  personal data; a petitioner's lookup carries their petition);
- the JSON API signs the caller in before it reads the body (401 comes before 422);
- NUL characters in a path, a query or a form are refused (PostgreSQL cannot store them);
- addresses given out (receipts, QR codes) come from PETITIONS_PUBLIC_BASE_URL, never the Host header;
- ``next=`` after signing in only ever leads to a path of this site."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, jsonify, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from api.errors import error_body
from service.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # style attributes in the templates; no script can run from them
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # a lookup address holds a tracking code: it never leaves this site
    "Cross-Origin-Opener-Policy": "same-origin",
}
CACHEABLE = ("/static/", "/api/docs/static/")
# JSON API addresses anyone may call (public JSON lives under /api/public/); every other one under /api/
# needs a bearer token
PUBLIC_API_PREFIXES = ("/api/public/", "/api/transparency/", "/api/docs", "/api/openapi.json",
                       "/api/working-days/")
NUL = "\x00"


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure also when the request itself came by HTTPS (behind a proxy too)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_security(app: Flask, settings: Settings) -> None:
    secret = app.config.get("SECRET_KEY") or settings.secret_key
    if not secret and app.testing:
        secret = secrets.token_urlsafe(48)
    app.config["SECRET_KEY"] = secret or settings.require_secret()  # no built-in secret: say which variable
    app.config.setdefault("PUBLIC_BASE_URL", settings.public_base_url or "http://localhost:5000")
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")
    app.config.setdefault("METRICS_TOKEN", settings.metrics_token)
    app.config.setdefault("SESSION_COOKIE_SECURE", settings.cookies_secure)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(minutes=settings.session_idle_minutes))
    app.session_interface = SessionCookies()
    proxies = int(app.config.get("TRUSTED_PROXIES", settings.trusted_proxies) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.after_request(_headers)
    # before the body is read (errors.check_json_body is registered after these)
    app.before_request(refuse_nul)
    app.before_request(sign_in_api_caller)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.path.startswith(CACHEABLE):
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_nul():  # type: ignore[no-untyped-def]
    """Before every request: NUL in the path is 404, in a query or form field 422 naming it."""
    if NUL in request.path:
        return jsonify(error_body("not_found", "no such address")), 404
    pages_form = request.method in ("POST", "PUT", "PATCH") and not request.path.startswith("/api/")  # API: JSON only
    sources = [request.args, request.form] if pages_form else [request.args]
    fields = {name: ["must not contain NUL (U+0000) characters"]
              for source in sources for name, value in source.items(multi=True) if NUL in value or NUL in name}
    if fields:
        fields = {name.replace(NUL, "\\u0000"): problems for name, problems in fields.items()}
        message = "; ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items())
        return jsonify(error_body("invalid_input", message, fields=fields)), 422
    return None


def sign_in_api_caller():  # type: ignore[no-untyped-def]
    """Before a JSON API view that needs a bearer token: 401 without a valid one, before the body is read."""
    if request.url_rule is None or not needs_token(request.url_rule.rule):
        return None
    from api.context import api_user

    api_user()  # aborts 401; remembers the caller for the view
    return None


def public_url(endpoint: str, **values: object) -> str:
    """An address of this site as the public reaches it: the configured public base URL, never the Host header."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path of this site; None for anything that could lead elsewhere
    (``//host``, ``/\\host``, control characters such as tab, CR or LF, an absolute URL)."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))



def needs_token(rule: str) -> bool:
    """Whether the JSON API address (a URL rule such as ``/api/petitions/<reference>``) needs a bearer token."""
    return rule.startswith("/api/") and not rule.startswith(PUBLIC_API_PREFIXES)


def document_security(app: Flask, api: Api) -> None:
    """The OpenAPI document declares the bearer scheme and, on each operation that needs it, the
    token and the 401 and 403 answers (so Swagger UI's Authorize button signs its calls)."""
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "a token from `petitions create-token USER` (or the administrator), "
                       "sent as 'Authorization: Bearer <token>'"})
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    answers = {"401": {"description": "not signed in: no valid bearer token (WWW-Authenticate: Bearer)",
                       "content": problem},
               "403": {"description": "signed in, but this user's roles may not do this", "content": problem}}
    paths = api.spec._paths  # apispec keeps the operations here until the document is rendered
    for rule in app.url_map.iter_rules():
        if not needs_token(rule.rule):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = paths.get(path, {}).get(method.lower())
            if operation is None:
                continue
            operation["security"] = [{"bearerAuth": []}]
            for status, answer in answers.items():
                operation.setdefault("responses", {}).setdefault(status, answer)
