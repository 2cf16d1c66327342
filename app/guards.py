"""What every route gets, core's and every plugin's, before its view runs and on its answer:

* numbers: `<int:...>` routes, record ids in paths and `request.args/form/values.get(..., type=int)`
  stay within what an SQL INTEGER column holds (a bigger one cannot name a row: 404, or the get's
  default), and so do integers in JSON bodies and rison queries (4xx instead of the database's
  overflow, which PostgreSQL raises past 32 bits and SQLite past 64);
* JSON bodies must be objects of valid text: non-objects, lone surrogates ("\\ud800"), control
  characters and numbers out of range are refused (API and pages' JSON calls alike);
* control characters in form fields and query strings are *stripped* (a person's paste brought
  them; the form keeps the rest of what was typed), and *refused* in JSON (a program sent them);
* list pages' page, page size and sort arguments are checked (400 with a message);
* the API: an Authorization header must carry a valid Bearer token (401), a session cookie must
  come with the CSRF token for a change (as the pages' forms do), a user who must change their
  password gets 403; every error answer on /api/ is JSON with a message;
* headers: nosniff, no framing, a Content-Security-Policy whose scripts need the page's nonce
  (templates write `nonce="{{ baselib.get_nonce() }}"`, as Flask-AppBuilder's own do), Referrer-Policy.
"""
from __future__ import annotations

import json
import math
import re
import secrets

from flask import Request, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# SQL INTEGER, PostgreSQL's int4: every id and number column of core and the plugins is one (a
# plugin with BigInteger columns would raise this; tests/core/test_bad_input.py checks the models).
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)
# C0 controls but tab, newline and carriage return; DEL. Never meaningful in a text field.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile("[\ud800-\udfff]")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
API_PREFIX = "/api/"

ERR_NOT_OBJECT = _l("The request body must be a JSON object.")
ERR_NOT_JSON = _l("The request body is not valid JSON.")
ERR_CONTROL = _l("Contains control characters, which cannot be stored.")
ERR_SURROGATE = _l("Contains an invalid character (a lone surrogate).")
ERR_NUMBER = _l("Number out of range.")
ERR_PAGE = _l("Not a valid page number.")
ERR_SORT = _l("This list cannot be sorted by that column.")
ERR_RISON = _l("Not a valid rison argument.")
ERR_TOKEN = _l("The token is invalid or has expired: sign in again.")
ERR_CSRF = _l("The CSRF token is missing or invalid: send it in the X-CSRFToken header.")
ERR_MUST_CHANGE = _l("This account must choose a new password first: sign in on the web page and change it.")

ERROR_TITLES = {
    400: _l("The request cannot be processed."), 401: _l("Please sign in."),
    403: _l("You do not have access to this page."), 404: _l("Not found."),
    405: _l("This method is not allowed here."), 409: _l("Conflict."), 413: _l("Too large."),
    422: _l("The data cannot be processed."), 429: _l("Too many requests."), 500: _l("Internal error."),
}


def in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def _int(value) -> int:
    number = int(value)
    if not in_range(number):
        raise ValueError("out of range")
    return number


def _bounded(type_):
    return _int if type_ is int else type_


class BoundedMultiDict(ImmutableMultiDict):
    """`.get(key, type=int)` gives the default for a number no database column can hold."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, _bounded(type))


class BoundedCombinedMultiDict(CombinedMultiDict):
    def get(self, key, default=None, type=None):
        return super().get(key, default, _bounded(type))


class HouqinRequest(Request):
    parameter_storage_class = BoundedMultiDict

    @cached_property
    def args(self):
        return _stripped(super().args, self.parameter_storage_class)

    def _load_form_data(self):
        super()._load_form_data()
        self.__dict__["form"] = _stripped(self.__dict__["form"], self.parameter_storage_class)

    @cached_property
    def values(self):
        sources = [self.args] + ([self.form] if self.method != "GET" else [])
        return BoundedCombinedMultiDict(sources)


def _stripped(data, cls):
    if not any(CONTROL.search(v) for v in data.values()):
        return data
    return cls([(k, CONTROL.sub("", v)) for k, v in data.items(multi=True)])


class IntConverter(IntegerConverter):
    """`<int:pk>`: a number no INTEGER column holds matches no route (404), it could not name a row."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_early(app) -> None:
    """Before any route exists (converters are bound when a rule is added)."""
    app.request_class = HouqinRequest
    app.url_map.converters["int"] = IntConverter


