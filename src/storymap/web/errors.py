"""Errors: JSON for the API, a plain page otherwise, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed


def error_response(status: int, message: str, **extra):
    body = jsonify({"error": {"status": status, "message": message, **extra}})
    body.status_code = status
    return body


def init_app(app: Flask, page: str = "error.html", api_prefix: str = "/api/",
             internal: str = InternalServerError.description) -> None:
    """JSON errors under ``api_prefix``, the template ``page`` elsewhere; ``internal`` says what a 500 means."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith(api_prefix):
            if isinstance(exc, MethodNotAllowed):
                allowed = ", ".join(sorted(exc.valid_methods or ()))
                return error_response(405, f"method {request.method} is not allowed here; expected {allowed}")
            return error_response(exc.code or 500, exc.description or exc.name)
        return render_template(page, code=exc.code, name=exc.name, message=exc.description, lang="zh"), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return http_error(InternalServerError(internal))
