"""Errors mapped to HTTP in one place, with one JSON shape:
``{"error": code, "message": text, ...}`` plus ``fields`` (422) or ``state``,
``allowed_steps`` and ``version`` (409)."""

from __future__ import annotations

import logging
from typing import Any

import json

from flask import Flask, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from api.schemas import ProblemSchema
from service import errors

log = logging.getLogger(__name__)

HTTP_ERROR_CODES = {
    400: "bad_request", 401: "not_signed_in", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid_input", 428: "precondition_required", 429: "too_many_requests", 503: "unavailable",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}


def flatten_field_errors(messages: dict[str, Any]) -> dict[str, list[str]]:
    """webargs groups errors by location (json, query, headers); fields are named by their path."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat[prefix or "_body"] = list(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            flat[prefix or "_body"] = [str(value)]

    for location_errors in messages.values():
        walk("", location_errors)
    return flat


class PetitionsApi(Api):
    """flask-smorest's Api, answering HTTP errors in this service's one JSON shape."""

    ERROR_SCHEMA = ProblemSchema  # documented as every operation's default error answer: the one shape

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        code = error.code or 500
        data = getattr(error, "data", None) or {}
        if code == 422 and "messages" in data:
            fields = flatten_field_errors(data["messages"])
            body = error_body("invalid_input", _summary(fields), fields=fields)
        else:
            body = error_body(HTTP_ERROR_CODES.get(code, "error"), data.get("message") or error.description or "")
        response = jsonify(body)
        response.status_code = code
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


def _summary(fields: dict[str, list[str]]) -> str:
    return "; ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items())


RETRY_AFTER_SECONDS = 5
BODY_METHODS = ("POST", "PUT", "PATCH")


def check_json_body():  # type: ignore[no-untyped-def]
    """Before a JSON API view: a body must be JSON, parse, and carry no NUL characters."""
    if not request.path.startswith("/api/") or request.method not in BODY_METHODS:
        return None
    raw = request.get_data(cache=True)
    if not raw:
        return None
    if request.mimetype != "application/json":
        return jsonify(error_body("unsupported_media_type", "send JSON, with Content-Type: application/json")), 415
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        return jsonify(error_body("bad_request", f"the body is not valid JSON: {error}")), 400
    except RecursionError:
        return jsonify(error_body("bad_request", "the body is not valid JSON: nested too deeply")), 400
    if b"\\u0000" in raw.lower():
        return _invalid_text("text must not contain NUL (U+0000) characters")
    if b"\\ud" in raw.lower():  # an escaped surrogate: refuse one that is not half of a pair
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return _invalid_text("text must be valid Unicode: a lone surrogate such as \\ud800 is not a character")
    return None


def _invalid_text(problem: str):  # type: ignore[no-untyped-def]
    return jsonify(error_body("invalid_input", f"_body: {problem}", fields={"_body": [problem]})), 422


def register_error_handlers(app: Flask) -> None:
    app.before_request(check_json_body)

    def store_unavailable(error: Exception):  # type: ignore[no-untyped-def]
        log.warning("store unavailable: %s", type(error).__name__)
        response = jsonify(error_body("unavailable", "the database cannot be reached; try again shortly"))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, 503

    for unavailable in errors.store_unavailable_errors():
        app.register_error_handler(unavailable, store_unavailable)

    @app.errorhandler(errors.InvalidInputError)
    def invalid_input(error: errors.InvalidInputError):  # type: ignore[no-untyped-def]
        return jsonify(error_body("invalid_input", error.message, fields=error.fields)), 422

    @app.errorhandler(errors.NotFoundError)
    def not_found(error: errors.NotFoundError):  # type: ignore[no-untyped-def]
        return jsonify(error_body("not_found", error.message)), 404

    @app.errorhandler(errors.IllegalStepError)
    def illegal_step(error: errors.IllegalStepError):  # type: ignore[no-untyped-def]
        body = error_body(
            "illegal_step", error.message, state=error.state, allowed_steps=error.allowed_steps, version=error.version
        )
        return jsonify(body), 409

    @app.errorhandler(errors.VersionConflictError)
    def version_conflict(error: errors.VersionConflictError):  # type: ignore[no-untyped-def]
        return jsonify(error_body("version_conflict", error.message, **error.current)), 409

    @app.errorhandler(errors.TooManyAttemptsError)
    def too_many_attempts(error: errors.TooManyAttemptsError):  # type: ignore[no-untyped-def]
        return jsonify(error_body("too_many_requests", error.message)), 429, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(errors.NotYetReadableError)
    def not_yet_readable(error: errors.NotYetReadableError):  # type: ignore[no-untyped-def]
        return jsonify(error_body("unavailable", error.message)), 503, {"Retry-After": "1"}

    @app.errorhandler(errors.ServiceError)
    def service_error(error: errors.ServiceError):  # type: ignore[no-untyped-def]
        log.warning("service error: %s", type(error).__name__)
        return jsonify(error_body("conflict", error.message)), 409