# -- JSON bodies -----------------------------------------------------------------------------

def json_problems(value, path: str = "") -> dict[str, list[str]]:
    """{field path: [message]} for what a JSON value holds that cannot be stored."""
    problems: dict[str, list[str]] = {}

    def note(where, message):
        problems.setdefault(where or "message", []).append(str(message))

    def walk(item, where):
        if isinstance(item, str):
            if SURROGATE.search(item):
                note(where, ERR_SURROGATE)
            elif CONTROL.search(item):
                note(where, ERR_CONTROL)
        elif isinstance(item, bool):
            return
        elif isinstance(item, int):
            if not in_range(item):
                note(where, ERR_NUMBER)
        elif isinstance(item, float):
            if not math.isfinite(item):
                note(where, ERR_NUMBER)
        elif isinstance(item, dict):
            for key, sub in item.items():
                if SURROGATE.search(key) or CONTROL.search(key):
                    note(where, ERR_SURROGATE if SURROGATE.search(key) else ERR_CONTROL)
                    continue
                walk(sub, f"{where}.{key}" if where else key)
        elif isinstance(item, list):
            for n, sub in enumerate(item):
                walk(sub, f"{where}.{n}" if where else str(n))

    walk(value, path)
    return problems


def _check_json_body():
    if request.method not in WRITE_METHODS or not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None  # no body: the view decides whether it needs one
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return jsonify(message=str(ERR_NOT_JSON)), 400
    if not isinstance(body, dict):
        return jsonify(message=str(ERR_NOT_OBJECT)), 400
    problems = json_problems(body)
    if problems:
        return jsonify(message=problems), 422
    return None


# -- rison `q` of the API and the list pages' arguments ----------------------------------------

