"""The HTTP layer: Flask app factory, blueprints, schemas, error mapping, pages."""

from __future__ import annotations

from typing import Any

from datetime import date

from flask import Flask, send_from_directory
from flask.json.provider import DefaultJSONProvider
from swagger_ui_bundle import swagger_ui_path

from api import board, calendars, commitments, committee, communities, petitions, reads, reports, transparency, visits
from api.errors import PetitionsApi, register_error_handlers
from api.operations import init_operations
from api.pages import csrf, init_pages
from api.pages.labels import label
from api.security import document_security, init_security
from service.bootstrap import Services, bootstrap
from service.settings import Settings

DOCS_STATIC = "/api/docs/static/"


class JSONProvider(DefaultJSONProvider):
    """Dates as ISO 8601 everywhere (Flask's default is the HTTP date format); UTF-8 kept readable."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):  # type: ignore[no-untyped-def]
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(config: dict[str, Any] | None = None, services: Services | None = None) -> Flask:
    """Builds the app. ``config`` may hold ``DATABASE_URL``; ``services`` may be given ready-built (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = JSONProvider(app)
    app.config.update(
        API_TITLE="群众诉求办理 Petitions",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=DOCS_STATIC,
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
        RUN_PROJECTIONS_IN_PROCESS=True,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    if services is None:
        settings = (
            Settings(database_url=app.config["DATABASE_URL"])
            if app.config.get("DATABASE_URL")
            else Settings.from_env(app.instance_path)
        )
        services = bootstrap(settings)
    app.extensions["petitions.services"] = services
    init_operations(app)  # request ids, access log, metrics, /readyz, /metrics
    init_security(app, services.settings)  # secret, cookies, proxies, headers; sign-in before a body is read

    api = PetitionsApi(app)
    for blueprint in (petitions.blp, petitions.supervision, communities.blp, committee.blp, commitments.commitments,
                      commitments.questionnaires, commitments.reviews, commitments.public, reports.blp, calendars.blp):
        api.register_blueprint(blueprint)
    for blueprint in (board.blp, transparency.blp, reads.desk, reads.agenda, reads.ledger, visits.blp, visits.public):
        api.register_blueprint(blueprint)
    app.register_blueprint(board.pages)
    document_security(app, api)
    register_error_handlers(app)
    init_pages(app, api)
    app.jinja_env.filters["label"] = label
    for blueprint in app.blueprints.values():
        if (blueprint.url_prefix or "").startswith("/api"):
            csrf.exempt(blueprint)  # the JSON API takes bearer tokens, never cookies: no CSRF token needed

    @app.get(f"{DOCS_STATIC}<path:filename>")
    def swagger_ui_static(filename: str):  # type: ignore[no-untyped-def]
        return send_from_directory(swagger_ui_path, filename)

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return {"status": "ok"}

    return app
