"""Errors: JSON for the API, a plain page otherwise, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, **extra):
    body = jsonify({"error": {"status": status, "message": message, **extra}})
    body.status_code = status
    return body


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            if isinstance(exc, MethodNotAllowed):
                allowed = ", ".join(sorted(exc.valid_methods or ()))
                return error_response(405, f"method {request.method} is not allowed here; expected {allowed}")
            return error_response(exc.code or 500, exc.description or exc.name)
        return render_template("error.html", code=exc.code, name=exc.name, lang="zh"), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return http_error(InternalServerError())