def _rison_problem(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not in_range(value)
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        return bool(SURROGATE.search(value) or CONTROL.search(value))
    if isinstance(value, dict):
        return any(_rison_problem(k) or _rison_problem(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_rison_problem(v) for v in value)
    return False


def _check_rison():
    if not request.path.startswith(API_PREFIX) or "q" not in request.args:
        return None
    import prison

    try:
        parsed = prison.loads(request.args["q"])
    except Exception:  # prison raises several types for bad input
        return jsonify(message=str(ERR_RISON)), 400
    if _rison_problem(parsed):
        return jsonify(message=str(ERR_NUMBER)), 400
    if isinstance(parsed, dict):
        for key in ("page", "page_size"):
            if key in parsed and (not isinstance(parsed[key], int) or isinstance(parsed[key], bool)
                                  or parsed[key] < 0):
                return jsonify(message={key: [str(ERR_PAGE)]}), 400
    return None


def _list_views(app) -> dict[str, object]:
    return {type(v).__name__: v for v in app.appbuilder.baseviews if hasattr(v, "order_columns")}


def _check_list_args(views):
    """FAB reads page_<View>, psize_<View>, _oc_<View>, _od_<View> without checking them."""
    for key, value in request.args.items():
        if key.startswith(("page_", "psize_")):
            if not value.isdigit() or int(value) > 10**6:
                _abort(400, ERR_PAGE)
        elif key.startswith("_od_"):
            if value not in ("asc", "desc"):
                _abort(400, ERR_SORT)
        elif key.startswith("_oc_"):
            view = views.get(key[4:])
            if view is not None and value not in (getattr(view, "order_columns", None) or []):
                _abort(400, ERR_SORT)
    return None


def _check_path_ids():
    """Record ids in paths (`<pk>`, `<id>`, `<..._id>`): one out of range names no row."""
    for key, value in (request.view_args or {}).items():
        if (key in ("pk", "id") or key.endswith("_id")) and isinstance(value, str) \
                and re.fullmatch(r"-?\d+", value) and not in_range(int(value)):
            _abort(404)
    return None


def _abort(code: int, message=None):
    from flask import abort

    abort(code, description=str(message) if message is not None else None)


# -- the API's authentication -----------------------------------------------------------------

def _check_api_auth():
    if not request.path.startswith(API_PREFIX):
        return None
    header = request.headers.get("Authorization")
    if header is not None:
        from flask_jwt_extended import verify_jwt_in_request

        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return jsonify(message=str(ERR_TOKEN)), 401
        try:
            verify_jwt_in_request(refresh=request.endpoint == "HouqinSecurityApi.refresh")
        except Exception:  # flask_jwt_extended and PyJWT raise many types for a bad token
            return jsonify(message=str(ERR_TOKEN)), 401
        from flask_jwt_extended import current_user as jwt_user

        if not jwt_user:
            return jsonify(message=str(ERR_TOKEN)), 401
        if getattr(jwt_user, "must_change_password", False):
            return jsonify(message=str(ERR_MUST_CHANGE)), 403
        return None
    from flask_login import current_user

    if request.endpoint == "HouqinSecurityApi.login" or not current_user.is_authenticated:
        return None
    # Signed in by the session cookie, as a page's script would be.
    if getattr(current_user, "must_change_password", False):
        return jsonify(message=str(ERR_MUST_CHANGE)), 403
    if request.method in WRITE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        from flask_wtf.csrf import CSRFError

        try:
            current_app.extensions["csrf"].protect()
        except CSRFError:
            return jsonify(message=str(ERR_CSRF)), 400
    return None


# -- errors ------------------------------------------------------------------------------------

def _error_message(error: HTTPException) -> str:
    default = type(error).description
    if error.description and error.description != default:
        return str(error.description)
    return str(ERROR_TITLES.get(error.code, error.name))


def _handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400 or getattr(error, "response", None) is not None:
        return error
    if request.path.startswith(API_PREFIX):
        return jsonify(message=_error_message(error)), error.code
    try:
        appbuilder = current_app.appbuilder
        page = render_template("houqin/error.html", code=error.code, title=str(ERROR_TITLES.get(error.code, error.name)),
                               message=_error_message(error), base_template=appbuilder.base_template,
                               appbuilder=appbuilder)
    except Exception:  # the error page must never fail: Flask's plain one then
        return error
    return page, error.code


# -- headers -----------------------------------------------------------------------------------

def csp_nonce() -> str:
    nonce = g.get("_hq_csp_nonce")
    if nonce is None:
        nonce = g._hq_csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Styles keep 'unsafe-inline': Flask-AppBuilder's widgets set style attributes; scripts may not.
    headers.setdefault("Content-Security-Policy", (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{csp_nonce()}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"))
    return response


def _jwt_errors(app) -> None:
    """flask_jwt_extended answers {"msg": ...} and 422 for a malformed token: the API says 401."""
    jwt = app.appbuilder.sm.jwt_manager

    def unauthorized(*_):
        return jsonify(message=str(ERR_TOKEN)), 401

    for register in (jwt.unauthorized_loader, jwt.invalid_token_loader, jwt.expired_token_loader,
                     jwt.needs_fresh_token_loader, jwt.revoked_token_loader, jwt.user_lookup_error_loader,
                     jwt.token_verification_failed_loader):
        register(unauthorized)


def install(app) -> None:
    views = _list_views(app)
    app.before_request(_check_json_body)
    app.before_request(_check_rison)
    app.before_request(lambda: _check_list_args(views))
    app.before_request(_check_path_ids)
    app.before_request(_check_api_auth)
    app.after_request(_security_headers)
    # Also the 500 of an unhandled exception (Flask passes it as InternalServerError, logged first).
    app.register_error_handler(HTTPException, _handle_http_error)
    # A global, not a context variable: Flask-AppBuilder's macros (imported without context) ask too.
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    _jwt_errors(app)
